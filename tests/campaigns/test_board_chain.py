"""Item 7 of issue 23: from the ministry's board down the chain; each unit's own collection
beside its own hand-in; each province listed once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.selectors import board_for
from learnweek.campaigns.services import (
    campaign_derive,
    campaign_set_status,
    requirement_create,
    submission_approve,
    submission_save,
    submission_submit,
)
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.selectors import within
from tests.campaigns.helpers import days
from tests.helpers import unit


def hand_in(requirement, code, *, approve_by=None):
    submission = submission_save(
        actor=None, requirement=requirement, unit=unit(code), title="方案", body="正文内容已经足够长了。"
    )
    submission = submission_submit(actor=None, submission=submission)
    if approve_by is not None:
        submission_approve(actor=approve_by, submission=submission)
    return submission


@pytest.fixture
def chain(cascade, province_admin, city_admin):
    """The ministry asks the provinces for a work plan; Jilin collects it from its prefectures,
    Changchun from its counties. 长春市 and 朝阳区 have handed in and been approved."""
    plan = requirement_create(
        actor=None,
        campaign=cascade["national"],
        kind=RequirementKind.WORK_PLAN,
        title="活动周方案",
        applies_to=[UnitKind.PROVINCE],
        deadline=days(20),
    )
    jilin_plan = requirement_create(
        actor=None,
        campaign=cascade["jilin"],
        parent_requirement=plan,
        applies_to=[UnitKind.PREFECTURE],
        deadline=days(15),
    )
    cc_plan = requirement_create(
        actor=None,
        campaign=cascade["changchun"],
        parent_requirement=jilin_plan,
        applies_to=[UnitKind.COUNTY],
        deadline=days(12),
    )
    hand_in(jilin_plan, "220100", approve_by=province_admin)
    hand_in(cc_plan, "220104", approve_by=city_admin)
    return {"plan": plan, "jilin_plan": jilin_plan, "cc_plan": cc_plan}


def jilin_prefectures():
    return within(Unit.objects.filter(kind=UnitKind.PREFECTURE), unit("220000")).count()


def test_the_ministry_sees_each_provinces_own_collection_once(chain, ministry_admin):
    board = board_for(ministry_admin, chain["plan"])
    codes = [row.unit.code for row in board.rows]
    assert len(codes) == len(set(codes)) == Unit.objects.filter(kind=UnitKind.PROVINCE).count()
    assert board.groups == []  # a province alone under itself is its row, not a second list
    jilin = next(row for row in board.rows if row.unit.code == "220000")
    assert jilin.label == "未开始"
    collection = jilin.collection
    assert collection.requirement == chain["jilin_plan"]
    assert (collection.handed_in, collection.total, collection.approved) == (1, jilin_prefectures(), 1)


def test_the_drill_down_goes_province_city_county(chain, ministry_admin):
    province = board_for(ministry_admin, chain["jilin_plan"])
    assert province.under.code == "220000" and province.above == [chain["plan"]]
    assert province.own.label == "未开始"  # Jilin's own plan to the ministry
    changchun = next(row for row in province.rows if row.unit.code == "220100")
    assert changchun.label == "已通过"
    assert changchun.collection.requirement == chain["cc_plan"]
    counties = unit("220100").get_children().filter(kind=UnitKind.COUNTY).count()
    assert (changchun.collection.handed_in, changchun.collection.total) == (1, counties)
    city = board_for(ministry_admin, chain["cc_plan"])
    assert city.under.code == "220100" and city.own.label == "已通过"
    assert {row.unit.code: row.label for row in city.rows}["220104"] == "已通过"


def test_the_board_pages_show_the_collection_and_link_down(client, chain, ministry_admin):
    client.force_login(ministry_admin)
    page = client.get(reverse("backoffice:board", args=[chain["plan"].pk])).content.decode()
    down = reverse("backoffice:board", args=[chain["jilin_plan"].pk])
    assert f'<a href="{down}">已收 1/{jilin_prefectures()}</a>，1 个已通过' in page
    assert "按下级汇总" not in page
    page = client.get(down).content.decode()
    assert "吉林省本级上报教育部" in page and reverse("backoffice:board", args=[chain["cc_plan"].pk]) in page


def test_the_board_of_one_level_groups_what_is_below_each_city(cascade, province_admin):
    board = board_for(province_admin, cascade["board"])  # Jilin's own, for cities and counties
    changchun = next(g for g in board.groups if g.unit.code == "220100")
    assert changchun.own is not None and changchun.own.unit.code == "220100"
    assert changchun.total > 1


def test_collections_cost_a_bounded_number_of_queries(chain, ministry_admin):
    with CaptureQueriesContext(connection) as one:
        board_for(ministry_admin, chain["plan"])
    for code in ("110000", "130000", "140000"):  # more provinces pass it down
        campaign = campaign_derive(
            actor=None, parent=chain["plan"].campaign, unit=unit(code), issued_on=days(-1), inherit_all=True
        )
        campaign_set_status(actor=None, campaign=campaign, status="published")
    with CaptureQueriesContext(connection) as four:
        board = board_for(ministry_admin, chain["plan"])
    assert sum(1 for row in board.rows if row.collection is not None) == 4
    assert len(four.captured_queries) <= len(one.captured_queries) + 2


def test_a_district_on_a_board_from_above_gets_no_link_to_a_board_it_may_not_open(client, cascade):
    from learnweek.orgs.roles import Role
    from tests.factories import StaffFactory

    district = StaffFactory(unit=unit("220104"), roles=[Role.REPORTER])
    client.force_login(district)
    page = client.get(reverse("backoffice:board", args=[cascade["stats"].pk])).content.decode()
    assert "?under=000000" not in page
    assert (
        client.get(reverse("backoffice:board", args=[cascade["stats"].pk]) + "?under=000000").status_code
        == 404
    )
