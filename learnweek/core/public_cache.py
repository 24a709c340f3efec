"""What the public side reads most, kept in the cache (Redis in production) and always current.

Every cached entry's key carries a generation number; every write that changes what the public
sees — for activities: one created, edited, cancelled or imported, a campaign published, edited or
closed — moves its generation on, so the next request builds fresh entries and the old ones
simply expire. The generation moves both at the write and again when its transaction commits, so
a request that cached the old state between the two is superseded at commit. Seats left are never
cached: they change with every sign-up and are one indexed count.

A missing entry is built once: the first request takes a short lock in the cache and builds it,
the others wait for its result. The finder's count reads a million rows; built by every thread
that finds it missing (after a write or when the entry expires), it would stall every request on
a two-core server, static files included, for seconds (docs/performance.md). And an entry is
rebuilt before it expires: the first request after ``REFRESH_AFTER`` seconds rebuilds it while
the others keep being served, so expiry alone never makes requests wait."""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

TIMEOUT = 300  # seconds; a change shows at once regardless, through the generation
# Part of every key, raised whenever the shape or content of an entry changes, so that a server
# never reads an entry that another release left in a shared cache. Format 3: (built at, value)
# pairs, activities with their mobile numbers masked (activities_public).
FORMAT = 3
# Whole anonymous pages (learnweek/public/page_cache.py) read the generation through a copy in the
# process at most this old, so that a page served from the worker's memory makes no round trip to
# the cache. Any worker may then serve the page of before a write for up to this long (the process
# that writes forgets its copy at the write, but one of its threads reading at that moment may keep
# the older number); signed-in visitors never get these pages.
RECENT = 1.0  # seconds
LOCAL_TTL = 30  # seconds a worker keeps a value it read from the shared cache (kept())
LOCAL_ENTRIES = 256  # values a worker keeps (a finder page is ~40 KB)
REFRESH_AFTER = 240  # seconds; the first request after this rebuilds the entry before it expires
BUILD_LOCK = 30  # seconds a builder may hold an entry's lock; past that, waiters build it themselves
POLL = 0.02  # seconds between a waiter's looks

T = TypeVar("T")


