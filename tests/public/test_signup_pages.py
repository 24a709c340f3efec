"""Signing up and giving a place up as a resident sees it: 取消报名 asks first, the waiting list
says where one stands (and shows no check-in code), the confirm page of a full activity says
which place the tap gives; phone numbers are tap-to-call and the place opens in a map app."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template import Context, Template
from django.urls import reverse

from learnweek.activities.posters import seats_text
from learnweek.activities.services import activity_cancel
from learnweek.registrations.models import Registration
from learnweek.registrations.services import registration_create


def sign_up(activity, resident):
    return registration_create(
        activity_id=activity.pk, phone=resident.phone, name="李阿姨", resident=resident
    )


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def full(make_activity, make_resident):
    """An activity of one seat: the seat taken, one person waiting."""
    activity = make_activity("社区书法课", capacity=1)
    holder, waiting = make_resident(), make_resident()
    sign_up(activity, holder)
    sign_up(activity, waiting)
    return activity, holder, waiting


def test_cancel_asks_first_on_a_page_and_only_the_post_cancels(client, make_activity, make_resident):
    activity = make_activity("社区书法课")
    resident = make_resident()
    registration = sign_up(activity, resident).registration
    client.force_login(resident)
    me = text(client.get(reverse("public:me")))
    url = reverse("public:cancel", args=[registration.pk])
    # 我的报名 offers a link to the question, not a form that cancels at the first tap.
    assert f'<a class="button cancel" href="{url}">取消报名</a>' in me
    assert f'action="{url}"' not in me

    page = text(client.get(url))
    assert "确定取消《社区书法课》的报名吗？" in page
    assert '<button type="submit" class="primary big">确认取消</button>' in page
    assert f'<a class="button big" href="{reverse("public:me")}">不取消</a>' in page
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # asking changed nothing

    response = client.post(url, follow=True)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert "已取消报名：社区书法课。" in text(response)
    # Once cancelled, the question is not asked again.
    assert client.get(url)["Location"] == reverse("public:me")


def test_a_waiting_resident_sees_the_place_no_code_and_leaves_the_list(client, full):
    activity, holder, waiting = full
    mine = Registration.objects.get(phone=waiting.phone)
    client.force_login(waiting)

    page = text(client.get(reverse("public:activity", args=[activity.pk])))
    assert "已报名（候补第 1 位）" in page
    assert mine.code_display not in page and "签到码" not in page
    me = text(client.get(reverse("public:me")))
    assert "候补第 1 位" in me and "<svg" not in me and mine.code_display not in me
    assert ">退出候补</a>" in me and ">取消报名</a>" not in me

    url = reverse("public:cancel", args=[mine.pk])
    page = text(client.get(url))
    assert "确定退出《社区书法课》的候补吗？" in page and "确认退出候补" in page and "报名吗" not in page
    response = client.post(url, follow=True)
    assert "已退出候补：社区书法课。" in text(response)
    mine.refresh_from_db()
    assert mine.status == "cancelled"
    holder_registration = Registration.objects.get(phone=holder.phone)
    assert holder_registration.status == "confirmed"  # leaving the list takes no one's seat


def test_a_seat_holder_sees_the_code_on_the_activity_page(client, full):
    activity, holder, _ = full
    code = Registration.objects.get(phone=holder.phone).code_display
    client.force_login(holder)
    page = text(client.get(reverse("public:activity", args=[activity.pk])))
    assert f'已报名 · 签到码 <strong class="code">{code}</strong>' in page and "候补第" not in page
    assert "<svg" in text(client.get(reverse("public:me")))


def test_cancelling_is_for_the_resident_alone(client, full, make_resident):
    _, holder, _ = full
    registration = Registration.objects.get(phone=holder.phone)
    url = reverse("public:cancel", args=[registration.pk])
    assert "/signin/" in client.get(url)["Location"]
    client.force_login(make_resident())
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_the_confirm_page_of_a_full_activity_says_which_place_the_tap_gives(client, full, make_resident):
    activity, _, _ = full
    newcomer = make_resident()
    client.force_login(newcomer)
    url = reverse("public:register", args=[activity.pk])
    page = text(client.get(url))
    assert "名额已满，将排在候补第 2 位" in page
    assert ">加入候补</button>" in page and "确认报名" not in page
    response = client.post(url, {"name": "王大爷"}, follow=True)
    assert "您在候补第 2 位" in text(response)
    assert Registration.objects.get(phone=newcomer.phone).status == "waitlisted"


def test_the_confirm_page_with_seats_left_promises_a_seat(client, make_activity, make_resident):
    activity = make_activity(capacity=5)
    client.force_login(make_resident())
    page = text(client.get(reverse("public:register", args=[activity.pk])))
    assert ">确认报名</button>" in page and "候补第" not in page


def test_a_full_activity_poster_does_not_say_hurry(make_activity, full, jilin_2026_published):
    activity, _, _ = full
    assert seats_text(activity, seats_left=0, state="upcoming") == "1 人，名额已满，可排候补"
    assert seats_text(activity, seats_left=1, state="upcoming") == "1 人，报名从速"
    assert "报名从速" not in seats_text(activity, seats_left=1, state="ended")
    called_off = activity_cancel(actor=None, activity=make_activity(capacity=9), reason="场地检修")
    assert seats_text(called_off, seats_left=9, state="upcoming") == "9 人"
    assert seats_text(make_activity(), seats_left=None, state="upcoming") == ""


def test_the_poster_is_drawn_again_when_the_last_seat_goes(client, make_activity, make_resident):
    activity = make_activity(capacity=1)
    url = reverse("public:activity_poster", args=[activity.pk])
    before = client.get(url).content
    sign_up(activity, make_resident())  # seats change, the activity does not
    assert client.get(url).content != before


def render(template: str, **context) -> str:
    return Template("{% load public_links %}" + template).render(Context(context))


def test_phone_numbers_become_tel_links_of_their_digits_only():
    html = render("{{ p|tel_links }}", p="0431-8888 8888转12、400 123 4567；138****5678，（0431）66668888")
    assert '<a class="tel" href="tel:043188888888">0431-8888 8888转12</a>' in html
    assert '<a class="tel" href="tel:4001234567">400 123 4567</a>' in html
    assert "138****5678" in html and "tel:138" not in html  # a masked mobile cannot be dialled
    assert '<a class="tel" href="tel:043166668888">（0431）66668888</a>' in html
    assert all(re.fullmatch(r"[0-9]+", h) for h in re.findall(r'href="tel:([^"]*)"', html))


@pytest.mark.parametrize(
    "hostile",
    [
        "javascript:alert(1)//0431-88888888",
        '0431-88888888"><script>alert(1)</script>',
        "tel:0431-88888888?x=<b>",
        "data:text/html,0431-88888888",
    ],
)
def test_a_hostile_contact_never_becomes_another_kind_of_link(hostile):
    html = render("{{ p|tel_links }}", p=hostile)
    assert re.findall(r'href="([^"]*)"', html) == ["tel:043188888888"]
    assert "<script>" not in html and "<b>" not in html


def test_the_place_opens_in_a_map_app_and_the_phone_is_tap_to_call(client, make_activity):
    activity = make_activity(address="长春市朝阳区 A&B 路 1 号#2 楼", registration_phone="0431-88888888")
    page = text(client.get(reverse("public:activity", args=[activity.pk])))
    href = re.search(r'<a class="map" href="([^"]+)"[^>]*>地图导航</a>', page).group(1).replace("&amp;", "&")
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://uri.amap.com/search"
    query = parse_qs(parts.query)
    assert query["keyword"] == ["长春市朝阳区 A&B 路 1 号#2 楼"] and query["city"] == [
        "220104"
    ]  # the adcode: 朝阳区 alone is also Beijing's
    assert '<a class="tel" href="tel:043188888888">0431-88888888</a>' in page


def test_the_ticket_on_me_has_the_map_link_too(client, make_activity, make_resident):
    activity = make_activity(address="朝阳区图书馆")
    resident = make_resident()
    sign_up(activity, resident)
    client.force_login(resident)
    me = text(client.get(reverse("public:me")))
    assert (
        'href="https://uri.amap.com/search?keyword=%E6%9C%9D%E9%98%B3%E5%8C%BA%E5%9B%BE%E4%B9%A6%E9%A6%86'
        in me
    )


def test_a_called_off_activity_offers_no_cancel_question(client, make_activity, make_resident):
    """A resident still signed up for an activity that was called off is not asked to cancel."""
    activity = make_activity(capacity=3)
    resident = make_resident()
    registration = sign_up(activity, resident).registration
    activity_cancel(actor=None, activity=activity, reason="场地检修")
    client.force_login(resident)
    assert ">取消报名</a>" not in text(client.get(reverse("public:me")))
    assert client.get(reverse("public:cancel", args=[registration.pk]))["Location"] == reverse("public:me")
