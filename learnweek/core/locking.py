"""Locks for what has no row of its own to lock: a level's nomination quota, the one row a unit
or a reader has for something before it exists (a submission, a province's week request, a book
on a reading log).

``lock(key(namespace, *ids), ...)`` takes PostgreSQL advisory transaction locks, held until the
transaction ends, in ascending key order (so two writers asking for the same keys in one call
never wait for each other in a circle; a caller that also takes row locks takes this lock
first), each within ``LOCK_TIMEOUT`` seconds — past it the writer is told
``Busy`` (“有人正在处理同一事项，请稍后再试。”) instead of waiting without end. On SQLite, which
lets one writer in at a time, it does nothing. Row locks (``select_for_update``) stay where a
row is being updated; the authorization guard runs before either.
(The manner of pretix's ``lock_objects``.) An activity's seats have a row: the activity's, which
keeps their counter (registrations.services locks it).
"""

from __future__ import annotations

import hashlib

from django.db import OperationalError, connection

from learnweek.core.errors import DomainError

LOCK_TIMEOUT = 5.0  # seconds a writer waits for a lock before it is told to try again

# The namespaces of the keys, one per kind of thing locked. Each is part of the key's hash, so
# the same ids in two namespaces are two locks.
QUOTA = "nomination_quota"  # (top requirement id, unit id): a level's places on a list
SUBMISSION = "submission"  # (requirement id, unit id): the unit's one answer to a requirement
WEEK_SLOT = "week_slot"  # (campaign id, province id): a province's one request for its week
READING_LOG = "reading_log"  # (reader id, book id): a book's one line on a reader's log

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires


class Busy(DomainError):
    """Someone else holds the lock for longer than ``LOCK_TIMEOUT``. Nothing was written."""

    code = "busy"

    def __init__(self, message: str = "有人正在处理同一事项，请稍后再试。") -> None:
        super().__init__(message)


def key(namespace: str, *ids: int) -> int:
    """A stable signed 64-bit key for ``namespace`` and ``ids`` (the same in every process and
    release: a hash of the text, not Python's ``hash``)."""
    text = ":".join([namespace, *(str(int(i)) for i in ids)])
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock(*keys: int, timeout: float | None = None) -> None:
    """Hold the locks ``keys`` until the current transaction ends; ``Busy`` if one is not had
    within ``timeout`` seconds (``LOCK_TIMEOUT``). Only inside a transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock() needs a transaction: call it inside transaction.atomic")
    if connection.vendor != "postgresql" or not keys:
        return  # SQLite: one writer at a time already
    wait = LOCK_TIMEOUT if timeout is None else timeout
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        before = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(1, round(wait * 1000))}ms"])
        try:
            for k in sorted(set(keys)):
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [k])
        except OperationalError as exc:
            if getattr(getattr(exc, "__cause__", None), "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise Busy() from exc
            raise
        # Row locks taken later in the transaction wait as they did before.
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
