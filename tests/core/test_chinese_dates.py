"""Dates in Chinese are written as the notices write them, without zero padding (2026年12月2日),
by one helper: no module formats a 年/月/日 date itself."""

import datetime
import re
from pathlib import Path

import learnweek
from learnweek.core.chinese import chinese_date, chinese_day_span, chinese_month_day

PACKAGE = Path(learnweek.__file__).parent
# strftime-style 月/日 (f-string or strftime), or a template's zero-padded "m月d日"
PADDED = re.compile(r"%m月|%d日|[\"' ]m月d日")


def test_a_date_has_no_zero_padding():
    day = datetime.date(2026, 12, 2)
    assert chinese_date(day) == "2026年12月2日"
    assert chinese_month_day(datetime.date(2026, 5, 9)) == "5月9日"
    assert chinese_day_span(datetime.date(2026, 9, 28), datetime.date(2026, 10, 4)) == "2026年9月28日—10月4日"


def test_no_module_writes_a_chinese_date_itself():
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in (".py", ".html") and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PADDED.search(line)
    ]
    assert not found, f"zero-padded Chinese dates written outside core.chinese: {found}"
