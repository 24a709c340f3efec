"""Django's Redis cache backend, made to degrade instead of failing requests while Redis is down.

Everything kept in the cache can be had without it: the public side's entries are rebuilt from the
database (learnweek/core/public_cache.py), sessions are written through to the database
(``cached_db``), the sign-in lock-out counts in the database. So while Redis cannot be reached,
a read is a miss, a write is dropped, ``incr`` says the key is missing (``ValueError``, as for an
evicted key) and the request goes on. After a failure Redis is left alone for ``RETRY_AFTER``
seconds, so that a down or unreachable server costs one connection attempt per process in that
time rather than one (with its timeout) per cache call; and the outage is logged once per
``LOG_EVERY`` seconds, not once per call. ``/readyz`` reports the cache as down meanwhile.

A write or delete that could not reach Redis would leave its old value there for when Redis comes
back — a signed-out session (``cached_db``) signed in again, a public page of before the change.
So the keys of the writes and deletes that failed are remembered (up to ``PENDING_LIMIT`` per
process) and deleted as soon as Redis answers again; a read then falls back to the database.

The rate limits notice the outage through that ``ValueError`` (learnweek/core/ratelimits.py
decides per limit whether to let requests through or refuse them)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds without trying Redis after a failed call
LOG_EVERY = 60.0  # seconds between two log lines about the same outage
ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
PENDING_LIMIT = 10_000  # keys to delete once Redis is back; beyond it, everything is cleared


class Outage:
    """Whether the Redis at one location failed lately; shared by every thread of the process
    (Django makes one cache object per thread)."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.error = ""
        self.retry_at = 0.0
        self.logged_at: float | None = None
        self.pending: set[str] = set()  # keys whose write or delete did not reach Redis
        self.overflowed = False

    def skipping(self) -> bool:
        return bool(self.error) and time.monotonic() < self.retry_at

    def failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        self.error = f"{type(exc).__name__}: {exc}"[:200]
        self.retry_at = now + RETRY_AFTER
        if self.logged_at is None or now - self.logged_at >= LOG_EVERY:
            self.logged_at = now
            logger.warning(
                "Cache at %s unavailable (%s); serving from the database meanwhile",
                self.location,
                self.error,
            )

    def missed(self, keys: Any) -> None:
        for key in keys:
            if len(self.pending) >= PENDING_LIMIT:
                self.overflowed = True
                return
            self.pending.add(key)

    def recovered(self) -> None:
        if self.error:
            logger.info("Cache at %s available again", self.location)
            self.error, self.logged_at = "", None


OUTAGES: dict[str, Outage] = {}
_RAISE = object()  # incr's fallback: say the key is missing


def _masked(server: str) -> str:
    """``server`` without its password, for the log."""
    parts = urlsplit(server)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


class ResilientClient(RedisCacheClient):
    outage: Outage

    def get_client(self, key=None, *, write=False):
        """One ``redis.Redis`` per connection pool, made once: Django's client makes a new one for
        every call (0.1–0.3 ms of Python each, measured on a cached public page). A ``Redis`` over a
        pool is safe to share between threads; each command takes a connection from the pool."""
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _guard(self, method: Callable[..., Any], fallback: Any, *args: Any, writes: Any = ()) -> Any:
        if not self.outage.skipping():
            try:
                if self.outage.pending or self.outage.overflowed:
                    self._forget_missed()  # before this call can read a stale value
                result = method(self, *args)
            except ERRORS as exc:
                self.outage.failed(exc)
            else:
                self.outage.recovered()
                return result
        self.outage.missed(writes)
        if fallback is _RAISE:
            raise ValueError("the cache is unavailable")
        return fallback() if callable(fallback) else fallback

    def _forget_missed(self) -> None:
        """Delete what the outage left stale; a new failure keeps the rest for the next time."""
        outage = self.outage
        if outage.overflowed:
            RedisCacheClient.clear(self)
            outage.pending.clear()
            outage.overflowed = False
            return
        while outage.pending:
            keys = list(outage.pending)[:500]
            RedisCacheClient.delete_many(self, keys)
            outage.pending.difference_update(keys)

    def add(self, key, value, timeout):
        return self._guard(RedisCacheClient.add, False, key, value, timeout)

    def get(self, key, default):
        return self._guard(RedisCacheClient.get, lambda: default, key, default)

    def set(self, key, value, timeout):
        return self._guard(RedisCacheClient.set, None, key, value, timeout, writes=(key,))

    def touch(self, key, timeout):
        return self._guard(RedisCacheClient.touch, False, key, timeout)

    def delete(self, key):
        return self._guard(RedisCacheClient.delete, False, key, writes=(key,))

    def get_many(self, keys):
        return self._guard(RedisCacheClient.get_many, dict, keys)

    def has_key(self, key):
        return self._guard(RedisCacheClient.has_key, False, key)

    def incr(self, key, delta):
        return self._guard(RedisCacheClient.incr, _RAISE, key, delta)

    def set_many(self, data, timeout):
        return self._guard(RedisCacheClient.set_many, None, data, timeout, writes=list(data))

    def delete_many(self, keys):
        return self._guard(RedisCacheClient.delete_many, None, keys, writes=list(keys))

    def clear(self):
        return self._guard(RedisCacheClient.clear, False)


class ResilientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that degrades while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        location = ",".join(_masked(s) for s in self._servers)
        self._outage = OUTAGES.setdefault(location, Outage(location))

    @cached_property
    def _cache(self):
        client = ResilientClient(self._servers, **self._options)
        client.outage = self._outage
        return client

    @property
    def outage(self) -> str:
        """What went wrong with Redis lately; empty while it answers."""
        return self._outage.error
