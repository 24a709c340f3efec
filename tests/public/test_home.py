"""Issue 25, item 9: the home page speaks to residents — this week's activities where they live
(the region they chose last, remembered), their next sign-ups, this year's campaigns of their
region (a past year's only as 往届) — and the site can be added to a phone's home screen."""

from __future__ import annotations

import datetime
import json
import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from learnweek.campaigns.models import CampaignStatus
from learnweek.campaigns.services import campaign_create, campaign_set_status
from learnweek.reading import log_services
from learnweek.registrations.services import registration_create
from tests.helpers import CITY, COUNTY, PROVINCE, unit

pytestmark = pytest.mark.django_db

HOME = "/"


def _page(client, query="") -> str:
    return client.get(HOME + query).content.decode()


def _soon(make_activity, name, **values):
    """An activity starting in a few minutes: this week, whatever day the test runs."""
    start = timezone.now() + datetime.timedelta(minutes=5)
    return make_activity(name, start=start, end=start + datetime.timedelta(hours=1), **values)


def _next_week(make_activity, name, **values):
    today = timezone.localdate()
    return make_activity(name, days=7 - today.weekday() + 1, **values)


def test_a_first_visit_is_asked_where_it_lives_in_plain_chinese(client, tree, settings):
    settings.LEARNWEEK_DEMO = True
    page = _page(client)
    assert "在同一棵单位树上工作" not in page and "learnweek 把" not in page
    assert "选择所在地区" in page and '<option value="220000">吉林省</option>' in page
    assert '<select name="city"' not in page  # the next level comes once a province is sent
    assert f'href="{reverse("public:sign_in")}?next=/">居民登录</a>' in page
    # The demo accounts and the staff entry come after what residents came for.
    assert page.index("我的报名") < page.index("演示账号") < page.index('class="staff-entry"')


def test_choosing_a_region_shows_this_week_there_and_is_remembered(client, make_activity):
    _soon(make_activity, "朝阳区读书沙龙")
    _soon(make_activity, "公主岭市书法课", organiser="220184")
    page = _page(client, f"?province={PROVINCE}")
    assert "本周活动 · 吉林省" in page and '<select name="city"' in page
    assert client.cookies["lw_region"].value == PROVINCE
    page = _page(client, f"?province={PROVINCE}&city={CITY}&county={COUNTY}")
    assert "本周活动 · 朝阳区" in page and "朝阳区读书沙龙" in page and "公主岭市书法课" not in page
    assert "今天到周日，朝阳区共有 <strong>1</strong> 场活动。" in page
    assert client.cookies["lw_region"].value == COUNTY
    # Next time, without asking.
    page = _page(client)
    assert "本周活动 · 朝阳区" in page and "按你上次选择的地区" in page
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    sunday = monday + datetime.timedelta(days=6)
    assert f"{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日" in page
    assert f"date_to={sunday.isoformat()}" in page  # 查看本周全部活动: the finder, this region, to Sunday


def test_a_week_without_activities_says_so_and_shows_the_next_ones(client, make_activity):
    _next_week(make_activity, "朝阳区下周讲座")
    page = _page(client, f"?province={PROVINCE}&city={CITY}&county={COUNTY}")
    assert "本周朝阳区没有还未结束的活动。下面是之后即将举办的活动。" in page
    assert "朝阳区下周讲座" in page and "查看本周全部活动" not in page
    page = _page(client, "?province=110000")
    assert "本周北京市没有还未结束的活动。之后也暂时没有已发布的活动。" in page


def test_the_region_opened_or_searched_last_is_the_one_shown(client, make_activity):
    client.get(reverse("public:region", args=[CITY]))
    assert client.cookies["lw_region"].value == CITY
    assert "本周活动 · 长春市" in _page(client)
    client.get(reverse("public:finder"), {"province": PROVINCE, "city": "220200"})
    assert "本周活动 · 吉林市" in _page(client)
    # A region that does not lie within the one above it is not taken.
    client.get(reverse("public:finder"), {"province": "110000", "city": CITY})
    assert client.cookies["lw_region"].value == "110000"


def test_a_resident_without_a_choice_sees_its_profiles_region(client, make_resident, tree):
    resident = make_resident()
    log_services.profile_save(account=resident, region=unit(COUNTY))
    client.force_login(resident)
    page = _page(client)
    assert "本周活动 · 朝阳区" in page and "按你阅读资料里的所在地区" in page


