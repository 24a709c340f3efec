"""The activity registry at national scale.

1. The back-office list of one city's activities, filtered by category and date, first page and
   page 500 (50 a page, with the total count the page shows), through our selector and paginator
   against the best hand-written SQL for the same page.
2. Importing a 100,000-row 附表1 through the all-or-nothing importer (read, infer, check, write:
   the one-step import of the command line), against the floor of any xlsx importer:
   python-calamine reading the same cells, with no checks and no writes.
3. 确认导入 of the same file's back-office preview (the rows kept between the two steps, checked
   again and written), against the same floor.
"""

import datetime
import io
import os
import time

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from learnweek.accounts.models import User
from learnweek.activities.generate import generate
from learnweek.activities.models import Activity
from learnweek.activities.selectors import (
    LIST_FIELDS,
    ActivityFilters,
    activities_filtered,
    activities_visible_to,
)
from learnweek.activities.services import activities_import, import_preview_commit, import_preview_create
from learnweek.campaigns.models import Campaign
from learnweek.campaigns.services import campaign_create, campaign_set_status
from learnweek.core.paging import DeferredJoinPaginator
from learnweek.orgs.models import Unit

TARGET = int(os.environ.get("BENCH_ACTIVITIES", "1000000"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
PAGE = 50


def bench_campaign() -> Campaign:
    """The benchmark's national campaign of 2023, published, made once and kept."""
    campaign = Campaign.objects.filter(slug="bench-national").first()
    if campaign is None:
        campaign = campaign_create(
            actor=None,
            issuing_unit=Unit.objects.get(code="000000"),
            year=2023,
            slug="bench-national",
            title="bench",
        )
        campaign_set_status(actor=None, campaign=campaign, status="published")
    return campaign


def prepare() -> Campaign:
    """The benchmark campaign and its generated activities, made once and kept."""
    campaign = bench_campaign()
    have = campaign.activities.count()
    if have < TARGET:
        print(f"generating {TARGET - have} activities (kept for later runs) ...", flush=True)
        with transaction.atomic():
            generate(campaign, TARGET - have, seed=have + 1)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # as autovacuum would soon after a bulk load
                cursor.execute("VACUUM ANALYZE activities_activity")
    return campaign


def run_list(median_ms, report, campaign: Campaign) -> None:
    # The city with the most activities of the most common category.
    top = (
        Activity.objects.filter(campaign=campaign, category="themed_reading")
        .values("unit_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_city: dict[str, int] = {}
    for row in top:
        city = row["unit_path"][: 3 * Unit.steplen]
        per_city[city] = per_city.get(city, 0) + row["n"]
    city_path = max(per_city, key=per_city.get)
    city = Unit.objects.get(path=city_path)
    user = User(username="bench", unit=Unit.objects.get(code="000000"), is_reporter=True)
    tz = timezone.get_current_timezone()
    date_from, date_to = datetime.date(2023, 6, 1), datetime.date(2023, 11, 30)
    filters = ActivityFilters(
        campaign=campaign, under=city, category="themed_reading", date_from=date_from, date_to=date_to
    )
    total = per_city[city_path]
    last_page = max(1, -(-total // PAGE))
    deep = min(500, last_page)

    def ours(page_number):
        def go():
            queryset = activities_filtered(activities_visible_to(user), filters).only(*LIST_FIELDS)
            page = DeferredJoinPaginator(queryset, PAGE).get_page(page_number)
            return [a.pk for a in page], page.paginator.count

        return go

    lo = datetime.datetime.combine(date_from, datetime.time(), tzinfo=tz)
    hi = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    count_sql = (
        "SELECT count(*) FROM activities_activity WHERE campaign_id = %s AND unit_path LIKE %s"
        ' AND category = %s AND "end" >= %s AND start < %s'
    )
    # The best hand-written page: the ids of the page from the covering index, then their rows.
    page_sql = (
        'SELECT id, name, category, start, "end", time_known, organiser_name, is_week, is_internal,'
        " is_demonstration, person_times, headcount FROM activities_activity WHERE id IN ("
        " SELECT id FROM activities_activity WHERE campaign_id = %s AND unit_path LIKE %s"
        ' AND category = %s AND "end" >= %s AND start < %s'
        " ORDER BY start DESC, id DESC LIMIT %s OFFSET %s) ORDER BY start DESC, id DESC"
    )
    params = [campaign.pk, city.path + "%", "themed_reading", lo, hi]

    def baseline(page_number):
        def go():
            with connection.cursor() as cursor:
                cursor.execute(count_sql, params)
                count = cursor.fetchone()[0]
                cursor.execute(
                    page_sql,
                    [*params, PAGE, (page_number - 1) * PAGE],
                )
                return [row[0] for row in cursor.fetchall()], count

        return go

    assert ours(1)() == baseline(1)() and ours(deep)() == baseline(deep)()
    label = f"list: {city.name}, {total} 主题阅读, page"
    report(f"{label} 1", median_ms(ours(1)), median_ms(baseline(1)))
    report(f"{label} {deep} of {last_page}", median_ms(ours(deep)), median_ms(baseline(deep)))


def _fubiao1(rows: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["2023年“全民终身学习示范活动”汇总表"])
    sheet.append(["吉林省　长春市（县）　朝阳区"])
    sheet.append(["序号", "活动名称", "活动时间", "活动地点", "主办单位", "人数", "报名电话", "活动内容"])
    for i in range(1, rows + 1):
        day = 1 + i % 28
        sheet.append(
            [
                i,
                f"社区读书会第{i}期",
                f"2023年10月{day}日 14:00-16:00",
                f"第{i % 97}社区",
                "朝阳区",
                20 + i % 200,
                "0431-85551234",
                "好书共读",
            ]
        )
    sheet.append(["注：活动不限10项，请根据实际情况填报。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(report, campaign: Campaign) -> None:
    data = _fubiao1(IMPORT_ROWS)
    county = Unit.objects.get(code="220104")
    times = []
    for _ in range(3):
        with transaction.atomic():
            start = time.perf_counter()
            result = activities_import(actor=None, campaign=campaign, unit=county, source=io.BytesIO(data))
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # the deferred foreign-key checks a commit would run
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            times.append(time.perf_counter() - start)
            assert result.created == IMPORT_ROWS
            transaction.set_rollback(True)
    ours = sorted(times)[1]

    def floor() -> float:
        start = time.perf_counter()
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        assert len([row for row in rows if len(row) > 1 and row[1]]) > IMPORT_ROWS
        return time.perf_counter() - start

    floors = sorted(floor() for _ in range(3))
    base = floors[1]
    report(
        f"import: 附表1 of {IMPORT_ROWS} rows ({IMPORT_ROWS / ours:,.0f} rows/s)",
        ours,
        base,
        unit="s ",
    )
    print(
        f"{'':<58} baseline = python-calamine reading the same cells, no checks or writes ({IMPORT_ROWS / base:,.0f} rows/s)"
    )


def _floor(data: bytes) -> float:
    def once() -> float:
        start = time.perf_counter()
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        assert len([row for row in rows if len(row) > 1 and row[1]]) > IMPORT_ROWS
        return time.perf_counter() - start

    return sorted(once() for _ in range(3))[1]


def run_import_commit(report, campaign: Campaign) -> None:
    """The second step of the back-office import: the preview is made (not timed), then
    committed: its rows loaded, checked again and written."""
    data = _fubiao1(IMPORT_ROWS)
    county = Unit.objects.get(code="220104")
    times = []
    for _ in range(3):
        with transaction.atomic():
            actor = User.objects.create(username="bench-import", unit=county, is_reporter=True)
            preview = import_preview_create(
                actor=actor, campaign=campaign, unit=county, source=io.BytesIO(data)
            )
            start = time.perf_counter()
            result = import_preview_commit(actor=actor, preview=preview)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # the deferred foreign-key checks a commit would run
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            times.append(time.perf_counter() - start)
            assert result.created == IMPORT_ROWS
            transaction.set_rollback(True)
    ours = sorted(times)[1]
    report(
        f"import: 确认导入 of a {IMPORT_ROWS}-row preview ({IMPORT_ROWS / ours:,.0f} rows/s)",
        ours,
        _floor(data),
        unit="s ",
    )


def run(median_ms, report, campaign: Campaign) -> None:
    run_list(median_ms, report, campaign)
    run_import(report, campaign)
    run_import_commit(report, campaign)
