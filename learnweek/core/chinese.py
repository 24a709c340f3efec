"""Numbers and dates as Chinese documents write them: 一、二、三 for headings, 2026年10月19日."""

from __future__ import annotations

import datetime

CHINESE_NUMBERS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (headings and sub-headings go no further)."""
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    return "十" + CHINESE_NUMBERS[n - 11] if n < 20 else str(n)


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_day_span(start: datetime.date, end: datetime.date) -> str:
    """2026年10月19日—10月25日: the end's year is written only where it differs."""
    tail = chinese_date(end) if end.year != start.year else chinese_month_day(end)
    return f"{chinese_date(start)}—{tail}"


def chinese_month_day(day: datetime.date) -> str:
    """10月19日: a date of a year already named, as the notices write it (no zero padding)."""
    return f"{day.month}月{day.day}日"
