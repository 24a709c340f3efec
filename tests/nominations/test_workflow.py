"""A nomination climbs from a county through its city to the province, one level at a time."""

from __future__ import annotations

import pytest

from learnweek.campaigns.models import RequirementKind
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from learnweek.nominations import selectors, services
from learnweek.nominations.models import DecisionAction, Nomination, NominationState
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import CITY, PROVINCE, unit
from tests.nominations.helpers import make_requirement

pytestmark = pytest.mark.django_db


def ids(queryset):
    return sorted(n.pk for n in queryset)


def test_county_to_province_with_one_return(
    advanced_unit, county_reporter, city_reviewer, province_reviewer, nominate
):
    nomination = nominate(county_reporter, advanced_unit)
    # A draft is the county's alone.
    assert ids(selectors.nominations_visible_to(county_reporter)) == [nomination.pk]
    assert ids(selectors.nominations_visible_to(city_reviewer)) == []

    services.nomination_submit(actor=county_reporter, nomination=nomination, opinion="情况属实，同意推荐")
    nomination.refresh_from_db()
    assert nomination.state == NominationState.IN_REVIEW and nomination.at_unit.code == CITY
    # The city sees it now; the province not until the city recommends it.
    assert ids(selectors.nominations_visible_to(city_reviewer)) == [nomination.pk]
    assert ids(selectors.nominations_visible_to(province_reviewer)) == []
    with pytest.raises(NotFound):
        services.nomination_decide(
            actor=province_reviewer, nomination=nomination, action=DecisionAction.RECOMMEND
        )
    with pytest.raises(DomainError, match="编辑|不能修改"):
        services.nomination_update(actor=county_reporter, nomination=nomination, head_title="书记")

    services.nomination_decide(
        actor=city_reviewer, nomination=nomination, action=DecisionAction.RECOMMEND, comment="同意推荐"
    )
    nomination.refresh_from_db()
    assert nomination.at_unit.code == PROVINCE
    assert ids(selectors.nominations_visible_to(province_reviewer)) == [nomination.pk]
    # The city is no longer next in line.
    with pytest.raises(PermissionDenied, match="现在由吉林省审核"):
        services.nomination_decide(
            actor=city_reviewer, nomination=nomination, action=DecisionAction.RECOMMEND
        )

    with pytest.raises(DomainError, match="请写明理由"):
        services.nomination_decide(
            actor=province_reviewer, nomination=nomination, action=DecisionAction.RETURN
        )
    services.nomination_decide(
        actor=province_reviewer,
        nomination=nomination,
        action=DecisionAction.RETURN,
        comment="先进事迹请补充具体数据",
    )
    nomination.refresh_from_db()
    assert nomination.state == NominationState.RETURNED
    services.nomination_update(
        actor=county_reporter, nomination=nomination, deeds=nomination.deeds + "全年培训社区骨干三百人。"
    )
    services.nomination_submit(actor=county_reporter, nomination=nomination)
    nomination.refresh_from_db()
    # The revised form climbs again from the city; the province waits for it.
    assert nomination.round == 2 and nomination.at_unit.code == CITY
    assert ids(selectors.nominations_visible_to(province_reviewer)) == []
    services.nomination_decide(actor=city_reviewer, nomination=nomination, action=DecisionAction.RECOMMEND)
    services.nomination_decide(
        actor=province_reviewer, nomination=nomination, action=DecisionAction.RECOMMEND, comment="同意"
    )
    nomination.refresh_from_db()
    assert nomination.state == NominationState.APPROVED and nomination.at_unit is None
    trail = [(d.unit.code, d.action, d.round) for d in selectors.timeline(nomination)]
    assert trail == [
        ("220104", "submit", 1),
        (CITY, "recommend", 1),
        (PROVINCE, "return", 1),
        ("220104", "submit", 2),
        (CITY, "recommend", 2),
        (PROVINCE, "recommend", 2),
    ]
    # Approved is final: no edit, no second decision.
    with pytest.raises(DomainError):
        services.nomination_update(actor=county_reporter, nomination=nomination, name="改名")
    with pytest.raises(DomainError, match="已评定"):
        services.nomination_decide(
            actor=province_reviewer, nomination=nomination, action=DecisionAction.DECLINE, comment="x"
        )


def test_the_nominating_unit_cannot_review_its_own(advanced_unit, county_reporter_reviewer, nominate):
    nomination = nominate(county_reporter_reviewer, advanced_unit)
    services.nomination_submit(actor=county_reporter_reviewer, nomination=nomination)
    with pytest.raises(PermissionDenied, match="由上级审核"):
        services.nomination_decide(
            actor=county_reporter_reviewer, nomination=nomination, action=DecisionAction.RECOMMEND
        )


def test_a_declined_nomination_stops_and_frees_the_place(
    advanced_unit, county_reporter, city_reviewer, nominate
):
    first = nominate(county_reporter, advanced_unit)
    services.nomination_submit(actor=county_reporter, nomination=first)
    second = nominate(county_reporter, advanced_unit, name="朝阳区老年大学")
    with pytest.raises(DomainError, match="超出名额.*限推荐 1 个先进单位.*长春市朝阳区社区教育学院"):
        services.nomination_submit(actor=county_reporter, nomination=second)
    services.nomination_decide(
        actor=city_reviewer, nomination=first, action=DecisionAction.DECLINE, comment="材料不实"
    )
    services.nomination_submit(actor=county_reporter, nomination=second)
    assert Nomination.objects.get(pk=second.pk).state == NominationState.IN_REVIEW


