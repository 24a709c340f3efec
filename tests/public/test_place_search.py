"""Searching by place: a resident who types 长春市朝阳区 (or 长春, or 朝阳区) gets that region's
activities and is told so, with a way back to the words alone; an ambiguous name asks which."""

from __future__ import annotations

import html
import re

import pytest

from learnweek.campaigns.models import CampaignStatus
from learnweek.campaigns.services import campaign_create, campaign_set_status
from tests.helpers import COUNTY, PROVINCE, unit

NANGUAN = "220102"
BEIJING_CHAOYANG = "110105"


@pytest.fixture
def places(make_activity):
    """Activities in 长春市朝阳区, 长春市南关区 and 北京市朝阳区, none of which names its city."""
    beijing = campaign_create(actor=None, issuing_unit=unit("110000"), year=2026, slug="bj26", title="北京")
    campaign_set_status(actor=None, campaign=beijing, status=CampaignStatus.PUBLISHED)
    from learnweek.activities.services import activity_create

    ours = make_activity("社区读书会")
    neighbours = make_activity("亲子阅读课", organiser=NANGUAN)
    make_activity("社区书法课")
    beijing_one = activity_create(
        actor=None,
        campaign=beijing,
        organiser=unit(BEIJING_CHAOYANG),
        name="朝阳区读书沙龙",
        category="themed_reading",
        start=ours.start,
        end=ours.end,
    )
    return {"ours": ours, "neighbours": neighbours, "beijing": beijing_one}


def finder(client, **query) -> str:
    response = client.get("/activities/", query)
    assert response.status_code == 200
    return response.content.decode()


def note(page: str) -> str:
    found = re.search(r'<div class="place-note".*?</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group())).strip() if found else ""


def links(page: str) -> dict[str, str]:
    block = re.search(r'<div class="place-note".*?</div>', page, re.S).group()
    return {
        html.unescape(text): html.unescape(href)
        for href, text in re.findall(r'<a href="\?([^"]*)">([^<]*)</a>', block)
    }


def test_a_resident_searching_a_district_sees_its_activities_and_is_told(client, places, make_resident):
    client.force_login(make_resident())
    page = finder(client, q="长春市朝阳区")
    assert "已按 吉林省长春市朝阳区 筛选" in note(page)
    assert "社区读书会" in page and "亲子阅读课" not in page and "朝阳区读书沙龙" not in page
    assert "社区书法课" in page and "共 2 项活动" in page
    # The region shows in the selects, and the search box keeps only the words.
    assert 'value="220000" selected' in page and 'value="220100" selected' in page
    assert f'value="{COUNTY}" selected' in page
    assert re.search(r'name="q"[^>]*value=""|name="q"(?![^>]*value=)', page)


def test_a_city_by_its_short_name_finds_every_activity_of_the_city(client, places):
    page = finder(client, q="长春")
    assert "已按 吉林省长春市 筛选" in note(page)
    assert "社区读书会" in page and "亲子阅读课" in page and "朝阳区读书沙龙" not in page
    # Before: the name was searched as text, and neither activity's text holds 长春.
    plain = finder(client, q="“长春”")
    assert "社区读书会" not in plain and "共 0 项活动" in plain


def test_the_words_beside_the_place_are_searched_and_a_link_drops_the_place(client, places):
    page = finder(client, q="长春 读书")
    assert "已按 吉林省长春市 筛选，搜索“读书”" in note(page)
    assert "社区读书会" in page and "亲子阅读课" not in page
    words = links(page)["不按地区，只搜“读书”"]
    page = client.get("/activities/?" + words).content.decode()
    assert "place-note" not in page
    assert "社区读书会" in page and "朝阳区读书沙龙" in page  # 读书 everywhere


def test_an_ambiguous_district_asks_which_and_still_shows_the_text_matches(client, places):
    page = finder(client, q="朝阳区")
    assert "“朝阳区”不止一处，您要找的是：北京市朝阳区 · 吉林省长春市朝阳区" in note(page)
    assert "朝阳区读书沙龙" in page  # its text holds 朝阳区
    choices = links(page)
    assert (
        "province=110000" in choices["北京市朝阳区"] and f"city={BEIJING_CHAOYANG}" in choices["北京市朝阳区"]
    )
    page = client.get("/activities/?" + choices["吉林省长春市朝阳区"]).content.decode()
    assert "社区读书会" in page and "朝阳区读书沙龙" not in page


def test_a_place_outside_the_chosen_province_is_reported_not_followed(client, places):
    page = finder(client, q="北京 读书", province=PROVINCE)
    assert "“北京”不在所选的吉林省内，没有按它筛选" in note(page)
    assert "朝阳区读书沙龙" not in page and "共 0 项活动" in page
    assert 'value="220000" selected' in page
    assert "province=110000" in links(page)["改在北京市找"]


def test_ordinary_words_that_start_with_a_place_name_are_searched_as_words(client, make_activity):
    make_activity("朝阳社区读书会")
    page = finder(client, q="朝阳社区读书会")
    assert "place-note" not in page and "共 1 项活动" in page


def test_what_was_typed_is_escaped_in_the_note(client, places):
    page = finder(client, q="长春 <b>读书</b>")
    assert "<b>读书</b>" not in page and "&lt;b&gt;读书&lt;/b&gt;" in page
    assert "已按 吉林省长春市 筛选" in note(page)


def test_the_public_api_filters_by_a_place_in_q(client, places):
    def names(**query):
        return sorted(a["name"] for a in client.get("/api/v1/public/activities", query).json()["items"])

    assert names(q="长春市朝阳区") == ["社区书法课", "社区读书会"]
    assert names(q="长春 读书") == ["社区读书会"]
    assert names(q="北京") == ["朝阳区读书沙龙"]
    assert names(q="北京", region=PROVINCE) == []  # never widened: 北京 searched as text in Jilin
    # Ambiguous: the text search, as before (the organisers' names hold 朝阳区).
    assert names(q="朝阳区") == ["朝阳区读书沙龙", "社区书法课", "社区读书会"]


def test_a_market_named_after_its_city_is_searched_as_words(client, make_activity):
    # 中山市场 is a market, not 广东省中山市 and the word 场.
    make_activity("中山市场读书角")
    page = finder(client, q="中山市场")
    assert "place-note" not in page and "已按" not in page
    assert "中山市场读书角" in page and "共 1 项活动" in page
