"""Whole public pages for anonymous visitors, from the cache (issue 27).

The finder, an activity's page and a region's page are the same HTML for every anonymous
visitor who asks for the same address in the same mode, so they are rendered once per public
generation (learnweek/core/public_cache.py: every public write moves it, so a cached page is as
current as a freshly rendered one) and served from the cache as whole responses: no form, no
query, no template on a hit.

Only what changes the HTML is in the key: the address with its query, the host and scheme (the
calendar links are absolute), 长辈模式 (a cookie), the language, and what the page itself adds
(the day; an activity's state). Nothing of one visitor is ever stored:

- a signed-in visitor, and a visitor with a message waiting (messages belong to one visitor),
  gets the page rendered as before;
- no CSRF token: the one form these pages carry (长辈模式) is checked by where the browser says it
  comes from (learnweek/core/origin.py). A page is rendered with a marker in the token's place, and
  a page that shows the marker anyway (a form added later) is not kept: it is rendered for each
  visitor, with that visitor's own token;
- cookies (the device cookie, the remembered region) are set by the decorators around the view,
  per response, never stored;
- what changes with every sign-up (seats left) is not in the page: it loads as a small fragment
  (``activity_seats``), which is also a page of its own for a browser without JavaScript.

A page is kept in two places: the shared cache (built once however many ask, as every public
entry) and, for ``public_cache.LOCAL_TTL`` seconds, in the worker's memory under the same generation, so that
a hit costs no cache read at all (the generation is the worker's copy of the last second) and no
unpickling of a 40 KB page.
It is kept gzipped too (when ``LEARNWEEK_GZIP`` is on), so that a hit is not compressed again for
each visitor; with no secret in the page, Django's BREACH padding has nothing to protect.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from learnweek.core.public_cache import (
    FORMAT,
    Stored,
    answer_from,
    public_activities,
    stored_answer,
    worker_copies,
)
from learnweek.public.context import ELDER_COOKIE
from learnweek.public.kept_pages import kept_copies, mark_for_anyone

T = TypeVar("T")

PAGE_FORMAT = 2  # raised when what is kept of a page changes shape (2: with its gzipped body)


@cache
def csrf_marker() -> str:
    """What a cached page holds where the CSRF token goes: derived from the secret key, so that no
    text of an activity can be made to match it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"learnweek.page-cache.csrf", hashlib.sha256)
    return "lwcsrf" + digest.hexdigest()[:32]


def anonymous_page(request: HttpRequest) -> bool:
    """Whether ``request`` may be answered with the page every anonymous visitor gets."""
    if request.method != "GET":
        return False
    if request.user.is_authenticated:
        return False
    # Loading the messages does not mark them read: a visitor with one sees it on this page.
    return not len(get_messages(request))


def _parts(request: HttpRequest, kind: str, parts: tuple[Any, ...]) -> tuple[Any, ...]:
    return (
        kind,
        request.scheme,
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        request.COOKIES.get(ELDER_COOKIE) == "1",
        translation.get_language(),
        *parts,
    )


def cached_page(
    request: HttpRequest,
    kind: str,
    parts: tuple[Any, ...],
    render_page: Callable[[dict], HttpResponse],
    *,
    until: datetime.datetime | None = None,
) -> HttpResponse:
    """The anonymous page ``kind`` for ``request``: from the cache, else ``render_page`` called
    with the context to add (the CSRF marker) and kept when it answers 200 with no token in it.
    ``parts`` are what else the page depends on; ``until``, when one of them changes with the
    time (the day, an activity's state): the kept page before the chain (``kept_pages``) is not
    answered from then on."""
    key = _parts(request, kind, parts)
    built: list[HttpResponse] = []

    def build() -> Stored | None:
        response = render_page({"csrf_token": csrf_marker()})
        if (
            response.status_code != 200
            or response.has_header("Set-Cookie")
            or response.cookies
            or csrf_marker().encode() in response.content  # a form with a token: one visitor's
        ):
            built.append(response)
            return None
        return stored_answer(response.status_code, response["Content-Type"], response.content)

    # The generation is part of the shared key too (public_cache); a page that was not kept
    # (not 200, or one visitor's) is stored as None and rendered again by the next request.
    stored = public_activities.kept("page", (FORMAT, PAGE_FORMAT, *key), build)
    if stored is None:
        if built:
            return _finish(request, built[0])
        return _finish(request, render_page({"csrf_token": csrf_marker()}))
    response = answer_from(request, stored)
    patch_vary_headers(response, ("Cookie",))  # 长辈模式 is a cookie, and part of the key
    return mark_for_anyone(response, until)


def generation(request: HttpRequest) -> int:
    """The public generation, read once per request, through the worker's copy of the last second
    (``public_cache.RECENT``): a hit then asks the cache nothing at all."""
    value = getattr(request, "_public_generation", None)
    if value is None:
        value = public_activities.recent()
        request._public_generation = value  # type: ignore[attr-defined]
    return value


def worker_copy(request: HttpRequest, parts: tuple[Any, ...], build: Callable[[], T]) -> T:
    """``build()`` kept in this worker's memory under the current generation (for what an
    anonymous page needs before its cached body: an activity, to know it exists and its state).
    The value is shared by the worker's threads: only read it."""
    local_key = ("worker-copy", generation(request), parts)
    found = worker_copies.get(local_key)
    if found is None:
        found = build()
        worker_copies.put(local_key, found)
    return cast(T, found)


def _finish(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A response rendered with the marker but not kept: the visitor's token put in."""
    if not response.streaming:
        marker = csrf_marker().encode()
        if marker in response.content:
            response.content = response.content.replace(marker, get_token(request).encode())
    return response


def forget_local() -> None:
    """Empties this worker's copies, and its copy of the generation (tests)."""
    worker_copies.clear()
    kept_copies.clear()
    public_activities.forget_recent()
