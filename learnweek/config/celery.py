"""Celery: Redis as the broker when REDIS_URL is set; otherwise tasks run eagerly in-process,
so the embedded default needs no Redis."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnweek.config.settings")

app = Celery("learnweek")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
