"""Activities as iCalendar (RFC 5545), for residents' calendars and for other platforms that
link in. Written with the icalendar package."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Event

from learnweek.activities.models import Activity
from learnweek.core.ical import add_text, new_calendar

FEED_LIMIT = 500


def to_ics(activities: Iterable[Activity], *, name: str, url_of) -> bytes:
    """``url_of(activity)`` gives the absolute address of the activity's public page. The
    activities are public ones (``activities_public``), their mobile numbers already masked."""
    calendar = new_calendar(name)
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@learnweek")
        event.add("dtstamp", activity.updated_at)
        add_text(event, "summary", activity.name)
        start, end = timezone.localtime(activity.start), timezone.localtime(activity.end)
        if activity.time_known:
            event.add("dtstart", start)
            event.add("dtend", end)
        else:  # a day or a range of days: all-day, the end exclusive as RFC 5545 wants
            event.add("dtstart", start.date())
            event.add("dtend", end.date() + datetime.timedelta(days=1))
        place = activity.address or activity.online_link
        if place:
            add_text(event, "location", place)
        lines = [f"主办单位：{activity.organiser_name}"]
        if activity.registration_phone:
            lines.append(f"报名电话：{activity.registration_phone}")
        if activity.online_link:
            lines.append(f"线上链接：{activity.online_link}")
        if activity.content:
            lines.append(activity.content)
        add_text(event, "description", "\n".join(lines), lines=True)
        event.add("url", url_of(activity))
        event.add("status", "CANCELLED" if activity.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
