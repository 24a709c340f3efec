"""Whole anonymous pages from the cache (learnweek/public/page_cache.py, issue 27): a page served
again reads nothing, yet never carries one visitor's CSRF token, session or mode to another, and
seats left stay live."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from learnweek.public.page_cache import anonymous_page, csrf_marker

pytestmark = pytest.mark.django_db

TOKEN = 'name="csrfmiddlewaretoken" value="'


def token_in(page: str) -> str:
    return page.split(TOKEN, 1)[1].split('"', 1)[0]


@pytest.fixture
def pages(make_activity):
    activity = make_activity("朝阳区全民读书节", capacity=2)
    return [f"/activities/{activity.pk}/", "/activities/", "/activities/?q=读书", "/regions/220104/"]


def test_a_page_served_again_reads_nothing(client, pages):
    for url in pages:
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        assert again.status_code == 200
        assert "朝阳区全民读书节" in again.content.decode(), url
        assert len(queries.captured_queries) == 0, (url, [q["sql"] for q in queries.captured_queries])


def test_every_visitor_gets_the_same_page_with_no_token_and_elder_mode_still_switches(pages):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for url in pages:
        a, b = first.get(url), second.get(url)  # b is served from the cache a filled
        assert a.content == b.content, url
        body = a.content.decode()
        assert TOKEN not in body and csrf_marker() not in body, url
        assert "csrftoken" not in a.cookies and "csrftoken" not in b.cookies, url
    # The 长辈模式 button of a cached page works without a token from this site's own page …
    same_site = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    switched = second.post("/elder/", headers=same_site)
    assert switched.status_code == 302 and second.cookies["lw_elder"].value == "1"
    assert '<body class="elder">' in second.get(pages[0]).content.decode()
    # … and a browser with neither header (an old one) too; it switches back off.
    assert second.post("/elder/").status_code == 302
    assert '<body class="elder">' not in second.get(pages[0]).content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example.com"},
        {"Origin": "null"},
    ],
)
def test_another_site_cannot_switch_elder_mode(headers):
    visitor = Client(enforce_csrf_checks=True)
    refused = visitor.post("/elder/", headers=headers)
    assert refused.status_code == 403
    assert "请在本站页面上切换长辈模式" in refused.content.decode()
    assert "lw_elder" not in visitor.cookies


def test_a_cached_page_is_gzipped_once_and_plain_for_who_asks_no_gzip(settings, pages):
    settings.LEARNWEEK_GZIP = True
    for url in pages:
        Client().get(url)  # kept
        packed = Client().get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        plain = Client().get(url, headers={"Accept-Encoding": "identity"})
        assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"], url
        assert "Cookie" in packed["Vary"] and "Cookie" in plain["Vary"], url  # 长辈模式 is a cookie
        assert not plain.has_header("Content-Encoding"), url
        assert gzip.decompress(packed.content) == plain.content
        assert "朝阳区全民读书节" in plain.content.decode()


def test_a_page_with_a_form_of_one_visitor_is_not_kept(client, pages, monkeypatch):
    """Should a form with a CSRF token come onto a cached page, each visitor gets its own."""
    from learnweek.public import page_cache

    real = page_cache.cached_page

    def with_a_form(request, kind, parts, render_page, **until):
        def render_with_token(extra):
            response = render_page(extra)
            response.content = response.content.replace(
                b"</main>", f'{TOKEN}{extra["csrf_token"]}"></main>'.encode()
            )
            return response

        return real(request, kind, parts, render_with_token, **until)

    monkeypatch.setattr("learnweek.public.activity_views.cached_page", with_a_form)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    a, b = first.get("/activities/"), second.get("/activities/")
    for client, page in ((first, a), (second, b)):
        body = page.content.decode()
        assert csrf_marker() not in body
        assert _unmask_cipher_token(token_in(body)) == client.cookies["csrftoken"].value
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_a_signed_in_page_is_never_served_to_another_nor_the_other_way(client, pages, make_resident):
    resident = make_resident(name="王秀英")
    signed_in = Client()
    signed_in.force_login(resident)
    for url in pages:
        anonymous_before = client.get(url).content.decode()
        own = signed_in.get(url)
        assert "王秀英" in own.content.decode() and "退出" in own.content.decode(), url
        anonymous_after = client.get(url)
        for page in (anonymous_before, anonymous_after.content.decode()):
            assert "王秀英" not in page and "退出" not in page and "居民登录" in page
        assert "sessionid" not in anonymous_after.cookies  # no session handed out with the page
        assert signed_in.cookies["sessionid"].value not in anonymous_after.content.decode()


def test_elder_mode_is_a_page_of_its_own(client, pages):
    elder = Client()
    elder.cookies["lw_elder"] = "1"
    for url in pages:
        plain = client.get(url).content.decode()
        large = elder.get(url).content.decode()
        assert '<body class="elder">' in large and "标准模式" in large, url
        assert '<body class="elder">' not in plain and "长辈模式" in plain, url
        assert '<body class="elder">' not in client.get(url).content.decode()
        assert '<body class="elder">' in elder.get(url).content.decode()


def test_a_visitor_with_a_message_waiting_gets_the_page_rendered_for_it(rf):
    request = rf.get("/activities/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    assert anonymous_page(request)
    messages.info(request, "您已退出。")
    assert not anonymous_page(request)
    assert not anonymous_page(rf.post("/activities/"))


def test_seats_left_are_live_after_a_sign_up(client, make_activity, make_resident):
    from learnweek.registrations.services import registration_create

    activity = make_activity("朝阳区全民读书节", capacity=1)
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    seats = f"/activities/{activity.pk}/seats/"
    # The cached page says the capacity and loads the rest; without JavaScript its link shows them.
    assert "共 1 个" in page and f'hx-get="{seats}"' in page and f'href="{seats}"' in page
    assert not re.search(r"剩余 \d", page)
    fragment = client.get(seats, headers={"HX-Request": "true"})
    assert fragment["Cache-Control"] == "no-store"
    assert "剩余 1 个" in fragment.content.decode() and "我要报名" in fragment.content.decode()

    resident = make_resident()
    registration_create(activity_id=activity.pk, phone=resident.phone, name="李阿姨", resident=resident)
    assert not re.search(r"剩余 \d", client.get(f"/activities/{activity.pk}/").content.decode())  # none stale
    fragment = client.get(seats, headers={"HX-Request": "true"}).content.decode()
    assert "剩余 0 个" in fragment and "名额已满，报名候补" in fragment and 'hx-swap-oob="true"' in fragment
    without_js = client.get(seats).content.decode()  # a page of its own
    assert "剩余 0 个" in without_js and "名额已满，报名候补" in without_js and "返回活动页" in without_js
    # The resident's own page shows the seats inline, and its sign-up.
    signed_in = Client()
    signed_in.force_login(resident)
    own = signed_in.get(f"/activities/{activity.pk}/").content.decode()
    assert "剩余 0 个" in own and "已报名" in own
