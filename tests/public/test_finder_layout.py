"""The finder as a phone shows it: the filters behind 筛选 with the active ones as chips that drop
one each, the 日历 as a month grid whose days open that day's list, and /calendar/<year>/ in a
form a phone can read and a keyboard can scroll."""

import datetime
import re
from html import unescape

from django.urls import reverse
from django.utils import timezone

from learnweek.campaigns.models import WeekSlot
from learnweek.campaigns.services import campaign_update
from tests.helpers import COUNTY, PROVINCE, unit


def _at(day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, 10, day, hour, tzinfo=timezone.get_current_timezone())


def _links(page: str) -> dict[str, str]:
    """Each link's accessible name (its aria-label, else its text) → its href, unescaped."""
    links = {}
    for attributes, text in re.findall(r"<a ([^>]*)>(.*?)</a>", page, flags=re.S):
        href = re.search(r'href="([^"]*)"', attributes)
        label = re.search(r'aria-label="([^"]*)"', attributes)
        name = label.group(1) if label else re.sub(r"<[^>]+>", "", text).strip()
        if href:
            links[unescape(name)] = unescape(href.group(1))
    return links


def test_the_filters_sit_behind_a_disclosure_in_a_plain_get_form(client, make_activity):
    make_activity("朝阳区读书会")
    page = client.get("/activities/").content.decode()
    form = page[page.index('<form method="get"') :]
    form = form[: form.index("</form>")]
    # 筛选 opens without script; the fields and a submit button are inside the GET form.
    assert "<details" in form and "<summary>筛选" in form and 'name="category"' in form
    assert '<button type="submit" class="primary">查看结果</button>' in form
    assert '<details class="finder-filters">' in form  # closed: the results come first
    assert 'hx-indicator="#finder-loading' in form and 'aria-live="polite"' in page
    # A bad date range opens it, so the error shows.
    bad = client.get("/activities/", {"date_from": "2026-10-05", "date_to": "2026-10-01"}).content.decode()
    assert '<details class="finder-filters" open>' in bad and "结束日期早于开始日期" in bad


def test_each_active_filter_is_a_chip_that_drops_it(client, make_activity):
    make_activity("朝阳区读书会")
    make_activity("南关区读书会", organiser="220102")
    make_activity("朝阳区助老课", category="smart_elderly")
    query = {"province": PROVINCE, "city": "220100", "county": COUNTY, "category": "themed_reading"}
    page = client.get("/activities/", query).content.decode()
    assert "共 1 项活动" in page and "（已选 4 项）" in page
    chips = _links(page)
    assert {"去掉筛选：吉林省", "去掉筛选：长春市", "去掉筛选：朝阳区", "去掉筛选：主题阅读活动"} <= set(
        chips
    )

    # Dropping the city drops the county below it and keeps the province and the category.
    wider = client.get("/activities/" + chips["去掉筛选：长春市"]).content.decode()
    assert "南关区读书会" in wider and "朝阳区助老课" not in wider and "共 2 项活动" in wider
    assert "去掉筛选：吉林省" in wider and "去掉筛选：长春市" not in wider
    assert "去掉筛选：主题阅读活动" in wider

    # Dropping the category brings back the other kinds of activity in the county.
    other = client.get("/activities/" + chips["去掉筛选：主题阅读活动"]).content.decode()
    assert "朝阳区助老课" in other and "共 2 项活动" in other and "去掉筛选：朝阳区" in other


