"""Whole anonymous pages answered before the middleware chain (learnweek/public/kept_pages.py): a
second anonymous visitor gets exactly what the chain gave the first, with a device cookie of its
own; anyone signed in, with a session, searching or in another mode goes through the chain; a
write or the page's own time (an activity starting) ends the kept copy."""

from __future__ import annotations

import datetime
import gzip

import pytest
from django.test import Client

from learnweek.activities.services import activity_cancel
from learnweek.public import kept_pages

pytestmark = pytest.mark.django_db


def chain_ran(response) -> bool:
    """Whether the request went through the chain (sessions set ``request.session``)."""
    return hasattr(response.wsgi_request, "session")


def headers(response) -> dict[str, str]:
    return {name: value for name, value in response.items() if name.lower() != "set-cookie"}


@pytest.fixture
def page(make_activity):
    return f"/activities/{make_activity('朝阳区全民读书节', capacity=2).pk}/"


@pytest.mark.parametrize("path", ["page", "/activities/", "/activities/?category=reading"])
def test_a_second_visitor_gets_what_the_chain_gave_the_first_and_a_device_cookie_of_its_own(
    page, path, django_assert_num_queries
):
    url = page if path == "page" else path
    first = Client().get(url, headers={"Accept-Encoding": "gzip"})
    with django_assert_num_queries(0):
        second = Client().get(url, headers={"Accept-Encoding": "gzip"})
    assert chain_ran(first) and not chain_ran(second)
    assert (second.status_code, second.content, headers(second)) == (200, first.content, headers(first))
    assert headers(second)["Content-Security-Policy"] and headers(second)["X-Frame-Options"] == "DENY"
    assert second.cookies["lw_device"].value != first.cookies["lw_device"].value
    assert second.cookies["lw_device"]["httponly"]
    # A visitor who has its device cookie already is not given another.
    returning = Client()
    returning.cookies["lw_device"] = first.cookies["lw_device"].value
    returning.get(url)
    again = returning.get(url)
    assert not chain_ran(again) and "lw_device" not in again.cookies


def test_a_visitor_with_a_session_a_search_or_another_mode_goes_through_the_chain(page, make_resident):
    assert Client().get(page).status_code == 200
    resident = make_resident()
    signed_in = Client()
    signed_in.force_login(resident)
    answer = signed_in.get(page)
    assert chain_ran(answer) and answer.wsgi_request.user == resident
    elder = Client()
    elder.cookies["lw_elder"] = "1"
    shown = elder.get(page)
    assert chain_ran(shown) and '<body class="elder">' in shown.content.decode()
    elder.get(page)  # now with its device cookie: kept under that key too
    assert not chain_ran(elder.get(page))  # the elder page is kept under its own key
    for _ in range(2):
        assert chain_ran(Client().get("/activities/?q=读书"))  # a search counts against its limit
    other = Client()
    other.cookies["tracking"] = "x"
    assert chain_ran(other.get(page))
    # Headers the page does not depend on make no copy of their own.
    english = Client().get(page, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert not chain_ran(english)
    plain = Client().get(page)  # without gzip: the body as it is
    assert not chain_ran(plain) and "朝阳区全民读书节" in plain.content.decode()
    zipped = Client().get(page, headers={"Accept-Encoding": "gzip"})
    assert chain_ran(zipped) and "朝阳区全民读书节" in gzip.decompress(zipped.content).decode()
    browser = Client().get(page, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert not chain_ran(browser) and browser.content == zipped.content


def test_a_write_or_the_start_of_the_activity_ends_the_kept_page(page, make_activity, monkeypatch):
    Client().get(page)
    activity_id = int(page.strip("/").split("/")[-1])
    from learnweek.activities.models import Activity

    activity = Activity.objects.get(pk=activity_id)
    activity_cancel(actor=None, activity=activity, reason="暴雨")
    after = Client().get(page)
    assert chain_ran(after) and "暴雨" in after.content.decode()
    assert not chain_ran(Client().get(page))
    started = activity.start + datetime.timedelta(seconds=1)
    monkeypatch.setattr(kept_pages.timezone, "now", lambda: started)
    assert chain_ran(Client().get(page))


def test_the_finder_of_a_day_is_not_answered_from_its_copy_after_midnight(page, monkeypatch):
    from learnweek.core.clock import next_midnight

    visitor = Client()
    visitor.get("/activities/")
    visitor.get("/activities/")  # with its device cookie now: kept under that key
    assert not chain_ran(visitor.get("/activities/"))
    midnight = next_midnight()
    # timezone.now is Django's, patched for the whole process: the page sees the new day too.
    monkeypatch.setattr(kept_pages.timezone, "now", lambda: midnight)
    assert chain_ran(visitor.get("/activities/"))


def test_a_region_page_is_not_kept_it_leaves_the_region_cookie_each_visitor_its_own(page):
    first = Client().get("/regions/220104/")
    second = Client().get("/regions/220104/")
    assert chain_ran(second) and second.cookies["lw_region"].value == "220104"
    assert second.content == first.content  # from the page cache all the same


def test_a_host_the_site_does_not_serve_is_refused_as_before(page):
    Client().get(page)
    assert Client().get(page, headers={"Host": "evil.example.com"}).status_code == 400
