"""The frame of every iCalendar feed (RFC 5545) the site publishes, with the icalendar package."""

from __future__ import annotations

from icalendar import Calendar, Event

from learnweek.core.text import clean_line, clean_text


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//learnweek//全民终身学习活动周//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", clean_line(name))
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    return calendar


def add_text(event: Event, name: str, value: str, *, lines: bool = False) -> None:
    """A text property of an event: one line (a summary, a location) or, with ``lines``, running
    text (a description), cleaned of what a calendar line cannot hold (a pasted vertical tab, a
    line break in a name)."""
    event.add(name, clean_text(value) if lines else clean_line(value))
