"""The one clock: what day it is where the campaign runs (``TIME_ZONE``, Asia/Shanghai).

Deadlines, 逾期 days, the year a reading log counts for and the dates printed on documents all
ask ``today()``, so a deadline passes at the same midnight on every page, in every export and in
every background job.
"""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def next_midnight(day: datetime.date | None = None) -> datetime.datetime:
    """When ``day`` (``today()``) ends."""
    tomorrow = (day or today()) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
