"""Probes for load balancers and process managers, answered before anything else runs (no host
check, no HTTPS redirect, no session): ``/healthz`` says the process serves requests; ``/readyz``
says it can do its work — the database answers, the cache keeps a value, the broker takes a
connection — naming each check with how long it took, and answers 503 when one fails."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    if not ok:
        raise RuntimeError("the cache did not keep a value")
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def _broker() -> str:
    from learnweek.config.celery import app

    if app.conf.task_always_eager:
        return "eager (no broker configured)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.as_uri()  # the password masked


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache, "broker": _broker}


def ready() -> JsonResponse:
    results, failed = {}, []
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency is "not ready"
            failed.append(name)
            detail = f"{type(exc).__name__}: {exc}"[:200]
        results[name] = {
            "ok": name not in failed,
            "detail": detail,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    status = 503 if failed else 200
    return JsonResponse(
        {"status": "not ready" if failed else "ready", "failed": failed, "checks": results}, status=status
    )


def live() -> JsonResponse:
    return JsonResponse({"status": "ok"})


PROBES: dict[str, Callable[[], HttpResponse]] = {"/healthz": live, "/readyz": ready}


class HealthMiddleware:
    """First in MIDDLEWARE: a probe gets its answer without the rest of the stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is not None and request.method in ("GET", "HEAD"):
            response = probe()
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
