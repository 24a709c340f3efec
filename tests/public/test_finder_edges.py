"""Months and years typed into an address that the 日历 cannot show: a month outside 2000–2100,
or none at all, shows this month and says so; a year calendar outside them is not found. None
is an error page."""

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _calendar(client, **query):
    response = client.get("/activities/", {"view": "calendar", **query})
    return response, response.content.decode()


def _this_month() -> str:
    return timezone.localdate().strftime("%Y年%-m月").replace("年0", "年")


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ({"month": "9999-12"}, "日历只能查看2000年至2100年的月份，已显示本月。"),
        ({"month": "1-1"}, "日历只能查看2000年至2100年的月份，已显示本月。"),
        ({"month": "99999999999999999999-1"}, "日历只能查看2000年至2100年的月份，已显示本月。"),
        ({"month": "2026-13"}, "没有这个月份，已显示本月。"),
        ({"month": "十月"}, "没有这个月份，已显示本月。"),
        ({"date_from": "9999-12-30"}, "日历只能查看2000年至2100年的月份，已显示本月。"),
    ],
)
def test_a_month_the_calendar_cannot_show_shows_this_month_and_says_so(client, tree, query, note):
    response, page = _calendar(client, **query)
    assert response.status_code == 200
    assert f'<p class="place-note" role="status">{note}</p>' in page
    assert f"<strong>{_this_month()}</strong>" in page and '<table class="month-grid">' in page


def test_a_date_far_off_finds_nothing_in_this_months_grid(client, make_activity):
    make_activity("明天的读书会")
    response, page = _calendar(client, date_from="9999-12-30")
    assert response.status_code == 200 and "共 0 项活动" in page and "没有符合条件的活动" in page


def test_the_first_and_last_months_offer_no_month_beyond(client, tree):
    _, first = _calendar(client, month="2000-01")
    assert "<strong>2000年1月</strong>" in first and "上个月" not in first and "下个月：2000年2月" in first
    assert "place-note" not in first
    _, last = _calendar(client, month="2100-12")
    assert "<strong>2100年12月</strong>" in last and "下个月" not in last and "上个月：2100年11月" in last


@pytest.mark.parametrize("query", [{"date_to": "9999-12-31"}, {"date_from": "9999-12-31"}])
def test_the_list_with_a_date_far_off_finds_nothing(client, make_activity, query):
    make_activity("明天的读书会")
    response = client.get("/activities/", query)
    assert response.status_code == 200
    page = response.content.decode()
    expected = "共 1 项活动" if "date_to" in query else "共 0 项活动"
    assert expected in page


@pytest.mark.parametrize("year", [10000, 1999, 2101, 0])
def test_a_year_calendar_outside_the_years_is_not_found(client, tree, year):
    response = client.get(f"/calendar/{year}/")
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_the_year_calendars_within_the_years_are_shown(client, tree):
    for year in (2000, 2100, timezone.localdate().year):
        assert client.get(f"/calendar/{year}/").status_code == 200
    page = client.get("/calendar/").content.decode()
    assert f'aria-label="{timezone.localdate().year}年各省活动周时间表"' in page
