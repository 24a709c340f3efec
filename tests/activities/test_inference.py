"""The rule table that reads an imported row's category, mode and week flag from its words."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnweek.activities.inference import RULES, UNKNOWN, category_of, infer, mode_of, week_of
from learnweek.activities.models import Category, Mode

TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.mark.parametrize(
    ("name", "content", "place", "category"),
    [
        ("全民读书节", "", "朝阳区图书馆", Category.THEMED_READING),
        ("书香社区 全民爱阅读", "", "南湖社区", Category.THEMED_READING),
        ("周末沙龙", "好书共读，亲子阅读", "社区活动室", Category.THEMED_READING),  # from the content
        ("社长（总编）荐书", "", "新华书店", Category.PUBLISHER_PICKS),
        ("出版社总编荐书会", "", "长春出版社", Category.PUBLISHER_PICKS),
        ("数字阅读分享会", "", "长春全民学习网", Category.DIGITAL_READING),
        ("健康讲座", "", "线上直播", Category.ONLINE_LECTURE),
        ("社区教育大讲堂", "", "腾讯会议", Category.ONLINE_LECTURE),
        ("线上公开课：家庭教育", "", "", Category.ONLINE_LECTURE),
        ("智慧助老手机课堂", "", "南湖社区", Category.SMART_ELDERLY),
        ("线上公开课：智能手机", "教老年人使用智能手机", "腾讯会议", Category.SMART_ELDERLY),
        ("能者为师进社区", "", "", Category.SKILLED_TEACHERS),
        ("全民终身学习活动周开幕式", "", "长春开放大学", Category.OPENING),
        ("全民终身学习亮灯", "", "市民广场", Category.LIGHT_UP),
        ("社区教育成果展", "", "", Category.SHOWCASE),
        ("老年教育高质量发展研讨会", "", "", Category.SEMINAR),
        ("校园开放日", "", "", Category.OPEN_DAY),
        ("走进科技馆参观", "", "", Category.OPEN_DAY),
    ],
)
def test_the_notices_words_give_the_category(name, content, place, category):
    mode, _ = mode_of(name, place)
    assert category_of(name, content, mode)[0] == category


def test_a_lecture_held_offline_is_not_an_online_lecture():
    """讲堂/公开课/讲座 counts as 线上社会大讲堂 only when held online."""
    assert category_of("健康讲座", "", Mode.OFFLINE) == (Category.OTHER, UNKNOWN)
    assert category_of("读书讲座", "", Mode.OFFLINE)[0] == Category.THEMED_READING
    assert category_of("健康讲座", "", Mode.BOTH)[0] == Category.ONLINE_LECTURE


def test_the_open_university_is_not_an_open_day():
    assert category_of("长春开放大学招生说明会", "", Mode.OFFLINE) == (Category.OTHER, UNKNOWN)


def test_the_name_wins_over_the_content_and_says_why():
    category, reason = category_of("智慧助老课堂", "读书", Mode.OFFLINE)
    assert (category, reason) == (Category.SMART_ELDERLY, "名称含“智慧助老”")
    assert category_of("周末活动", "好书共读", Mode.OFFLINE) == (Category.THEMED_READING, "内容含“共读”")


def test_unknown_is_other_and_flagged():
    assert category_of("篮球友谊赛", "三对三", Mode.OFFLINE) == (Category.OTHER, UNKNOWN)


@pytest.mark.parametrize(
    ("name", "place", "mode"),
    [
        ("读书会", "朝阳区图书馆", Mode.OFFLINE),
        ("读书会", "线上", Mode.ONLINE),
        ("直播读书会", "", Mode.ONLINE),
        ("读书会", "抖音直播间", Mode.ONLINE),
        ("读书会", "https://live.example.cn/1", Mode.ONLINE),
        ("云端读书会", "", Mode.ONLINE),
        ("读书会", "网络平台", Mode.ONLINE),
        ("线上线下读书会", "", Mode.BOTH),
        ("读书会", "社区活动室+抖音直播", Mode.BOTH),
        ("读书会", "现场及线上直播", Mode.BOTH),
        # 云 alone is a place name, not the cloud
        ("白云社区读书会", "白云社区", Mode.OFFLINE),
    ],
)
def test_the_mode_comes_from_the_place_and_the_name(name, place, mode):
    assert mode_of(name, place)[0] == mode


def test_the_week_flag_is_the_campaigns_week():
    start = datetime.datetime(2023, 10, 20, 14, tzinfo=TZ)
    week = (datetime.date(2023, 10, 18), datetime.date(2023, 10, 24))
    assert week_of(start, start, *week, TZ)[0] is True
    assert week_of(start, start + datetime.timedelta(days=10), *week, TZ)[0] is False  # runs past it
    assert week_of(start - datetime.timedelta(days=5), start, *week, TZ)[0] is False  # starts before it
    assert week_of(start, start, None, None, TZ) == (False, "")  # the campaign has no week


def test_every_rule_names_a_category_and_every_pattern_compiles():
    for rule in RULES:
        assert rule.category in Category.values and rule.words
        rule.pattern()
    assert len({rule.category for rule in RULES}) == len(RULES)


@given(name=st.text(max_size=300), content=st.text(max_size=500), place=st.text(max_size=300))
def test_any_text_gives_a_valid_reading(name, content, place):
    reading = infer(name=name, content=content, place=place)
    assert reading.category in Category.values and reading.mode in Mode.values
    assert (reading.category == Category.OTHER) == (reading.category_reason == UNKNOWN)
