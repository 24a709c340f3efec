"""The frame of every iCalendar file (RFC 5545) the site publishes, with the icalendar package:
the calendar with its time zone, an event's times and its reminders.

The icalendar package escapes every TEXT value (``\\``, ``;``, ``,`` and line breaks, §3.3.11) and
folds lines at 75 octets between characters, never inside a UTF-8 sequence (§3.1); what is left
to this module is that a one-line property holds one line (``clean_line``)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneStandard

from learnweek.core.text import clean_line, clean_text

TZID = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TZID)
# A subscribed feed is read again every 6 hours (RFC 7986 REFRESH-INTERVAL; X-PUBLISHED-TTL, the
# same as text, for Outlook and older Apple clients).
REFRESH = datetime.timedelta(hours=6)


def shanghai_timezone() -> Timezone:
    """The VTIMEZONE of Asia/Shanghai (§3.6.5): China Standard Time, UTC+8 all year. China has
    kept no daylight saving time since 1991, so one STANDARD rule without a recurrence holds for
    every date the site publishes."""
    standard = TimezoneStandard()
    standard.add("dtstart", datetime.datetime(1970, 1, 1))  # noqa: DTZ001 — local, as §3.6.5 wants
    standard.add("tzoffsetfrom", datetime.timedelta(hours=8))
    standard.add("tzoffsetto", datetime.timedelta(hours=8))
    standard.add("tzname", "CST")
    timezone = Timezone()
    timezone.add("tzid", TZID)
    timezone.add("x-lic-location", TZID)
    timezone.add_component(standard)
    return timezone


def new_calendar(name: str, *, feed: bool = False) -> Calendar:
    """A calendar named ``name``; a ``feed`` (a subscription, not a one-event download) also
    tells the calendar how often to read it again."""
    calendar = Calendar()
    calendar.add("prodid", "-//learnweek//全民终身学习活动周//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", clean_line(name))
    calendar.add("x-wr-timezone", TZID)
    if feed:
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")
    calendar.add_component(shanghai_timezone())
    return calendar


def add_text(event: Event | Alarm, name: str, value: str, *, lines: bool = False) -> None:
    """A text property of an event: one line (a summary, a location) or, with ``lines``, running
    text (a description), cleaned of what a calendar line cannot hold (a pasted vertical tab, a
    line break in a name)."""
    event.add(name, clean_text(value) if lines else clean_line(value))


def add_span(
    event: Event, start: datetime.datetime, end: datetime.datetime, *, all_day: bool = False
) -> None:
    """DTSTART and DTEND in Beijing time (``TZID=Asia/Shanghai``, the calendar's VTIMEZONE), or
    for an ``all_day`` event (its hours not known) the days as ``VALUE=DATE``, the end exclusive
    as §3.6.1 wants."""
    start, end = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    if all_day:
        event.add("dtstart", start.date())
        event.add("dtend", max(end.date(), start.date()) + datetime.timedelta(days=1))
    else:
        event.add("dtstart", start)
        event.add("dtend", max(end, start))


# The two reminders (VALARM, §3.6.6): the day before and an hour before. An all-day event has no
# hour to be an hour before, and "a day before" its midnight start would ring at midnight: it
# gets one reminder at 9:00 the day before (-PT15H), as calendar apps set for all-day events.
DAY_BEFORE = datetime.timedelta(days=-1)
HOUR_BEFORE = datetime.timedelta(hours=-1)
ALL_DAY_BEFORE = datetime.timedelta(hours=-15)


def add_alarms(event: Event, what: str, *, all_day: bool = False) -> None:
    """Reminders of ``what`` (a short name of the event, shown by the phone when it rings)."""
    if all_day:
        reminders = [(ALL_DAY_BEFORE, f"明天：{what}")]
    else:
        reminders = [(DAY_BEFORE, f"明天：{what}"), (HOUR_BEFORE, f"1 小时后开始：{what}")]
    for trigger, text in reminders:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        add_text(alarm, "description", text)
        alarm.add("trigger", trigger)
        event.add_component(alarm)
