"""The public pages as a resident uses them, from finding an activity to its check-in code."""

import re

import pytest
from django.urls import reverse

from learnweek.campaigns.models import WeekSlot
from learnweek.campaigns.services import campaign_update
from learnweek.registrations.models import Registration
from tests.helpers import COUNTY, PROVINCE, unit


def test_finder_lists_matches_and_escapes_what_was_typed(client, make_activity):
    make_activity("全民读书节")
    make_activity("书法体验课")
    page = client.get("/activities/", {"q": "读书<b>x</b>"}).content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    page = client.get("/activities/", {"q": "读书"}).content.decode()
    assert "全民读书节" in page and "书法体验课" not in page and "共 1 项活动" in page


def test_a_search_of_ten_thousand_characters_gets_a_message_not_an_error(client, make_activity):
    make_activity()
    response = client.get("/activities/", {"q": "读" * 10_000})
    assert response.status_code == 200
    assert "搜索词最多 50 个字（现有 10000 个）" in response.content.decode()


def test_region_selects_narrow_the_finder_level_by_level(client, make_activity):
    make_activity("朝阳区活动")
    make_activity("南关区活动", organiser="220102")
    page = client.get(
        "/activities/", {"province": PROVINCE, "city": "220100", "county": COUNTY}
    ).content.decode()
    assert "朝阳区活动" in page and "南关区活动" not in page
    assert 'value="220104" selected' in page  # the county select lists Changchun's districts


def test_activity_page_masks_mobile_numbers_and_keeps_office_lines(client, make_activity):
    activity = make_activity(
        registration_phone="13812345678 / 0431-88888888", content="联系人手机 13998765432"
    )
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert '138****5678 / <a class="tel" href="tel:043188888888">0431-88888888</a>' in page
    assert "139****5432" in page
    assert "13812345678" not in page and "13998765432" not in page
    assert "学习成就美好生活" in page  # the campaign's theme
    assert "uri.amap.com" not in page or activity.address  # a map link only with an address


def test_internal_and_unpublished_activities_are_missing(client, make_activity):
    internal = make_activity(is_internal=True)
    assert client.get(f"/activities/{internal.pk}/").status_code == 404
    assert client.get(f"/activities/{internal.pk}/calendar.ics").status_code == 404


def test_ics_feeds_of_an_activity_and_of_a_search(client, make_activity):
    activity = make_activity("全民读书节", address="朝阳区图书馆", registration_phone="13812345678")
    make_activity("书法体验课")
    one = client.get(f"/activities/{activity.pk}/calendar.ics")
    assert one["Content-Type"].startswith("text/calendar")
    body = one.content.decode()
    assert "BEGIN:VEVENT" in body and "SUMMARY:全民读书节" in body and "LOCATION:朝阳区图书馆" in body
    assert "138****5678" in body and "13812345678" not in body
    feed = client.get("/activities/feed.ics", {"q": "读书"}).content.decode()
    assert feed.count("BEGIN:VEVENT") == 1 and "书法" not in feed


def test_region_page_shows_its_week_ceremony_stream_and_activities(
    client, make_activity, jilin_2026_published
):
    campaign_update(
        actor=None,
        campaign=jilin_2026_published,
        week_start=jilin_2026_published.created_at.date(),
        week_end=jilin_2026_published.created_at.date(),
        ceremony_venue="吉林开放大学",
        ceremony_stream_url="https://live.example.org/jl",
    )
    make_activity("朝阳区读书会")
    page = client.get(f"/regions/{COUNTY}/").content.decode()
    assert "朝阳区读书会" in page and "https://live.example.org/jl" in page and "吉林开放大学" in page
    assert "依据吉林省教育厅通知" in page or "依据吉林省通知" in page
    WeekSlot.objects.create(
        campaign=jilin_2026_published,
        province=unit(PROVINCE),
        start="2026-09-07",
        end="2026-09-13",
        status="arranged",
    )
    page = client.get(f"/regions/{PROVINCE}/").content.decode()
    assert "9月7日 — 9月13日" in page and "教育部已安排" in page
    assert client.get("/regions/000000/").status_code == 404


def test_elder_mode_switches_on_every_page_and_is_remembered(client, make_activity):
    activity = make_activity()
    response = client.post("/elder/", headers={"Referer": f"http://testserver/activities/{activity.pk}/"})
    assert response.status_code == 302 and response["Location"].endswith(f"/activities/{activity.pk}/")
    for url in ("/", "/activities/", f"/activities/{activity.pk}/", "/calendar/"):
        assert '<body class="elder">' in client.get(url).content.decode()
    client.post("/elder/", headers={"Referer": "https://evil.example.com/"})  # off again; no open redirect
    assert '<body class="">' in client.get("/").content.decode()
    assert client.post("/elder/", headers={"Referer": "https://evil.example.com/"})["Location"] == "/"


