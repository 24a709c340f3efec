"""Probes for load balancers and process managers, answered before anything else runs (no host
check, no HTTPS redirect, no session): ``/healthz`` says the process serves requests; ``/readyz``
says it can do its work — the database answers, the cache keeps a value, the broker takes a
connection — and answers 503 when one fails. Which check failed, with its detail (server names,
error messages) and how long each took, is shown only to a probe on the machine itself (loopback,
not through a proxy) and to signed-in staff; anyone else learns ready or not ready."""

from __future__ import annotations

import ipaddress
import time
import uuid
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from learnweek.core.clientip import forwarded


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
        # The degrading Redis backend (learnweek/core/cache.py) says what went wrong.
        raise RuntimeError(getattr(cache, "outage", "") or "the cache did not keep a value")
    return str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]


def _broker() -> str:
    from learnweek.config.celery import app

    if app.conf.task_always_eager:
        return "eager (no broker configured)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.as_uri()  # the password masked


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache, "broker": _broker}


def _may_see_details(request: HttpRequest) -> bool:
    """A probe on this machine (a loopback address, and no proxy in between) or a signed-in
    member of staff. Sessions are read here by hand: the probes answer before SessionMiddleware."""
    try:
        if ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback and not forwarded(request):
            return True
    except ValueError:
        pass
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    try:
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
        return bool(getattr(get_user(request), "is_staff_member", False))
    except Exception:  # noqa: BLE001 - with the database down nobody is known to be staff
        return False


def ready(request: HttpRequest) -> JsonResponse:
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
    body: dict[str, object] = {"status": "not ready" if failed else "ready"}
    if _may_see_details(request):
        body |= {"failed": failed, "checks": results}
    return JsonResponse(body, status=503 if failed else 200)


def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": live, "/readyz": ready}


class HealthMiddleware:
    """First in MIDDLEWARE: a probe gets its answer without the rest of the stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is not None and request.method in ("GET", "HEAD"):
            response = probe(request)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
