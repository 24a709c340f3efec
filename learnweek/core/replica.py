"""Read-only traffic to a PostgreSQL read replica (``DATABASE_REPLICA_URL``), when one is set.

Only what cannot notice replication lag goes there: GET and HEAD requests of the public site and
of the public API from visitors who are not signed in — the finder, activity pages, book lists,
the exhibition. Everything else reads and writes the primary: the back office, signed-in
residents (who must see their own sign-up at once), every request that writes, and any read
inside a transaction. Without a replica the router changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY_ONLY = ("/office/", "/accounts/", "/me/", "/django-admin/", "/signin/")
PUBLIC_API = ("/api/v1/public/", "/api/v1/reading/")

_replica_reads: ContextVar[bool] = ContextVar("learnweek_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if (
            _replica_reads.get()
            and replica_configured()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None  # the primary

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA


def reads_from_replica(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    path = request.path_info
    if path.startswith("/api/"):
        return path.startswith(PUBLIC_API) and "HTTP_AUTHORIZATION" not in request.META
    return not path.startswith(PRIMARY_ONLY)


class ReplicaReadsMiddleware:
    """After the authentication middleware: marks the requests whose reads may go to the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured() or not reads_from_replica(request):
            return self.get_response(request)
        token = _replica_reads.set(True)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)
