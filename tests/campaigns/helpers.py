"""Dates relative to today, for deadlines ahead and behind."""

import datetime

from django.utils import timezone

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)
