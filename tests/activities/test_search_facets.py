"""The search's region and month facets (activities.search): a word searched in a region and a
date range finds exactly what the filters say — the facets only let the index narrow it — and
nobody can search for a facet itself."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from learnweek.activities import selectors
from learnweek.activities.models import Activity
from learnweek.activities.search import activity_index_text, month_facets, region_facets
from learnweek.activities.selectors import ActivityFilters, activities_found, finder_page
from tests.helpers import CITY, COUNTY, OTHER_CITY, PROVINCE, unit

TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai


def at(year, month, day, hour=14):
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


def names(filters, **kwargs):
    return sorted(a.name for a in activities_found(filters, **kwargs))


@pytest.fixture
def year_of_reading(make_activity):
    """Reading activities of 2025 at known times and places."""

    def held(name, start, end=None, organiser=COUNTY):
        return make_activity(
            name, organiser=organiser, start=start, end=end or start + datetime.timedelta(hours=2)
        )

    held("十月朝阳读书会", at(2025, 10, 15))
    held("十一月朝阳读书会", at(2025, 11, 3))
    held("跨月读书周", at(2025, 9, 28), at(2025, 10, 2))  # September into October
    # 23:30 on 31 October in Beijing is 15:30 UTC: an October activity, whatever UTC says.
    held(
        "十月最后一晚读书会",
        datetime.datetime(2025, 10, 31, 23, 30, tzinfo=TZ),
        at(2025, 10, 31, 23) + datetime.timedelta(minutes=59),
    )
    held("三年读书计划", at(2023, 1, 10), at(2026, 12, 31))  # longer than the month tokens go
    held("吉林市十月读书会", at(2025, 10, 20), organiser=OTHER_CITY)


OCTOBER = {"date_from": datetime.date(2025, 10, 1), "date_to": datetime.date(2025, 10, 31)}


def test_a_word_in_a_region_and_a_month_finds_what_the_filters_say(year_of_reading):
    in_changchun = ActivityFilters(q="读书", under=unit(CITY), **OCTOBER)
    assert names(in_changchun) == ["三年读书计划", "十月最后一晚读书会", "十月朝阳读书会", "跨月读书周"]
    in_the_county = ActivityFilters(q="读书", under=unit(COUNTY), **OCTOBER)
    assert names(in_the_county) == names(in_changchun)
    in_jilin = ActivityFilters(q="读书", under=unit(PROVINCE), **OCTOBER)
    assert names(in_jilin) == sorted([*names(in_changchun), "吉林市十月读书会"])
    # One day of November: only what is held that day.
    third = {"date_from": datetime.date(2025, 11, 3), "date_to": datetime.date(2025, 11, 3)}
    assert names(ActivityFilters(q="读书", under=unit(CITY), **third)) == ["三年读书计划", "十一月朝阳读书会"]
    # Two months, across the year's end of the facets: both months' activities.
    autumn = {"date_from": datetime.date(2025, 10, 1), "date_to": datetime.date(2025, 11, 30)}
    assert "十一月朝阳读书会" in names(ActivityFilters(q="读书", under=unit(CITY), **autumn))


def test_the_facets_give_the_same_answer_as_the_filters_alone(year_of_reading, monkeypatch):
    """The same searches with the facet tokens left out of the query (the filters alone decide)."""
    cases = [
        ActivityFilters(q="读书", under=unit(CITY), **OCTOBER),
        ActivityFilters(
            q="读书",
            under=unit(PROVINCE),
            date_from=datetime.date(2025, 9, 30),
            date_to=datetime.date(2025, 9, 30),
        ),
        ActivityFilters(q="读书会", under=unit(OTHER_CITY), include_ended=True),
        ActivityFilters(q="读书", date_from=datetime.date(2024, 2, 1), date_to=datetime.date(2024, 2, 29)),
        ActivityFilters(q="读书", date_from=datetime.date(2020, 1, 1), date_to=datetime.date(2025, 12, 31)),
    ]
    with_facets = [names(f) for f in cases]
    monkeypatch.setattr(selectors, "_facets", lambda f: [])
    assert with_facets == [names(f) for f in cases]
    assert with_facets[3] == ["三年读书计划"]


def test_nobody_can_search_for_a_facet_token(year_of_reading):
    activity = Activity.objects.get(name="十月朝阳读书会")
    facet = region_facets(activity.unit_path)[0]
    assert f" {facet} " in activity.search_text  # every activity of Jilin carries it
    assert names(ActivityFilters(q=facet, include_ended=True)) == []
    assert names(ActivityFilters(q="lwm202510", include_ended=True)) == []


def test_a_word_shaped_like_a_facet_is_no_word_and_fakes_no_month(make_activity):
    make_activity("lwm202510读书会", start=at(2025, 3, 5), end=at(2025, 3, 5, 16))
    march = {"date_from": datetime.date(2025, 3, 1), "date_to": datetime.date(2025, 3, 31)}
    assert names(ActivityFilters(q="读书", under=unit(CITY), **march)) == ["lwm202510读书会"]
    assert names(ActivityFilters(q="读书", under=unit(CITY), **OCTOBER)) == []


def test_a_changed_date_moves_the_activity_to_its_new_month(year_of_reading):
    from learnweek.activities.services import activity_update

    activity = Activity.objects.get(name="十一月朝阳读书会")
    activity_update(actor=None, activity=activity, start=at(2025, 10, 8), end=at(2025, 10, 8, 16))
    assert "十一月朝阳读书会" in names(ActivityFilters(q="读书", under=unit(CITY), **OCTOBER))
    november = {"date_from": datetime.date(2025, 11, 1), "date_to": datetime.date(2025, 11, 30)}
    assert "十一月朝阳读书会" not in names(ActivityFilters(q="读书", under=unit(CITY), **november))


def test_a_common_word_pages_the_same_whether_walked_or_sorted(year_of_reading, monkeypatch):
    """When the capped count is full the first page is found by walking the start index: the same
    rows in the same order as sorting every match."""
    f = ActivityFilters(q="读书", include_ended=True)
    assert [a.pk for a in activities_found(f, dense=True)] == [a.pk for a in activities_found(f)]
    monkeypatch.setattr(selectors, "FINDER_COUNT_CAP", 2)
    page = finder_page(f, 1, fields=("id", "name", "start"), per_page=2)
    assert page.capped and page.paginator.count == 2
    assert [a.pk for a in page.object_list] == [a.pk for a in activities_found(f)][:2]


def test_month_tokens_follow_the_local_calendar():
    assert month_facets(datetime.datetime(2025, 10, 31, 15, 30, tzinfo=datetime.UTC), None) == ["lwm202510"]
    assert month_facets(at(2025, 12, 30), at(2026, 2, 1)) == ["lwm202512", "lwm202601", "lwm202602"]
    assert month_facets(at(2025, 1, 1), at(2028, 1, 1)) == ["lwmlong"]
    assert month_facets(at(2025, 3, 1), at(2025, 2, 1)) == ["lwm202503"]  # an end before its start


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the migration's SQL is PostgreSQL's")
def test_the_migrations_sql_computes_what_python_computes(year_of_reading):
    """Migration 0011 appends the facets of stored rows in SQL; it must be the same text."""
    import importlib

    migration = importlib.import_module("learnweek.activities.migrations.0011_search_facets")
    words_only = re.compile(r" lw[um][0-9a-z]+(?= )")
    for activity in Activity.objects.all():
        Activity.objects.filter(pk=activity.pk).update(search_text=words_only.sub("", activity.search_text))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE activities_activity a SET search_text = {migration.with_facets_sql()}",  # noqa: S608
            {"tz": settings.TIME_ZONE},
        )
    for activity in Activity.objects.all():
        expected = activity_index_text(
            {
                name: getattr(activity, name)
                for name in ("name", "forms", "organiser_name", "co_organisers", "address", "content")
            },
            unit_path=activity.unit_path,
            start=activity.start,
            end=activity.end,
        )
        assert activity.search_text == expected, activity.name
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_the_default_view_of_a_common_word_shows_what_is_on_now_then_what_is_to_come(
    make_activity, monkeypatch
):
    """What has not ended yet, soonest first, when the capped count is full: taken as what is
    being held now (the range index), then what is to come (the start index) — the same page as
    sorting every match, and nothing that has ended."""
    now = timezone.now()
    make_activity(
        "已结束的读书会", start=now - datetime.timedelta(days=3), end=now - datetime.timedelta(days=2)
    )
    make_activity(
        "正在举办的读书展", start=now - datetime.timedelta(days=5), end=now + datetime.timedelta(days=5)
    )
    make_activity(
        "刚开始的读书会", start=now - datetime.timedelta(hours=1), end=now + datetime.timedelta(hours=1)
    )
    for days in (1, 2, 3):
        make_activity(f"{days}天后的读书会", days=days)
    f = ActivityFilters(q="读书")
    sorted_all = [a.name for a in activities_found(f)]
    assert sorted_all[:2] == ["正在举办的读书展", "刚开始的读书会"] and "已结束的读书会" not in sorted_all
    # From a date: what ends on that day or later, the same way from that day's midnight.
    from_yesterday = ActivityFilters(q="读书", date_from=timezone.localdate() - datetime.timedelta(days=1))
    from_yesterday_all = [a.name for a in activities_found(from_yesterday)]
    assert from_yesterday_all[:3] == ["正在举办的读书展", "刚开始的读书会", "1天后的读书会"]
    monkeypatch.setattr(selectors, "FINDER_COUNT_CAP", 4)  # five match: the count is full
    for filters, everything in ((f, sorted_all), (from_yesterday, from_yesterday_all)):
        for number, size in ((1, 3), (2, 3), (1, 1), (2, 2)):
            page = finder_page(filters, number, fields=("id", "name", "start"), per_page=size)
            assert page.capped and page.paginator.count == 4
            assert [a.name for a in page.object_list] == everything[:4][(number - 1) * size : number * size]
