"""An online activity says how to join: its link to everyone, or only to those holding a seat, as
the organiser chooses in the back office; or "链接将于活动前通知". A link kept for those signed up
stays out of every public read: the page, the finder, the open API and the calendar feeds."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from learnweek.activities.models import Activity
from learnweek.activities.services import activity_create, activity_update
from learnweek.core.errors import DomainError
from learnweek.registrations.services import registration_create
from tests.helpers import COUNTY, unit

LINK = "https://meeting.example.cn/j/8801?pwd=Shu"


def sign_up(activity, resident):
    return registration_create(
        activity_id=activity.pk, phone=resident.phone, name="李阿姨", resident=resident
    )


def text(response) -> str:
    return response.content.decode()


def public_reads(client, activity) -> dict[str, str]:
    """Every public output that carries an activity, as an anonymous visitor reads it."""
    return {
        "page": text(client.get(reverse("public:activity", args=[activity.pk]))),
        "finder": text(client.get(reverse("public:finder"), {"q": "线上读书会"})),
        "api": json.dumps(
            client.get("/api/v1/public/activities", {"q": "线上读书会"}).json(), ensure_ascii=False
        ),
        "activity.ics": text(client.get(reverse("public:activity_ics", args=[activity.pk]))),
        "feed.ics": text(client.get(reverse("public:finder_ics"), {"q": "线上读书会"})),
    }


def test_a_link_for_everyone_is_shown_to_everyone_as_a_nofollow_link(client, make_activity):
    activity = make_activity("线上读书会", mode="online", online_link=LINK)
    reads = public_reads(client, activity)
    link = f'<a href="{LINK.replace("&", "&amp;")}" rel="noopener nofollow" target="_blank">'
    assert link in reads["page"]
    assert "线上读书会" in reads["api"] and LINK in reads["api"]
    assert "meeting.example.cn" in reads["activity.ics"] and "meeting.example.cn" in reads["feed.ics"]


def test_a_link_for_those_signed_up_leaks_into_no_public_read(client, make_activity, make_resident):
    activity = make_activity("线上读书会", mode="online", online_link=LINK, online_link_access="registered")
    reads = public_reads(client, activity)
    assert "线上读书会" in reads["finder"] and "线上读书会" in reads["api"]  # the activity is there
    assert "SUMMARY:线上读书会" in reads["activity.ics"] and "SUMMARY:线上读书会" in reads["feed.ics"]
    for where, body in reads.items():
        assert "meeting.example.cn" not in body, where
    assert "报名并获得名额后，在此页和“我的报名”显示链接" in reads["page"]
    assert (
        client.get("/api/v1/public/activities", {"q": "线上读书会"}).json()["items"][0]["online_link"] == ""
    )


def test_the_link_is_shown_to_a_seat_holder_and_not_to_someone_waiting(client, make_activity, make_resident):
    activity = make_activity(
        "线上读书会", mode="online", capacity=1, online_link=LINK, online_link_access="registered"
    )
    holder, waiting = make_resident(), make_resident()
    sign_up(activity, holder)
    sign_up(activity, waiting)
    page_url = reverse("public:activity", args=[activity.pk])

    client.force_login(waiting)
    page, me = text(client.get(page_url)), text(client.get(reverse("public:me")))
    assert "meeting.example.cn" not in page and "meeting.example.cn" not in me
    assert "您在候补中，获得名额后在此页和“我的报名”显示链接" in page
    assert "获得名额后在此显示链接" in me
    # Nor through the calendar file, which is the same for everyone.
    assert "meeting.example.cn" not in text(client.get(reverse("public:activity_ics", args=[activity.pk])))

    client.force_login(holder)
    page, me = text(client.get(page_url)), text(client.get(reverse("public:me")))
    shown = f'<a href="{LINK}" rel="noopener nofollow" target="_blank">{LINK}</a>'
    assert shown in page and shown in me


def test_without_a_link_the_page_says_it_will_be_sent(client, make_activity, make_resident):
    online = make_activity("线上读书会", mode="online")
    both = make_activity("线上线下读书会", mode="both", address="朝阳区图书馆")
    offline = make_activity("线下读书会", mode="offline", address="朝阳区图书馆")
    for activity in (online, both):
        assert "链接将于活动前通知" in text(client.get(reverse("public:activity", args=[activity.pk])))
    assert "线上参加" not in text(client.get(reverse("public:activity", args=[offline.pk])))
    resident = make_resident()
    sign_up(online, resident)
    client.force_login(resident)
    assert "线上参加：链接将于活动前通知" in text(client.get(reverse("public:me")))


def test_the_organiser_chooses_the_link_and_who_sees_it_in_the_back_office(
    client, jilin_2026_published, county_reporter
):
    client.force_login(county_reporter)
    form = {
        "campaign": "jl26",
        "name": "线上读书会",
        "category": "themed_reading",
        "start": "2026-12-20T19:00",
        "end": "2026-12-20T20:00",
        "mode": "online",
        "online_link": LINK,
        "online_link_access": "registered",
    }
    page = text(client.get(reverse("backoffice:activity_new")))
    assert "线上链接向谁显示" in page and "仅已报名（获得名额）者可见" in page
    assert client.post(reverse("backoffice:activity_new"), form).status_code == 302
    activity = Activity.objects.get()
    assert (activity.online_link, activity.online_link_access) == (LINK, "registered")
    detail = text(client.get(reverse("backoffice:activity", args=[activity.pk])))
    assert "（仅已报名（获得名额）者可见）" in detail

    page = text(client.post(reverse("backoffice:activity_new"), form | {"online_link": "ftp://x.cn/a"}))
    assert "请输入" in page or "不是 http(s) 网址" in page
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"online_link": "javascript:alert(1)"}, "不是 http(s) 网址"),
        ({"online_link": "https://x.cn/" + "a" * 500}, "不能超过 500 个字符"),
        ({"online_link_access": "friends"}, "线上链接向谁显示只能是"),
    ],
)
def test_the_services_refuse_a_bad_link_or_audience(jilin_2026_published, values, message):
    start = timezone.now() + datetime.timedelta(days=3)
    base = {
        "name": "线上读书会",
        "category": "themed_reading",
        "start": start,
        "end": start,
        "mode": "online",
    }
    with pytest.raises(DomainError, match=re.escape(message)):
        activity_create(actor=None, campaign=jilin_2026_published, organiser=unit(COUNTY), **base | values)
    assert not Activity.objects.exists()
    activity = activity_create(actor=None, campaign=jilin_2026_published, organiser=unit(COUNTY), **base)
    with pytest.raises(DomainError, match=re.escape(message)):
        activity_update(actor=None, activity=activity, **values)
    activity.refresh_from_db()
    assert (activity.online_link, activity.online_link_access) == ("", "everyone")


def test_a_seat_holders_visit_leaves_nothing_behind_for_the_next_reader(client, make_activity, make_resident):
    """The activity page, its poster and its calendar file come from a cache shared by everyone:
    after the seat holder has read them with the link shown, an anonymous visitor and someone
    waiting still get none of it."""
    activity = make_activity(
        "线上读书会", mode="online", capacity=1, online_link=LINK, online_link_access="registered"
    )
    holder, waiting = make_resident(), make_resident()
    sign_up(activity, holder)
    sign_up(activity, waiting)
    client.force_login(holder)
    assert "meeting.example.cn" in text(client.get(reverse("public:activity", args=[activity.pk])))
    assert "meeting.example.cn" in text(client.get(reverse("public:me")))
    client.get(reverse("public:activity_poster", args=[activity.pk]))

    client.logout()
    for where, body in public_reads(client, activity).items():
        assert "meeting.example.cn" not in body, f"anonymous, {where}"
    client.force_login(waiting)
    for where, body in public_reads(client, activity).items():
        assert "meeting.example.cn" not in body, f"waiting, {where}"
