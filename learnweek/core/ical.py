"""The frame of every iCalendar feed (RFC 5545) the site publishes, with the icalendar package."""

from __future__ import annotations

from icalendar import Calendar


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//learnweek//全民终身学习活动周//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    return calendar
