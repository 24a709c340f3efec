"""活动时间 as officials type it, into a start and an end.

Accepted: 2023年10月15日, 2023-10-15, 2023.10.15, 2023/10/15, 10月15日 or 10.15 (the year comes
from the campaign), ranges (2023年10月15日—10月20日, 10.15-10.20, 10月15日至20日) and times of day
(14:00, 14:00-16:30, 下午2:30 is read as 14:30). Excel date cells arrive as datetimes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(
    r"(?P<full>(?P<y>\d{4})\s*[年./\-]\s*(?P<m>\d{1,2})\s*[月./\-]\s*(?P<d>\d{1,2})\s*日?)"
    r"|(?P<time>(?P<ampm>上午|下午|晚上)?\s*(?P<hh>\d{1,2})\s*[:：]\s*(?P<mm>\d{2}))"
    r"|(?P<short>(?P<sm>\d{1,2})\s*[月.]\s*(?P<sd>\d{1,2})\s*日?)"
    r"|(?P<day>(?<=[至到—–~\-－])\s*(?P<dd>\d{1,2})\s*日)"
)


class TimeParseError(ValueError):
    pass


@dataclass(frozen=True)
class Span:
    start: datetime.datetime
    end: datetime.datetime
    time_known: bool


def parse_span(value: object, *, year: int, tz: datetime.tzinfo) -> Span:
    if isinstance(value, datetime.datetime):
        start = value.replace(tzinfo=tz) if value.tzinfo is None else value
        known = (start.hour, start.minute) != (0, 0)
        return Span(start, start if known else start.replace(hour=23, minute=59), known)
    if isinstance(value, datetime.date):
        return parse_span(datetime.datetime.combine(value, datetime.time()), year=year, tz=tz)
    return _parse_text(str(value or "").strip(), year, tz)


# A 附表1 repeats its 活动时间 (the same days and hours, row after row): each text is read once
# per process and year. A Span is immutable; a text that cannot be read is not kept (it raises).
@lru_cache(maxsize=4096)
def _parse_text(text: str, year: int, tz: datetime.tzinfo) -> Span:
    if not text:
        raise TimeParseError("不能为空")
    dates: list[datetime.date] = []
    year_written: list[bool] = []
    times: list[datetime.time] = []
    for match in _TOKEN.finditer(text):
        try:
            if match.group("full"):
                dates.append(datetime.date(int(match["y"]), int(match["m"]), int(match["d"])))
                year_written.append(True)
            elif match.group("short"):
                base_year = dates[-1].year if dates else year
                dates.append(datetime.date(base_year, int(match["sm"]), int(match["sd"])))
                year_written.append(False)
            elif match.group("day"):
                if not dates:
                    continue
                dates.append(dates[-1].replace(day=int(match["dd"])))
                year_written.append(False)
            else:
                hour = int(match["hh"])
                if match["ampm"] in ("下午", "晚上") and hour < 12:
                    hour += 12
                times.append(datetime.time(hour, int(match["mm"])))
        except ValueError as exc:
            raise TimeParseError(f"“{match.group(0).strip()}”不是有效的日期或时刻") from exc
    if not dates:
        raise TimeParseError(f"无法识别“{text}”，请写成 2023年10月15日 或 2023-10-15 14:00")
    start_date, end_date = dates[0], dates[-1]
    if end_date < start_date and not year_written[-1] and end_date.month < start_date.month:
        # 12月30日—1月2日: the range runs into the next year.
        end_date = end_date.replace(year=start_date.year + 1)
    start_time = times[0] if times else datetime.time(0, 0)
    end_time = times[-1] if len(times) > 1 else (datetime.time(23, 59) if not times else times[0])
    start = datetime.datetime.combine(start_date, start_time, tzinfo=tz)
    end = datetime.datetime.combine(end_date, end_time, tzinfo=tz)
    if end < start:
        raise TimeParseError("结束时间早于开始时间")
    return Span(start, end, bool(times))
