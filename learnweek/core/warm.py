"""A web worker's warm-up, before it takes its first request (gunicorn's ``post_worker_init``,
learnweek/config/gunicorn.conf.py): every module the URLs import (the reading recommender brings
scikit-learn and scipy: seconds), jieba's dictionary, the public templates compiled, and the
busiest public pages asked for once through the whole stack, so that their cache entries (the
finder's count over every activity) are built here rather than by a visitor; then all of it frozen
out of the garbage collector's full collections (``_freeze``). Nothing here is
needed for correctness: a step that fails is logged and the worker starts anyway."""

from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger(__name__)

TEMPLATES = (
    "base.html",
    "public/home.html",
    "public/activities/finder.html",
    "public/activities/detail.html",
    "public/activities/fragment_seats.html",
    "public/region.html",
)
PAGES = ("/activities/", "/activities/?q=读书")
PAGES_WITHIN = 15.0  # seconds; gunicorn's timeout (30 s) must not kill a worker still warming


def warm() -> None:
    started = time.monotonic()
    for step in (_urls, _jieba, _templates):
        try:
            step()
        except Exception:  # noqa: BLE001 - a warm-up step never stops a worker
            log.exception("warm-up step %s failed", step.__name__)
    # The pages in a thread with a deadline: a slow database delays the worker by at most this.
    _freeze()  # the modules, jieba and the templates
    pages = threading.Thread(target=_pages, name="warm-pages", daemon=True)
    pages.start()
    pages.join(PAGES_WITHIN)
    if pages.is_alive():
        log.warning("warm-up pages not done within %.0f s; the worker starts anyway", PAGES_WITHIN)
    else:  # what the pages built and kept (not a request still under way, with its garbage)
        _freeze()
    log.info("worker warmed in %.1f s", time.monotonic() - started)


def _freeze() -> None:
    """Everything loaded so far (the modules, jieba's dictionary, the templates) is kept for the
    worker's life: moved out of the garbage collector's reach, so that a full collection no longer
    walks it. One full collection walked it in about 0.5 s with the interpreter lock held, stopping
    every thread of the worker (the open API's p99 of about 1 s under wrk, docs/performance.md).
    What requests allocate later is collected as before."""
    gc.collect()
    gc.freeze()


def _urls() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module


def _jieba() -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    jieba.lcut("全民终身学习活动周读书分享会")


def _templates() -> None:
    from django.template.loader import get_template

    for name in TEMPLATES:
        get_template(name)


def _pages() -> None:
    from django.conf import settings
    from django.test import Client

    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    client = Client(HTTP_HOST=hosts[0] if hosts else "localhost")
    for path in PAGES:
        try:
            status = client.get(path).status_code
            if status != 200:
                log.warning("warm-up page %s answered %s", path, status)
        except Exception:  # noqa: BLE001
            log.exception("warm-up page %s failed", path)
    from django.db import connections

    connections.close_all()  # this thread's connections, not the request threads'