def test_a_city_forwards_only_as_many_as_its_quota(city_cascade, submitted_by_districts):
    """The province asks each city for 2; the city passes the requirement down to its districts,
    1 each. Three districts nominate; the city recommends two and is refused the third."""
    provincial, local = city_cascade
    city = StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER])
    province = StaffFactory(unit=unit(PROVINCE), roles=[Role.REVIEWER])
    nominations = submitted_by_districts(["220102", "220103", "220104"])
    view = selectors.level_view(local, unit(CITY))
    assert len(view.queue) == 3 and view.forward_quota == 2
    services.nomination_decide(actor=city, nomination=nominations[2], action=DecisionAction.RECOMMEND)
    services.nomination_decide(actor=city, nomination=nominations[0], action=DecisionAction.RECOMMEND)
    with pytest.raises(DomainError, match="超出名额：长春市.*限推荐 2 个"):
        services.nomination_decide(actor=city, nomination=nominations[1], action=DecisionAction.RECOMMEND)
    # The city's list keeps the order it recommended them in, and it may reorder it.
    listed = selectors.level_list(unit(CITY), provincial)
    assert [n.pk for n in listed] == [nominations[2].pk, nominations[0].pk]
    services.level_reorder(
        actor=city, requirement=provincial, unit=unit(CITY), order=[nominations[0].pk, nominations[2].pk]
    )
    assert [n.pk for n in selectors.level_list(unit(CITY), provincial)] == [
        nominations[0].pk,
        nominations[2].pk,
    ]
    # The province sees the two, not the third.
    assert ids(selectors.nominations_visible_to(province)) == sorted([nominations[0].pk, nominations[2].pk])
    services.nomination_decide(actor=province, nomination=nominations[2], action=DecisionAction.RECOMMEND)
    with pytest.raises(DomainError, match="上一级已作出决定"):
        services.level_reorder(
            actor=city, requirement=provincial, unit=unit(CITY), order=[nominations[2].pk, nominations[0].pk]
        )


def test_selecting_reviewers_score_and_the_ranking_follows(jilin_this_year_published, nominate, tree):
    requirement = make_requirement(
        jilin_this_year_published,
        RequirementKind.ADVANCED_UNIT,
        applies_to=[UnitKind.PREFECTURE],
        quota_per_unit=3,
        scoring_criteria=[{"name": "事迹典型", "max": 60}, {"name": "材料规范", "max": 40}],
    )
    reporter = StaffFactory(unit=unit(CITY), roles=[Role.REPORTER])
    first = nominate(reporter, requirement, name="甲社区学校")
    second = nominate(reporter, requirement, name="乙老年大学")
    for nomination in (first, second):
        services.nomination_submit(actor=reporter, nomination=nomination)
    judges = [StaffFactory(unit=unit(PROVINCE), roles=[Role.REVIEWER]) for _ in range(2)]
    city_reviewer = StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER])
    with pytest.raises(PermissionDenied, match="评分由吉林省的审核员进行"):
        services.score_save(actor=city_reviewer, nomination=first, points={"事迹典型": 50, "材料规范": 30})
    with pytest.raises(DomainError, match="“事迹典型”应在 0—60 分之间（填了 61）"):
        services.score_save(actor=judges[0], nomination=first, points={"事迹典型": 61, "材料规范": 30})
    services.score_save(actor=judges[0], nomination=first, points={"事迹典型": 40, "材料规范": 30})
    services.score_save(actor=judges[1], nomination=first, points={"事迹典型": 44, "材料规范": 30})
    services.score_save(actor=judges[0], nomination=second, points={"事迹典型": 55, "材料规范": 35})
    rows = selectors.ranking(requirement, unit(PROVINCE), judges[0])
    assert [(r.nomination.name, r.average, r.scores) for r in rows] == [
        ("乙老年大学", 90.0, 1),
        ("甲社区学校", 72.0, 2),
    ]
    assert float(rows[1].mine.total) == 70.0
    counts = selectors.counts_by_unit(requirement, unit(PROVINCE))
    assert (unit(CITY), 2, 3, None) in counts


def test_a_reorder_is_refused_when_the_list_changed_hands_while_it_waited(
    advanced_unit, county_reporter, nominate, monkeypatch
):
    """A reporter may order a list of the unit's own nominees; if, while it waited for the
    level's lock, a nominee from below joined the list (now the reviewers' to order), nothing moves."""
    own = nominate(county_reporter, advanced_unit)
    from_below = type("FromBelow", (), {"pk": own.pk + 1000, "unit_id": own.unit_id + 1000})()
    lists = iter([[own], [own, from_below]])
    monkeypatch.setattr(services, "level_list", lambda *args, **kwargs: next(lists))
    with pytest.raises(DomainError, match="本级名单刚有变动.*请刷新后重新排序"):
        services.level_reorder(
            actor=county_reporter, requirement=advanced_unit, unit=own.unit, order=[own.pk, from_below.pk]
        )
    assert Nomination.objects.get(pk=own.pk).rank == own.rank
