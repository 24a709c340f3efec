from django.http import Http404
from django.shortcuts import render

from learnweek.core.errors import NotFound
from learnweek.core.ratelimits import RateLimited


class NulPathMiddleware:
    """A path with a NUL character names nothing: 404 at once, before a view passes it to a
    database that cannot hold it (PostgreSQL text). Forms and the API refuse NULs in values."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404()
        return self.get_response(request)


class NotFoundMiddleware:
    """A service's ``NotFound`` (missing, or out of scope) becomes the ordinary 404 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, RateLimited):
            return render(request, "429.html", {"message": exception.message}, status=429)
        return None
