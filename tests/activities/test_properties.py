"""Properties of the 附表1 importer and of the 活动时间 reader, over inputs hypothesis makes up:
a sheet is imported whole or refused whole, with a message naming each bad row; any text is
either read into a start no later than its end or refused with a TimeParseError."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnweek.activities.models import Activity
from learnweek.activities.services import activities_import
from learnweek.activities.timeparse import TimeParseError, parse_span
from learnweek.core.errors import RowErrors
from tests.activities.helpers import fubiao1
from tests.helpers import unit

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2023

# The faults an official's sheet has, each with the column its message must name.
FAULTS = {
    "no_name": ("活动名称", lambda row: row | {"name": ""}),
    "bad_date": ("活动时间", lambda row: row | {"time": "国庆期间某天"}),
    "negative": ("人数", lambda row: row | {"count": -3}),
    "words": ("人数", lambda row: row | {"count": "很多"}),
}

dates = st.dates(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
written_dates = st.builds(
    lambda d, style: style.format(y=d.year, m=d.month, d=d.day),
    dates,
    st.sampled_from(["{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}.{m}.{d}", "{y}/{m}/{d}", "{m}月{d}日"]),
)
rows = st.lists(
    st.fixed_dictionaries(
        {
            "time": written_dates,
            "place": st.sampled_from(["社区学校", "朝阳区图书馆", "南湖公园"]),
            "count": st.one_of(st.integers(0, 5000), st.none()),
            "fault": st.one_of(st.none(), st.sampled_from(sorted(FAULTS))),
        }
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows)
def test_a_sheet_is_imported_whole_or_refused_whole(jilin_2023_derived, rows):
    sheet_rows, bad = [], {}
    for i, row in enumerate(rows):
        row = {"name": f"读书会{i}"} | row
        if row["fault"]:
            column, spoil = FAULTS[row["fault"]]
            row = spoil(row)
            bad[i + 4] = column  # the title, region and header rows come first: data from row 4
        sheet_rows.append([row["name"], row["time"], row["place"], "朝阳区教育局", row["count"], "", "共读"])
    with transaction.atomic():
        before = Activity.objects.count()
        try:
            report = activities_import(
                actor=None, campaign=jilin_2023_derived, unit=unit("220104"), source=fubiao1(sheet_rows)
            )
        except RowErrors as refused:
            assert bad, f"a clean sheet was refused: {refused.errors}"
            assert Activity.objects.count() == before  # nothing of it written
            named = {int(m) for e in refused.errors for m in re.findall(r"第(\d+)行", e)}
            assert named == set(bad)
            for number, column in bad.items():
                assert any(f"第{number}行" in e and column in e for e in refused.errors), (
                    number,
                    refused.errors,
                )
        else:
            assert not bad, f"rows {sorted(bad)} were bad, yet the sheet was imported"
            assert report.created == len(rows) == Activity.objects.count() - before
        transaction.set_rollback(True)


@given(
    day=dates, style=st.sampled_from(["{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}.{m}.{d}", "{m}月{d}日"])
)
def test_a_written_date_is_read_as_that_day(day, style):
    span = parse_span(style.format(y=day.year, m=day.month, d=day.day), year=YEAR, tz=TZ)
    assert (span.start.date(), span.end.date(), span.time_known) == (day, day, False)


@given(
    first=dates,
    length=st.integers(0, 20),
    hours=st.tuples(st.integers(8, 11), st.integers(13, 20)),
    dash=st.sampled_from(["—", "-", "至", "~"]),
)
def test_a_range_with_times_is_read_from_its_first_day_to_its_last(first, length, hours, dash):
    last = first + datetime.timedelta(days=length)
    text = f"{first.year}年{first.month}月{first.day}日{dash}{last.year}年{last.month}月{last.day}日 {hours[0]}:00-{hours[1]}:30"
    span = parse_span(text, year=YEAR, tz=TZ)
    assert span.start == datetime.datetime.combine(first, datetime.time(hours[0], 0), tzinfo=TZ)
    assert span.end == datetime.datetime.combine(last, datetime.time(hours[1], 30), tzinfo=TZ)


@given(
    text=st.text(alphabet=st.sampled_from("0123456789年月日.-/:：至到—~ 上午下午晚上号点"), max_size=30)
    | st.text(max_size=30)
)
def test_any_text_is_read_or_refused_with_a_reason(text):
    try:
        span = parse_span(text, year=YEAR, tz=TZ)
    except TimeParseError as refused:
        assert str(refused)  # a message for the row's error
    else:
        assert span.start <= span.end
