"""gunicorn for `make serve` and production: threaded workers (requests mostly wait on the
database), logs as JSON lines on stderr like the application's, and the process title that
`ps` shows. Every value can be set from the environment."""

import multiprocessing
import os

from learnweek.config.logformat import JSON_FORMATTER

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))
# Each worker gets its own listening socket and the kernel spreads new connections over them;
# with one shared socket, a burst of keep-alive clients piles onto whichever worker accepts first.
reuse_port = True
# Recycle workers now and then (a slow leak), rarely: a new worker warms itself (post_worker_init)
# before it takes requests, but at 1,000 requests a second 5,000 was a restart every few seconds.
# The jitter keeps the workers from restarting together; 0 turns recycling off.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "1000000"))
max_requests_jitter = max_requests // 5
proc_name = "learnweek"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-" if os.environ.get("ACCESS_LOG", "1") == "1" else None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker):
    """Warm the worker before its first request (learnweek/core/warm.py)."""
    from learnweek.core.warm import warm

    warm()


logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},
    # gunicorn merges this with its own defaults, which name these two handlers.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {
            "handlers": ["error_console"],
            "level": "INFO",
            "propagate": False,
            "qualname": "gunicorn.error",
        },
        "gunicorn.access": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "qualname": "gunicorn.access",
        },
    },
}
