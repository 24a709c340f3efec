"""Nominations on 工作台: those awaiting the user's level in 待我审核, the unit's returned ones
(with the reason) in 被退回."""

from django.urls import reverse

from learnweek.campaigns.inbox import inbox_for
from learnweek.nominations import services
from learnweek.nominations.models import DecisionAction
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import unit


def nominees(inbox):
    return [(item.what, item.unit.name, item.title) for item in inbox.to_review if item.what == "推荐对象"]


def test_the_city_sees_its_districts_nominations_the_province_only_once_recommended(
    submitted_by_districts, city_reviewer, province_reviewer
):
    first, second = submitted_by_districts(["220104", "220105"])
    city = inbox_for(city_reviewer)
    assert nominees(city) == [
        ("推荐对象", "朝阳区", "朝阳区社区学校"),
        ("推荐对象", "二道区", "二道区社区学校"),
    ]
    assert city.review_count == 2
    assert city.to_review[0].url == reverse("backoffice:nomination", args=[first.pk])
    # The city decides against the province's list: its deadline, not the districts' earlier one.
    assert city.to_review[0].deadline == first.requirement.parent_requirement.deadline
    assert [g.url for g in city.by_requirement] == [
        reverse("backoffice:nominations", args=[first.requirement_id])
    ]
    assert nominees(inbox_for(province_reviewer)) == []

    services.nomination_decide(actor=city_reviewer, nomination=first, action=DecisionAction.RECOMMEND)
    assert nominees(inbox_for(province_reviewer)) == [("推荐对象", "朝阳区", "朝阳区社区学校")]
    assert nominees(inbox_for(city_reviewer)) == [("推荐对象", "二道区", "二道区社区学校")]
    # Another city's reviewer sees neither.
    assert nominees(inbox_for(StaffFactory(unit=unit("220200"), roles=[Role.REVIEWER]))) == []


def test_a_returned_nomination_comes_back_to_its_unit_with_the_reason(submitted_by_districts, city_reviewer):
    (nomination,) = submitted_by_districts(["220104"])
    services.nomination_decide(
        actor=city_reviewer, nomination=nomination, action=DecisionAction.RETURN, comment="事迹请补充数据"
    )
    reporter = StaffFactory(unit=unit("220104"), roles=[Role.REPORTER])
    returned = inbox_for(reporter).returned
    assert [(i.what, i.title, i.reason) for i in returned] == [
        ("推荐对象", "先进单位（市级收集）：朝阳区社区学校", "事迹请补充数据")
    ]
    sibling = StaffFactory(unit=unit("220105"), roles=[Role.REPORTER])
    assert inbox_for(sibling).returned == []
    assert nominees(inbox_for(city_reviewer)) == []
