"""After the load test: no activity holds more confirmed sign-ups than its seats."""

from __future__ import annotations

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnweek.config.settings")
django.setup()

from django.db.models import Count, F, Q  # noqa: E402

from learnweek.activities.models import Activity  # noqa: E402
from learnweek.registrations.models import Registration  # noqa: E402

signed = Registration.objects.filter(resident__username__startswith="load-resident-")
over = (
    Activity.objects.filter(capacity__isnull=False, registrations__in=signed)
    .annotate(confirmed=Count("registrations", filter=Q(registrations__status="confirmed"), distinct=True))
    .filter(confirmed__gt=F("capacity"))
)
print(
    f"sign-ups in this run: {signed.count()}, checked in: {signed.filter(checked_in_at__isnull=False).count()}"
)
print(f"activities over capacity: {over.count()}")
sys.exit(1 if over.exists() else 0)
