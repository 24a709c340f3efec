"""The public finder's Chinese search and filters, as a resident types them."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from learnweek.activities.search import index_tokens, query_tokens
from learnweek.activities.selectors import ActivityFilters, activities_found
from tests.helpers import CITY, COUNTY, OTHER_CITY, unit


def names(filters):
    return sorted(a.name for a in activities_found(filters))


@pytest.fixture
def catalogue(make_activity):
    make_activity("全民读书节")
    make_activity("朝阳区读书沙龙", forms="读书沙龙")
    make_activity("书法体验课")
    make_activity("智慧助老手机课堂", category="smart_elderly", audiences=["elderly"])
    make_activity("Python 编程公开课", mode="online", organiser=OTHER_CITY)
    make_activity("去年的读书会", days=-400)


def test_a_word_finds_every_activity_holding_it_and_nothing_else(catalogue):
    assert names(ActivityFilters(q="读书")) == ["全民读书节", "朝阳区读书沙龙"]
    assert names(ActivityFilters(q="智慧助老")) == ["智慧助老手机课堂"]
    assert names(ActivityFilters(q="读书沙龙朝阳区")) == ["朝阳区读书沙龙"]  # words, not a phrase
    assert names(ActivityFilters(q="python")) == ["Python 编程公开课"]
    assert names(ActivityFilters(q="书")) == ["书法体验课", "全民读书节", "朝阳区读书沙龙"]
    assert names(ActivityFilters(q="书画")) == []


def test_ended_activities_appear_only_when_asked_for(catalogue):
    assert "去年的读书会" not in names(ActivityFilters(q="读书"))
    assert "去年的读书会" in names(ActivityFilters(q="读书", include_ended=True))


def test_filters_by_region_mode_audience_and_dates(catalogue):
    assert "Python 编程公开课" not in names(ActivityFilters(under=unit(CITY)))
    assert names(ActivityFilters(under=unit(OTHER_CITY))) == ["Python 编程公开课"]
    assert names(ActivityFilters(mode="online")) == ["Python 编程公开课"]
    assert names(ActivityFilters(audience="elderly")) == ["智慧助老手机课堂"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert len(names(ActivityFilters(date_from=tomorrow, date_to=tomorrow))) == 5
    assert names(ActivityFilters(date_from=tomorrow + datetime.timedelta(days=1))) == []
    assert len(names(ActivityFilters(under=unit(COUNTY)))) == 4


def test_a_query_of_punctuation_or_markup_matches_nothing_and_breaks_nothing(catalogue):
    assert names(ActivityFilters(q="%%%'--;")) == []
    assert names(ActivityFilters(q="<script>alert(1)</script>")) == []
    assert names(ActivityFilters(q="' OR 1=1 --")) == []


def test_an_edited_name_is_found_by_its_new_words(make_activity, county_reporter):
    from learnweek.activities.services import activity_update

    activity = make_activity("社区讲座")
    activity_update(actor=county_reporter, activity=activity, name="家庭亲子阅读会")
    assert names(ActivityFilters(q="亲子阅读")) == ["家庭亲子阅读会"]
    assert names(ActivityFilters(q="讲座")) == []


cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), min_size=1, max_size=12)


@given(text=cjk, start=st.integers(0, 11), length=st.integers(1, 6))
def test_any_piece_of_a_chinese_text_finds_it(text, start, length):
    """The search's promise: a query cut from the text matches it (the index holds all its tokens)."""
    piece = text[start : start + length]
    if not piece:
        return
    indexed = set(index_tokens(text).split())
    assert set(query_tokens(piece)) <= indexed
