from http import HTTPStatus

import csp.constants
import csp.middleware
import csp.utils
from django.conf import settings
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


# What a view or a decorator of django-csp sets on a response to change its policy.
_CSP_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_CSP_HEADERS = (
    (csp.constants.HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
    (csp.constants.HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
)
_csp_built: dict[tuple[str, str], str] = {}


def _csp_policy(setting: str, report_only: bool) -> str:
    """The header of the policy in ``setting``, built once per value of the setting."""
    key = (setting, repr(getattr(settings, setting, None)))  # the value, however it was changed
    value = _csp_built.get(key)
    if value is None:
        value = _csp_built[key] = csp.utils.build_policy(report_only=report_only)
    return value


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the header built once per policy. Ours has no nonce and no
    view changes it, yet django-csp copies the settings and joins the header again for every
    response (about 0.1 ms, a sixth of a cached public page). A response or request that does
    change it (a decorator of django-csp, ``request.csp_nonce``) goes django-csp's own way; the
    rest is what django-csp does (4.0), with the header it would build."""

    def process_response(self, request, response):
        per_response = any(hasattr(response, name) for name in _CSP_PER_RESPONSE)
        if per_response or getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            HTTPStatus.INTERNAL_SERVER_ERROR,
            HTTPStatus.NOT_FOUND,
        ):
            return response
        for header, setting, exempt, report_only in _CSP_HEADERS:
            policy = _csp_policy(setting, report_only)
            if not policy or header in response or getattr(response, exempt, False):
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error, not a gap.
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