def test_a_resident_sees_its_next_sign_ups(client, make_resident, make_activity):
    resident = make_resident()
    client.force_login(resident)
    assert "你还没有即将参加的活动。" in _page(client)
    later = make_activity("朝阳区书法体验课", days=3)
    sooner = make_activity("朝阳区读书沙龙", days=2)
    third = make_activity("朝阳区摄影课", days=4)
    for activity in (later, sooner, third):
        registration_create(activity_id=activity.pk, phone=resident.phone, name="李阿姨", resident=resident)
    page = _page(client)
    assert page.index("朝阳区读书沙龙") < page.index("朝阳区书法体验课") and "朝阳区摄影课" not in page
    assert f'href="{reverse("public:me")}">全部报名和签到码</a>' in page
    assert "居民登录" not in page


def test_this_years_campaigns_of_the_region_and_past_ones_as_such(client, tree):
    year = timezone.localdate().year
    old = campaign_create(
        actor=None,
        issuing_unit=unit(PROVINCE),
        year=year - 3,
        slug="jl-old",
        title=f"{year - 3}年吉林省活动周",
    )
    campaign_set_status(actor=None, campaign=old, status=CampaignStatus.PUBLISHED)
    page = _page(client, f"?province={PROVINCE}")
    assert f"{year}年吉林省及上级的活动通知尚未发布。" in page
    assert "往届" in page and page.index("往届") < page.index(f"{year - 3}年吉林省活动周")
    current = campaign_create(
        actor=None, issuing_unit=unit(PROVINCE), year=year, slug="jl-now", title=f"{year}年吉林省活动周"
    )
    campaign_set_status(actor=None, campaign=current, status=CampaignStatus.PUBLISHED)
    other = campaign_create(actor=None, issuing_unit=unit("110000"), year=year, slug="bj-now", title="北京的")
    campaign_set_status(actor=None, campaign=other, status=CampaignStatus.PUBLISHED)
    page = _page(client)
    assert "尚未发布" not in page and page.index(f"{year}年吉林省活动周") < page.index("往届")
    assert "北京的" not in page


def test_the_site_can_be_added_to_a_home_screen(client, db):
    page = _page(client)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'type="image/svg+xml"' in page and 'rel="apple-touch-icon"' in page
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "全民终身学习活动周" and manifest["short_name"]
    assert (manifest["start_url"], manifest["display"], manifest["theme_color"]) == (
        "/",
        "standalone",
        "#b3261e",
    )
    sizes = {}
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            sizes[icon["sizes"]] = image.format
    assert sizes == {"192x192": "PNG", "512x512": "PNG"}
    with Image.open(finders.find("icons/apple-touch-icon.png")) as touch:
        assert touch.size == (180, 180)
    svg = open(finders.find("icons/favicon.svg"), encoding="utf-8").read()
    assert svg.startswith("<svg") and "<path" in svg and "<text" not in svg  # no font needed
    assert client.get("/favicon.ico")["Location"].endswith("icons/favicon-32.png")


def test_staff_are_told_sign_ups_take_a_residents_account(client, county_admin):
    client.force_login(county_admin)
    page = _page(client)
    assert "你已用工作人员账号登录。报名活动、记录阅读请退出后用手机号登录。" in page
    assert "居民登录</a>" not in page.split('id="home-mine"')[1].split("</section>")[0]


def test_the_weeks_count_is_what_its_link_finds_at_evening(client, make_activity, monkeypatch):
    """At 20:00 a talk that ended at noon is still in the finder's list from today to Sunday, where
    查看本周全部活动 leads: the home page counts that same list, and shows what has not ended."""
    day = timezone.localdate() + datetime.timedelta(days=2)
    tz = timezone.get_current_timezone()
    make_activity(
        "上午的讲座",
        start=datetime.datetime.combine(day, datetime.time(10), tz),
        end=datetime.datetime.combine(day, datetime.time(12), tz),
    )
    make_activity(
        "晚上的读书会",
        start=datetime.datetime.combine(day, datetime.time(20, 30), tz),
        end=datetime.datetime.combine(day, datetime.time(21, 30), tz),
    )
    evening = datetime.datetime.combine(day, datetime.time(20), tz)
    monkeypatch.setattr(timezone, "now", lambda: evening)

    page = _page(client, f"?province={PROVINCE}&city={CITY}&county={COUNTY}")
    assert "今天到周日，朝阳区共有 <strong>2</strong> 场活动，下面是还未结束的几场。" in page
    assert "晚上的读书会" in page and "上午的讲座" not in page
    link = re.search(r'href="(/activities/\?[^"]*)">查看本周全部活动</a>', page)
    assert link is not None
    found = client.get(unescape(link.group(1))).content.decode()
    assert "共 2 项活动" in found and "上午的讲座" in found and "晚上的读书会" in found
