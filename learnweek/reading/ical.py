"""The lecture hall as an iCalendar feed, so residents and other platforms can follow it, and a
lecture as a one-event file for 加入日历."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from icalendar import Event

from learnweek.core.ical import add_alarms, add_span, add_text, new_calendar
from learnweek.reading.models import Lecture

HALL = "线上社会大讲堂"


def lectures_ics(lectures: Iterable[Lecture], *, url_of, name: str = HALL, feed: bool = True) -> bytes:
    """The hall's feed (subscribed to), or with ``feed=False`` one lecture's file."""
    calendar = new_calendar(name, feed=feed)
    for lecture in lectures:
        event = Event()
        event.add("uid", f"lecture-{lecture.pk}@learnweek")
        event.add("dtstamp", lecture.created_at)
        add_text(event, "summary", f"{lecture.title}（{lecture.speaker}）")
        add_span(
            event,
            lecture.starts_at,
            lecture.ends_at or lecture.starts_at + datetime.timedelta(hours=1),
        )
        add_text(event, "location", f"{lecture.platform} {lecture.link}")
        lines = [f"主讲人：{lecture.speaker}", f"平台：{lecture.platform}", f"观看链接：{lecture.link}"]
        if lecture.recording_url:
            lines.append(f"回放：{lecture.recording_url}")
        if lecture.description:
            lines.append(lecture.description)
        add_text(event, "description", "\n".join(lines), lines=True)
        event.add("url", url_of(lecture))
        add_alarms(event, lecture.title)
        calendar.add_component(event)
    return calendar.to_ical()
