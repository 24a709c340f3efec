"""The back office's one guard: signed-in staff only. Scope is then applied by the selectors."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def staff_required(view):
    """Anonymous visitors are sent to the login page; residents and other non-staff accounts
    get the ordinary 404, as if the back office did not exist for them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_staff_member:
            raise Http404()
        return view(request, *args, **kwargs)

    return wrapper
