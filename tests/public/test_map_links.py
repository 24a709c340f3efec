"""The 地图导航 link of an activity searches its address within the division it is held in, the
same on the activity page and on 我的报名: its own 所在区划, else its organiser's division."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from learnweek.registrations.services import registration_create
from tests.helpers import COUNTY, SIBLING_COUNTY, unit

pytestmark = pytest.mark.django_db


def _map_city(page: str) -> list[str]:
    """The city= of each 地图导航 link on the page ([] for a link without one)."""
    hrefs = re.findall(r'<a class="map" href="([^"]+)"[^>]*>地图导航</a>', page)
    assert hrefs
    return [parse_qs(urlsplit(h.replace("&amp;", "&")).query).get("city", [""])[0] for h in hrefs]


def _both_pages(client, activity, make_resident) -> tuple[list[str], list[str]]:
    resident = make_resident()
    registration_create(activity_id=activity.pk, phone=resident.phone, name="李阿姨", resident=resident)
    client.force_login(resident)
    detail = client.get(reverse("public:activity", args=[activity.pk])).content.decode()
    me = client.get(reverse("public:me")).content.decode()
    return _map_city(detail), _map_city(me)


def test_the_map_searches_within_the_activitys_own_division(client, make_activity, make_resident):
    # Organised by 朝阳区, held in 二道区: the map looks in 二道区 on both pages.
    activity = make_activity(address="东方广场 3 楼", division=unit(SIBLING_COUNTY))
    assert _both_pages(client, activity, make_resident) == ([SIBLING_COUNTY], [SIBLING_COUNTY])


def test_without_its_own_division_the_map_searches_the_organisers(client, make_activity, make_resident):
    activity = make_activity(address="朝阳区图书馆")
    assert _both_pages(client, activity, make_resident) == ([COUNTY], [COUNTY])