class Generation:
    def __init__(self, name: str) -> None:
        self.name = name
        self.counter = f"{name}:generation"
        self._recent: tuple[int, float] | None = None  # (generation, read at), for recent()

    def current(self) -> int:
        value = cache.get(self.counter)
        if value is None:
            # Started from the clock, not from 1: if the counter was evicted, numbers already used
            # in older keys are not handed out again.
            cache.add(self.counter, time.time_ns() // 1000, None)
            value = cache.get(self.counter) or 0
        return int(value)

    def recent(self) -> int:
        """The generation as this process read it less than ``RECENT`` seconds ago (shared by its
        threads), else read now. For what may lag a write by that much: whole anonymous pages."""
        now = time.monotonic()
        recent = self._recent
        if recent is not None and now - recent[1] < RECENT:
            return recent[0]
        value = self.current()
        self._recent = (value, now)
        return value

    def forget_recent(self) -> None:
        """Drops this process's copy: the next ``recent()`` reads the cache."""
        self._recent = None

    def _bump(self) -> None:
        self._recent = None
        try:
            cache.incr(self.counter)
        except ValueError:  # evicted meanwhile: a fresh clock-based start is newer anyway
            self.current()

    def changed(self) -> None:
        """Called by every service whose write changes what this generation covers."""
        self._bump()
        transaction.on_commit(self._bump)

    def cached(self, kind: str, parts: tuple[Any, ...], build: Callable[[], T]) -> T:
        """The value for ``parts`` in the current generation, built once however many requests
        ask for it at the same moment, and rebuilt by one request before it expires."""
        digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
        key = f"{self.name}:{self.current()}:{FORMAT}:{kind}:{digest}"
        lock = f"{key}:building"
        entry = cache.get(key)
        if entry is not None:
            built_at, value = entry
            # Old enough to refresh: one request rebuilds it while the others keep the value,
            # which is as current as ever (the generation has not moved).
            if time.time() - built_at > REFRESH_AFTER and cache.add(lock, 1, BUILD_LOCK):
                return self._build(key, lock, build)
            return cast(T, value)
        if cache.add(lock, 1, BUILD_LOCK):
            return self._build(key, lock, build)
        if getattr(cache, "outage", ""):  # Redis is down (learnweek/core/cache.py): nobody to wait for
            return build()
        deadline = time.monotonic() + BUILD_LOCK
        while time.monotonic() < deadline:
            time.sleep(POLL)
            entry = cache.get(key)
            if entry is not None:
                return cast(T, entry[1])
            if cache.get(lock) is None:  # the builder failed (a missing activity, say)
                break
        return build()

    def kept(self, kind: str, parts: tuple[Any, ...], build: Callable[[], T]) -> T:
        """``cached``, with a copy in this worker's memory for ``LOCAL_TTL`` seconds under the
        generation of the last second (``recent``): a value asked for again costs no round trip
        to the cache and no unpickling. For whole answers that every anonymous caller gets alike
        (learnweek/public/page_cache.py, the open API's finder); the value is shared by the
        worker's threads, so it is only read."""
        return self.local(kind, parts, lambda: self.cached(kind, parts, build))

    def local(self, kind: str, parts: tuple[Any, ...], build: Callable[[], T]) -> T:
        """``build()`` kept in this worker's memory (``worker_copies``) for ``LOCAL_TTL`` seconds
        under the generation of the last second (``recent``); None is not kept. Shared by the
        worker's threads: only read it."""
        key = (self.name, self.recent(), kind, parts)
        found = worker_copies.get(key)
        if found is None:
            found = build()
            worker_copies.put(key, found)
        return cast(T, found)

    @staticmethod
    def _build(key: str, lock: str, build: Callable[[], T]) -> T:
        try:
            built = build()
            cache.set(key, (time.time(), built), TIMEOUT)
            return built
        finally:
            cache.delete(lock)


# A whole answer as it is kept: status, Content-Type, the body and, when gzip is on
# (``LEARNWEEK_GZIP``), the body gzipped once. Only for answers with no secret in them (the same for
# every anonymous caller), so Django's BREACH padding has nothing to protect.
Stored = tuple[int, str, bytes, bytes | None]
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads Accept-Encoding


def stored_answer(status: int, content_type: str, body: bytes) -> Stored:
    packed = gzip.compress(body, compresslevel=6, mtime=0) if settings.LEARNWEEK_GZIP else None
    return (status, content_type, body, packed)


def answer_from(request: HttpRequest, stored: Stored) -> HttpResponse:
    """The response of a kept answer: gzipped as it was kept when the client takes gzip."""
    status, content_type, body, packed = stored
    if packed is not None and ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(packed, status=status, content_type=content_type)
        response["Content-Encoding"] = "gzip"  # the gzip middleware leaves it as it is
    else:
        response = HttpResponse(body, status=status, content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


class WorkerCopies:
    """Values kept in this process's memory for ``LOCAL_TTL`` seconds, the ``entries`` used last
    (``LOCAL_ENTRIES``); shared by the process's threads. A value that is None is not kept."""

    def __init__(self, entries: int = LOCAL_ENTRIES) -> None:
        self._values: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._entries = entries

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            found = self._values.get(key)
            if found is None or time.monotonic() - found[0] >= LOCAL_TTL:
                return None
            self._values.move_to_end(key)
            return found[1]

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        if value is None:
            return
        with self._lock:
            self._values[key] = (time.monotonic(), value)
            self._values.move_to_end(key)
            while len(self._values) > self._entries:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


worker_copies = WorkerCopies()
public_activities = Generation("public-activities")
