"""The lecture hall as an iCalendar feed, so residents and other platforms can follow it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Event

from learnweek.core.ical import add_text, new_calendar
from learnweek.reading.models import Lecture


def lectures_ics(lectures: Iterable[Lecture], *, url_of) -> bytes:
    calendar = new_calendar("线上社会大讲堂")
    for lecture in lectures:
        event = Event()
        event.add("uid", f"lecture-{lecture.pk}@learnweek")
        event.add("dtstamp", lecture.created_at)
        add_text(event, "summary", f"{lecture.title}（{lecture.speaker}）")
        start = timezone.localtime(lecture.starts_at)
        event.add("dtstart", start)
        event.add(
            "dtend",
            timezone.localtime(lecture.ends_at) if lecture.ends_at else start + datetime.timedelta(hours=1),
        )
        add_text(event, "location", f"{lecture.platform} {lecture.link}")
        lines = [f"主讲人：{lecture.speaker}", f"平台：{lecture.platform}", f"观看链接：{lecture.link}"]
        if lecture.recording_url:
            lines.append(f"回放：{lecture.recording_url}")
        if lecture.description:
            lines.append(lecture.description)
        add_text(event, "description", "\n".join(lines), lines=True)
        event.add("url", url_of(lecture))
        calendar.add_component(event)
    return calendar.to_ical()
