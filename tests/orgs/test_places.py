"""Place names in a resident's search (``orgs.places``), over the national tree: full and short
names, several in one query, ambiguous ones, a region chosen otherwise, and ordinary words and
hostile input that must not turn into a place."""

from __future__ import annotations

import time

import pytest

from learnweek.orgs.places import name_index, parse_place, short_name

pytestmark = pytest.mark.usefixtures("tree")


def parse(query: str, within: str | None = None):
    index = name_index()
    return parse_place(index, query, within=index.by_code[within] if within else None)


@pytest.mark.parametrize(
    ("query", "label", "rest"),
    [
        ("长春", "吉林省长春市", ""),
        ("长春市", "吉林省长春市", ""),
        ("长春市朝阳区", "吉林省长春市朝阳区", ""),
        ("吉林省长春市朝阳区", "吉林省长春市朝阳区", ""),
        ("长春朝阳", "吉林省长春市朝阳区", ""),
        ("朝阳区 长春", "吉林省长春市朝阳区", ""),  # names narrow each other in any order
        ("北京朝阳区", "北京市朝阳区", ""),
        ("长春 读书", "吉林省长春市", "读书"),
        ("长春市朝阳区读书会", "吉林省长春市朝阳区", "读书会"),
        ("长春朝阳区读书会", "吉林省长春市朝阳区", "读书会"),  # a short name beside a full one
        ("读书 长春市 沙龙", "吉林省长春市", "读书 沙龙"),
        ("延边朝鲜族自治州图书馆", "吉林省延边朝鲜族自治州", "图书馆"),
        ("延边", "吉林省延边朝鲜族自治州", ""),
        ("广西", "广西壮族自治区", ""),
        ("内蒙古", "内蒙古自治区", ""),
        ("长白", "吉林省白山市长白朝鲜族自治县", ""),
        ("浦东", "上海市浦东新区", ""),
        ("仙桃市", "湖北省仙桃市", ""),  # a county-level city right under its province
        ("长春市区读书会", "吉林省长春市", "读书会"),  # 长春市区 is 长春市
        ("吉林省长春", "吉林省长春市", ""),  # 省长 is no word before a place name
        ("张掖市民乐县", "甘肃省张掖市民乐县", ""),  # nor 市民
        ("老城区", "河南省洛阳市老城区", ""),  # a generic-word district standing alone
        ("洛阳老城区", "河南省洛阳市老城区", ""),
        ("洛阳市老城区改造", "河南省洛阳市老城区", "改造"),  # beside a full name
    ],
)
def test_a_full_or_short_name_filters_by_its_region_and_the_rest_is_searched(query, label, rest):
    place = parse(query)
    assert place.region is not None and place.region.label == label
    assert place.text == rest == place.rest and not place.candidates


def test_the_region_knows_its_selects_from_the_province_down():
    place = parse("长春市朝阳区")
    assert place.region.chain == ("220000", "220100", "220104")
    assert parse("北京市朝阳区").region.chain == ("110000", "110105")


def test_a_name_that_holds_the_others_is_taken_and_the_narrower_offered():
    place = parse("吉林")  # 吉林省, which holds 吉林市
    assert place.region.label == "吉林省"
    assert [r.label for r in place.narrower] == ["吉林省吉林市"]


@pytest.mark.parametrize(
    ("query", "candidates"),
    [
        ("朝阳区", ["北京市朝阳区", "吉林省长春市朝阳区"]),
        ("朝阳区 读书", ["北京市朝阳区", "吉林省长春市朝阳区"]),
        ("朝阳", ["北京市朝阳区", "辽宁省朝阳市", "辽宁省朝阳市朝阳县", "吉林省长春市朝阳区"]),
        ("海南", ["内蒙古自治区乌海市海南区", "海南省", "青海省海南藏族自治州"]),
        ("北京市 长春市", ["北京市", "吉林省长春市"]),  # two places that contradict each other
    ],
)
def test_an_ambiguous_name_filters_nothing_and_lists_the_candidates(query, candidates):
    place = parse(query)
    assert place.region is None
    assert [r.label for r in place.candidates] == candidates
    assert place.text == query  # the text search gets the query as typed


@pytest.mark.parametrize(
    "query",
    [
        "朝阳社区读书会",  # 朝阳 at the start of ordinary words
        "民乐演奏会",
        "平安校园讲座",
        "光明读书会",
        "长寿秘诀",
        "大理石雕刻",
        "长春读书",  # a short name run into words: searched as text, as before
        "北京路社区",
        "城区老年大学",  # a two-character full name (城区) inside words
        "老城区改造",  # a generic-word district name (老城区) inside words
        "新城区规划展",
        "中山市场",  # a full name whose last character starts a word: 市场, 市民, 市委, 省级
        "南京市场",
        "东方市场",
        "白山市民",
        "南京市民读书节",
        "长春市委党校",
        "吉林省级示范基地",
        "长春市馆",  # one character would be left of the words
        "“长春”",  # in quotation marks: words, never a place
        '"民乐"',
        "读书",
        "",
    ],
)
def test_ordinary_words_are_no_place(query):
    place = parse(query)
    assert place.region is None and not place.candidates and not place.named
    assert place.text == query


def test_a_short_name_standing_alone_is_a_place_even_when_it_is_also_a_word():
    # The page offers 不按地区 for this case; the rule stays simple to explain.
    assert parse("民乐").region.label == "甘肃省张掖市民乐县"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("吉林省", "吉林"),
        ("北京市", "北京"),
        ("朝阳区", "朝阳"),
        ("新疆维吾尔自治区", "新疆"),
        ("宁夏回族自治区", "宁夏"),
        ("西藏自治区", "西藏"),
        ("海西蒙古族藏族自治州", "海西"),
        ("恩施土家族苗族自治州", "恩施"),
        ("鄂伦春自治旗", "鄂伦春"),
        ("鄂温克族自治旗", "鄂温克"),
        ("大兴安岭地区", "大兴安岭"),
        ("兴安盟", "兴安"),
        ("神农架林区", "神农架"),
        ("赵县", ""),
        ("城区", ""),
        ("乌拉特前旗", ""),
    ],
)
def test_short_names_strip_the_kind_of_division_and_the_peoples(name, short):
    assert short_name(name) == short


def test_a_region_chosen_in_the_selects_is_never_widened():
    # A name inside the choice narrows it; ambiguity inside it resolves.
    assert parse("朝阳区", within="220000").region.label == "吉林省长春市朝阳区"
    # A name above the choice changes nothing but leaves the words.
    above = parse("吉林 读书", within="220100")
    assert above.region.label == "吉林省长春市" and above.text == "读书"
    # A name outside it is reported, not followed, and the text is searched as typed.
    outside = parse("北京 读书", within="220000")
    assert outside.region is None and [r.label for r in outside.outside] == ["北京市"]
    assert outside.text == "北京 读书" and outside.rest == "读书" and outside.named == "北京"


def test_hostile_input_is_quick_and_comes_back_as_it_was():
    long = "长春" * 5000
    started = time.monotonic()
    assert parse(long).text == long and parse(long).region is None
    html = parse("<script>长春</script>")
    assert html.region.label == "吉林省长春市" and html.text == "<script> </script>"
    assert parse("'; DROP TABLE orgs_unit; --").region is None
    assert parse("\x00长春\u200b").region.label == "吉林省长春市"
    assert time.monotonic() - started < 1