def test_the_month_grid_counts_every_day_of_a_busy_month(client, make_activity):
    """310 activities on October's first ten days, then one on the 28th and one of three days:
    the old flat list stopped at 300 and lost the end of the month; the grid counts each day."""
    for n in range(310):
        day = 1 + n % 10
        make_activity(f"十月活动{n}", start=_at(day), end=_at(day, 11))
    make_activity("月底的讲座", start=_at(28), end=_at(28, 11))
    make_activity("三天的展览", start=_at(20), end=_at(22, 17))
    page = client.get("/activities/", {"view": "calendar", "month": "2026-10"}).content.decode()
    assert "10月共 312 项活动" in page
    days = _links(page)
    assert "10月1日，31 项活动" in days and "10月10日，31 项活动" in days
    assert "10月28日，1 项活动" in days
    assert {"10月20日，1 项活动", "10月21日，1 项活动", "10月22日，1 项活动"} <= set(days)
    assert not any(label.startswith("10月27日") for label in days)  # nothing that day: no link
    # Monday-first weeks: October 2026 begins on a Thursday, after three empty squares.
    grid = page[page.index('<table class="month-grid">') :]
    body = grid[grid.index("<tbody>") :]
    first_week = body[: body.index("</tr>")]
    assert first_week.count('<td class="outside">') == 3
    assert ">一</abbr>" in grid.split("<tbody>")[0].split("</th>")[0]
    nav = _links(page)
    assert "上个月：2026年9月" in nav and "下个月：2026年11月" in nav


def test_a_day_of_the_grid_opens_that_days_list(client, make_activity):
    make_activity("月底的讲座", start=_at(28), end=_at(28, 11), category="online_lecture")
    make_activity("前一天的活动", start=_at(27), end=_at(27, 11), category="online_lecture")
    make_activity("别的类别", start=_at(28), end=_at(28, 11))
    page = client.get(
        "/activities/", {"view": "calendar", "month": "2026-10", "category": "online_lecture"}
    ).content.decode()
    href = _links(page)["10月28日，1 项活动"]
    assert "date_from=2026-10-28&date_to=2026-10-28" in href and "view=" not in href
    day = client.get("/activities/" + href).content.decode()
    assert "月底的讲座" in day and "前一天的活动" not in day and "别的类别" not in day
    assert "共 1 项活动" in day and "去掉筛选：2026年10月28日" in day


def test_the_year_calendar_reads_on_a_phone_and_scrolls_by_keyboard(client, jilin_2026_published):
    campaign_update(actor=None, campaign=jilin_2026_published, ceremony_venue="吉林开放大学")
    WeekSlot.objects.create(
        campaign=jilin_2026_published, province=unit(PROVINCE), start="2026-09-07", end="2026-09-13"
    )
    page = client.get(reverse("public:calendar_year", args=[2026])).content.decode()
    assert re.search(
        r'<div class="[^"]*" tabindex="0" role="region" aria-label="2026年各省活动周时间表">', page
    )
    row = page[page.index('<th scope="row" class="province">吉林省</th>') :].split("</tr>")[0]
    assert 'data-label="活动周"><span class="dates">9月7日—9月13日</span>' in row
    assert 'data-label="开幕式">吉林开放大学</td>' in row and "week-bar" in row
    assert '<th scope="row" class="province">新疆维吾尔自治区</th>' in page


def test_the_month_grid_counts_an_activity_on_its_beijing_days(client, make_activity):
    """At 00:30 in Beijing it is still the day before in UTC; an activity from 9月29日 to 10月2日
    counts on October's 1st and 2nd; one ending at midnight is not held on the day after, and the
    month's total counts what its days count."""
    make_activity("凌晨的观星", start=_at(15, 0).replace(minute=30), end=_at(15, 2))
    make_activity("跨月的展览", start=_at(1, 9).replace(month=9, day=29), end=_at(2, 17))
    make_activity("到午夜的读书夜", start=_at(20, 20), end=_at(21, 0))
    make_activity("零点的倒计时", start=_at(25, 0), end=_at(25, 0))  # a moment: on its own day
    page = client.get("/activities/", {"view": "calendar", "month": "2026-10"}).content.decode()
    days = _links(page)
    assert "10月15日，1 项活动" in days and not any(label.startswith("10月14日") for label in days)
    assert "10月1日，1 项活动" in days and "10月2日，1 项活动" in days
    assert "10月20日，1 项活动" in days and not any(label.startswith("10月21日") for label in days)
    assert "10月25日，1 项活动" in days and not any(label.startswith("10月24日") for label in days)
    assert "10月共 4 项活动" in page
    september = _links(client.get("/activities/", {"view": "calendar", "month": "2026-09"}).content.decode())
    assert "9月29日，1 项活动" in september and "9月30日，1 项活动" in september
