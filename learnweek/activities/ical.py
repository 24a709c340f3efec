"""Activities as iCalendar (RFC 5545), for residents' calendars and for other platforms that
link in. Written with the icalendar package."""

from __future__ import annotations

from collections.abc import Iterable

from icalendar import Event

from learnweek.activities.models import Activity
from learnweek.core.ical import add_alarms, add_span, add_text, new_calendar

FEED_LIMIT = 500


def to_ics(activities: Iterable[Activity], *, name: str, url_of, feed: bool = False) -> bytes:
    """``url_of(activity)`` gives the absolute address of the activity's public page. The
    activities are public ones (``activities_public``), their mobile numbers already masked. A
    ``feed`` is subscribed to (and read again); otherwise the file adds its events once."""
    calendar = new_calendar(name, feed=feed)
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@learnweek")
        event.add("dtstamp", activity.updated_at)
        add_text(event, "summary", activity.name)
        # Hours not known: a day or a range of days, all-day.
        add_span(event, activity.start, activity.end, all_day=not activity.time_known)
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
        if not activity.is_cancelled:
            add_alarms(event, activity.name, all_day=not activity.time_known)
        calendar.add_component(event)
    return calendar.to_ical()