def test_sign_in_register_see_the_qr_code_and_cancel(
    client, make_activity, sms_outbox, django_capture_on_commit_callbacks
):
    activity = make_activity(capacity=1)
    register_url = reverse("public:register", args=[activity.pk])
    response = client.get(register_url)
    assert response.status_code == 302 and "/signin/" in response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/signin/", {"name": "李阿姨", "phone": "13812345678", "next": register_url})
    assert "验证码已发送至 138****5678" in page.content.decode()
    code = re.search(r"验证码为(\d{6})", sms_outbox[-1][1]).group(1)
    response = client.post(
        "/signin/", {"phone": "13812345678", "name": "李阿姨", "code": code, "next": register_url}
    )
    assert response.status_code == 302 and response["Location"] == register_url
    response = client.post(register_url, {"name": "李阿姨"}, follow=True)
    page = response.content.decode()
    assert "报名成功" in page and "<svg" in page
    registration = Registration.objects.get()
    assert registration.code_display in page
    assert f'已报名 · 签到码 <strong class="code">{registration.code_display}</strong>' in (
        client.get(f"/activities/{activity.pk}/").content.decode()
    )
    assert "确定取消" in client.get(reverse("public:cancel", args=[registration.pk])).content.decode()
    client.post(reverse("public:cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_staff_cannot_register_and_residents_cannot_reach_the_back_office(
    client, make_activity, county_reporter, make_resident
):
    activity = make_activity()
    client.force_login(county_reporter)
    response = client.get(f"/activities/{activity.pk}/register/", follow=True)
    assert "工作人员账号不能报名" in response.content.decode()
    client.force_login(make_resident())
    assert client.get("/office/activities/").status_code == 404


@pytest.mark.parametrize("who", ["sibling", "anonymous"])
def test_back_office_check_in_page_is_scoped(client, make_activity, sibling_county_admin, who):
    activity = make_activity()
    if who == "sibling":
        client.force_login(sibling_county_admin)
        assert client.get(f"/office/activities/{activity.pk}/registrations/").status_code == 404
        assert client.post(f"/office/activities/{activity.pk}/checkin/", {"code": "X"}).status_code == 404
    else:
        assert client.get(f"/office/activities/{activity.pk}/registrations/").status_code == 302


def test_organiser_checks_in_from_the_page(client, make_activity, make_resident, county_reporter):
    from learnweek.registrations.services import registration_create

    activity = make_activity()
    resident = make_resident()
    code = registration_create(activity_id=activity.pk, phone=resident.phone, name="李阿姨").registration.code
    client.force_login(county_reporter)
    url = f"/office/activities/{activity.pk}/checkin/"
    first = client.post(url, {"code": code}, headers={"HX-Request": "true"}).content.decode()
    again = client.post(url, {"code": code}, headers={"HX-Request": "true"}).content.decode()
    forged = client.post(url, {"code": "ABCDEFGHJK"}, headers={"HX-Request": "true"}).content.decode()
    assert "签到成功" in first and "无需重复签到" in again and "签到码无效" in forged
    page = client.get(f"/office/activities/{activity.pk}/registrations/").content.decode()
    assert "已签到 1" in page and "李阿姨" in page


def test_a_search_that_finds_nothing_says_so_and_offers_a_way_to_find_more(client, make_activity):
    """Not a blank page: the count, what was not found, 清除筛选, and one broader search that
    drops the narrowest filter — here the county, so the city's activities come back."""
    make_activity("南关区读书会", organiser="220102")
    query = {"province": PROVINCE, "city": "220100", "county": COUNTY, "q": "读书"}
    page = client.get("/activities/", query).content.decode()
    assert "共 0 项活动" in page and "没有找到含“读书”的活动" in page
    assert f'href="{reverse("public:finder")}">清除筛选</a>' in page
    broader = re.search(r'<a class="button primary" href="\?([^"]+)">扩大到长春市再找</a>', page)
    assert broader is not None
    wider = client.get("/activities/?" + broader.group(1).replace("&amp;", "&")).content.decode()
    assert "南关区读书会" in wider and "共 1 项活动" in wider

    # With only the keyword left to drop, the suggestion first takes in ended activities, then
    # searches without the word.
    page = client.get("/activities/", {"q": "没有这个词"}).content.decode()
    assert "包括已结束的活动再找" in page
    page = client.get("/activities/", {"q": "没有这个词", "when": "all"}).content.decode()
    assert "不用关键词“没有这个词”再找" in page
