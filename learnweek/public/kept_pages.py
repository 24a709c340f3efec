"""Whole anonymous pages answered before the middleware chain, from this worker's memory.

An anonymous page (``page_cache.cached_page``) already comes from the cache, but each hit still
went through sessions, locale, CSRF, authentication, messages and the rest of the chain: more time
than the page itself. ``KeptPageMiddleware`` sits near the top of ``MIDDLEWARE``. When the chain
answers a request it may share with the page every anonymous visitor gets (the view marked the
response, see ``mark_for_anyone``), it keeps the response as the chain finished it: status, every
header the chain added (security headers, CSP, Vary, Content-Language…) and the body, but no
cookie. The next such request for the same address gets that response at once.

A request may be answered from a kept response only when nothing about it could change the page:
a GET without credentials, with no cookie but 长辈模式's, the device cookie and the CSRF cookie (no
session, so no sign-in and no messages), and no search (``q``): a search counts against its limit
(``ratelimits.limit``) however it is answered. The key holds every input that the chain or the page
reads from such a request: scheme, host (checked against ``ALLOWED_HOSTS`` first, as the chain
would), path, query, whether gzip is taken, 长辈模式, the language the locale middleware would
choose, whether the visitor already has a valid device cookie, and the public generation of the
last second (``Generation.recent``): a write is seen within ``RECENT`` (1 s), as for the pages
themselves. A visitor without a device cookie
gets a fresh one of its own (``ratelimits.device_cookie``), as ``remember_device`` would give.
Kept for ``LOCAL_TTL`` seconds at most, the 128 used last (``kept_copies``, apart from the
copies the pages keep), and never past the time the page gives (``until``: the day, an
activity's start or end)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from learnweek.core.public_cache import ACCEPTS_GZIP, WorkerCopies, public_activities
from learnweek.core.ratelimits import DEVICE_COOKIE, device_cookie, device_id
from learnweek.public.context import ELDER_COOKIE

# The cookies a request may carry and still get the page every anonymous visitor gets.
SHAREABLE_COOKIES = frozenset({ELDER_COOKIE, DEVICE_COOKIE, settings.CSRF_COOKIE_NAME})
_MARK = "_kept_for_anyone"
_STATIC = settings.STATIC_URL or "/static/"
# Apart from the copies the pages and reads keep (``worker_copies``), so that many addresses asked
# for once cannot push those out.
kept_copies = WorkerCopies(entries=128)


def mark_for_anyone(response: HttpResponse, until: datetime.datetime | None = None) -> HttpResponse:
    """Marks ``response`` as the page every anonymous visitor gets for this address (the views'
    ``cached_page``): the middleware may keep it as the chain finishes it, and answer it until
    ``until`` (when the page would change with the time alone) at most."""
    setattr(response, _MARK, until.timestamp() if until is not None else math.inf)
    return response


class KeptPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key(request)
        if key is None:
            return self.get_response(request)
        kept = kept_copies.get(key)
        if kept is not None and timezone.now().timestamp() < kept[4]:
            return _answer(request, kept)
        response = self.get_response(request)
        kept = _keepable(response)
        if kept is not None:
            kept_copies.put(key, kept)
        return response


# status, headers, body, whether it gives a device cookie, until when (a timestamp)
Kept = tuple[int, tuple[tuple[str, str], ...], bytes, bool, float]


def _key(request: HttpRequest) -> tuple | None:
    meta = request.META
    if request.method != "GET" or "HTTP_AUTHORIZATION" in meta:
        return None
    if request.path_info.startswith(_STATIC):  # whitenoise's, below
        return None
    if not SHAREABLE_COOKIES.issuperset(request.COOKIES):
        return None
    if "q" in request.GET:
        return None
    return (
        "kept-page",
        public_activities.recent(),
        request.scheme,
        request.get_host(),  # DisallowedHost for a host the chain would refuse, as it would
        request.path,
        meta.get("QUERY_STRING", ""),
        bool(ACCEPTS_GZIP.search(meta.get("HTTP_ACCEPT_ENCODING", ""))),  # as answer_from reads it
        request.COOKIES.get(ELDER_COOKIE) == "1",
        translation.get_language_from_request(request),
        DEVICE_COOKIE in request.COOKIES and device_id(request) is not None,
    )


def _keepable(response: HttpResponse) -> Kept | None:
    until = getattr(response, _MARK, None)
    if until is None or response.status_code != 200 or response.streaming:
        return None
    cookies = set(response.cookies)
    if cookies - {DEVICE_COOKIE} or response.has_header("Set-Cookie"):
        return None  # a cookie of this visitor's own: not for anyone else
    headers = tuple(response.items())
    return (response.status_code, headers, response.content, DEVICE_COOKIE in cookies, until)


def _answer(request: HttpRequest, kept: Kept) -> HttpResponse:
    status, headers, body, gives_device, _ = kept
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    if gives_device:
        device_cookie(response)
    return response
