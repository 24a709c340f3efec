"""The session's security gate (等保 2.0, docs/security.md), right after authentication.

For a signed-in staff account, in this order:
1. the session ends after ``SESSION_IDLE_MINUTES`` idle or ``SESSION_MAX_HOURS`` after its
   sign-in: signed out (recorded as "auth.session_expired") and sent to the login page, which says
   why (``?reason=idle`` or ``max``: the page shows one of two fixed sentences, never the text);
2. an account with a second factor whose session has not passed the second step is sent to it;
3. an account whose password must change (first sign-in, or expired) is sent to the password page;
4. an account that must sign in with a second factor but has none is sent to enrol.
Only the page it is sent to, signing out, and static files stay open meanwhile. An htmx request
gets ``HX-Redirect`` (the whole page goes), never a login page inside a fragment.

Residents (no unit) keep Django's session lifetime: they sign in with a text-message code, see
only their own registrations and reading log, and a 30-minute timeout would sign them out of
an activity's check-in queue; the idle rule is for the back office."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from learnweek.accounts.security import otp_devices, otp_required, password_change_reason, policy

STARTED = "lw_started"  # the sign-in, seconds since the epoch
SEEN = "lw_seen"  # the last request
VERIFIED = "lw_otp_verified"  # the user's pk once the second step is passed (or not needed)
SEEN_RESOLUTION = 60  # the last-seen time is written at most once a minute

SIGN_OUT_REASONS = {"idle", "max"}
OPEN_PREFIXES = ("/api/", "/healthz", "/readyz")


def mark_session_started(session) -> None:
    now = int(time.time())
    session[STARTED] = now
    session[SEEN] = now


def mark_signed_in(request: HttpRequest) -> None:
    """A new sign-in: its clock starts now (the second step is still to come)."""
    mark_session_started(request.session)


def mark_verified(request: HttpRequest) -> None:
    request.session[VERIFIED] = request.user.pk


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _with_next(request: HttpRequest, url: str, **params: str) -> str:
    if request.method == "GET":
        params["next"] = request.get_full_path()
    return f"{url}?{urlencode(params)}" if params else url


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.gate(request)
        return response if response is not None else self.get_response(request)

    def gate(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff_member:
            return None
        path = request.path_info
        if path.startswith(OPEN_PREFIXES) or path.startswith(settings.STATIC_URL):
            return None
        current = policy()
        session = request.session
        now = int(time.time())
        started, seen = session.get(STARTED), session.get(SEEN)
        if started is None or seen is None:
            session[STARTED] = started = now if started is None else started
            session[SEEN] = seen = now
        reason = ""
        if now - int(started) >= current.max_age.total_seconds():
            reason = "max"
        elif now - int(seen) >= current.idle.total_seconds():
            reason = "idle"
        if reason:
            request.sign_out_reason = reason  # type: ignore[attr-defined]  # read by accounts.auth_events
            logout(request)
            return _go(request, _with_next(request, reverse("login"), reason=reason))
        if now - int(seen) >= SEEN_RESOLUTION:
            session[SEEN] = now

        logout_url = reverse("logout")
        if path == logout_url:
            return None
        verified = session.get(VERIFIED) == user.pk
        if not verified:
            if otp_devices(user):
                return self._only(request, reverse("otp_verify"))
            if not otp_required(user, current):
                session[VERIFIED] = user.pk  # nothing to ask; not looked up again this session
        reason = password_change_reason(user)
        if reason:
            # The password page says why (registration/password_change_form.html).
            request.password_gate = reason  # type: ignore[attr-defined]
            request.password_gate_days = current.password_max_age_days  # type: ignore[attr-defined]
            if path == reverse("password_change_done"):
                return None
            return self._only(request, reverse("password_change"))
        if not verified and otp_required(user, current):
            return self._only(request, reverse("otp_setup"))
        return None

    @staticmethod
    def _only(request: HttpRequest, url: str) -> HttpResponse | None:
        if request.path_info == url:
            return None
        return _go(request, _with_next(request, url))
