"""When Redis comes back after an outage, nothing it kept from before may stand for what changed
meanwhile: a resident who signed out while Redis was unreachable stays signed out."""

from __future__ import annotations

import socket

import pytest
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError

from learnweek.core import cache as cache_module
from learnweek.core.cache import ResilientRedisCache


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _redis_up(), reason="needs Redis on 127.0.0.1:6379 (make test's machine has it)"
)


def test_a_delete_missed_in_an_outage_is_done_when_redis_answers_again(monkeypatch):
    monkeypatch.setattr(cache_module, "RETRY_AFTER", 0.0)
    cache = ResilientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "lw-recovery-test"})
    cache.set("session:abc", {"user": 7})
    real_delete = RedisCacheClient.delete

    def unreachable(self, key):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(RedisCacheClient, "delete", unreachable)
    cache.delete("session:abc")  # signing out while Redis is unreachable: no error, nothing done
    monkeypatch.setattr(RedisCacheClient, "delete", real_delete)
    assert cache.get("session:abc") is None  # the first call after the outage forgets it first
    cache.set("session:abc", {"user": 7})
    assert cache.get("session:abc") == {"user": 7}  # nothing pending any more
    cache.delete("session:abc")
