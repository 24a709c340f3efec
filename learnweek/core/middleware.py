from django.http import Http404
from django.middleware.gzip import GZipMiddleware
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


# What is worth compressing: text (HTML, CSS, JavaScript, CSV, iCalendar) and JSON/XML. Images,
# PDF, xlsx, docx and zip are compressed formats already; a stream of events must not be buffered.
_TEXT_TYPES = ("application/json", "application/javascript", "application/xml", "image/svg+xml")


def is_text(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "text/event-stream":
        return False
    return kind.startswith("text/") or kind in _TEXT_TYPES or kind.endswith(("+json", "+xml"))


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH padding: up to 100 random bytes in the gzip header) for
    text and JSON answers only, and only when whole: a file streamed to the browser (a stored
    photo or PDF, a range of it) keeps its length and its bytes. Off behind a proxy that
    compresses (``LEARNWEEK_GZIP=0``, docs/deploy.md)."""

    def process_response(self, request, response):
        if response.streaming or response.status_code == 206:
            return response
        if not is_text(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
