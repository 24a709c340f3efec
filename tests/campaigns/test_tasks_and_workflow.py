import datetime

import pytest
from django.utils import timezone

from learnweek.campaigns.models import SubmissionState
from learnweek.campaigns.selectors import applicable_units, tasks_for_unit
from learnweek.campaigns.services import (
    requirement_create,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
)
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from tests.campaigns.helpers import days
from tests.helpers import unit


def titles(tasks):
    return [(t.campaign.issuing_unit.name, t.requirement.title) for t in tasks]


def test_a_county_sees_its_tasks_from_every_level_above_in_one_list(cascade):
    tasks = tasks_for_unit(unit("220104"))
    # The national statistics table reaches the county through Changchun, which collects it
    # ten days earlier; the provincial exhibition board comes straight from Jilin.
    assert titles(tasks) == [("吉林省", "成果展展板素材"), ("长春市", "活动开展情况统计表")]
    assert [t.requirement.deadline for t in tasks] == [days(10), days(20)]
    assert tasks[0].days_left == 10 and tasks[0].state_label == "未开始"


def test_an_institution_sees_tasks_from_the_county_level_too(cascade):
    assert titles(tasks_for_unit(cascade["school"])) == [("朝阳区", "社区学院活动周方案")]


def test_a_county_of_another_city_answers_the_national_requirement_directly(cascade):
    tasks = tasks_for_unit(unit("220202"))  # 吉林市昌邑区
    assert ("教育部", "活动开展情况统计表") in titles(tasks)
    assert days(30) in [t.requirement.deadline for t in tasks]


def test_applicable_units_leave_out_those_a_lower_level_collects(cascade):
    units = applicable_units(cascade["stats"])
    assert units.filter(code="220000").exists()  # the province itself
    assert units.filter(code="220100").exists()  # Changchun answers the ministry's own item
    assert not units.filter(code="220104").exists()  # its districts answer Changchun
    assert units.filter(code="220202").exists()


def test_the_full_workflow_with_history(cascade, county_reporter, city_admin):
    requirement = cascade["cc_stats"]
    county = unit("220104")
    draft = submission_save(
        actor=county_reporter, requirement=requirement, unit=county, title="统计表", body="数据"
    )
    assert draft.state == SubmissionState.DRAFT
    submitted = submission_submit(actor=county_reporter, submission=draft)
    assert submitted.state == SubmissionState.SUBMITTED and not submitted.is_late
    returned = submission_return(actor=city_admin, submission=submitted, reason="参加人次与活动数不一致")
    assert tasks_for_unit(county)[1].submission.return_reason == "参加人次与活动数不一致"
    submission_save(
        actor=county_reporter, requirement=requirement, unit=county, title="统计表", body="修正后"
    )
    resubmitted = submission_submit(actor=county_reporter, submission=returned)
    assert resubmitted.state == SubmissionState.RESUBMITTED
    approved = submission_approve(actor=city_admin, submission=resubmitted)
    assert approved.state == SubmissionState.APPROVED

    with pytest.raises(DomainError, match="已通过，不能修改"):
        submission_save(actor=county_reporter, requirement=requirement, unit=county, body="偷偷改")
    approved.refresh_from_db()
    assert approved.body == "修正后"

    reopened = submission_reopen(actor=city_admin, submission=approved, reason="补充照片")
    assert reopened.state == SubmissionState.RETURNED
    submission_save(actor=county_reporter, requirement=requirement, unit=county, body="再次修正")
    moves = [(e.from_state, e.to_state, e.comment) for e in reopened.events.all()]
    assert moves == [
        ("", "draft", ""),
        ("draft", "submitted", ""),
        ("submitted", "returned", "参加人次与活动数不一致"),
        ("returned", "resubmitted", ""),
        ("resubmitted", "approved", ""),
        ("approved", "returned", "补充照片"),
    ]
    assert reopened.history.count() >= 6


def test_late_submissions_are_accepted_and_marked_unless_closed(cascade, county_reporter):
    requirement = cascade["board"]
    county = unit("220104")
    draft = submission_save(
        actor=county_reporter,
        requirement=requirement,
        unit=county,
        title="题目",
        body="正文内容已经足够长了。",
    )
    after = timezone.now() + datetime.timedelta(days=11)
    late = submission_submit(actor=county_reporter, submission=draft, now=after)
    assert late.is_late and late.first_submitted_at == after

    requirement.closed = True
    requirement.save()
    other = submission_save(
        actor=None, requirement=requirement, unit=unit("220105"), title="题目", body="正文内容已经足够长了。"
    )
    with pytest.raises(DomainError, match="已于 .* 截止，不再接收"):
        submission_submit(actor=None, submission=other, now=after)
    other.refresh_from_db()
    assert other.state == SubmissionState.DRAFT


def test_the_rules_are_enforced_on_submit(cascade, county_reporter):
    draft = submission_save(
        actor=county_reporter, requirement=cascade["board"], unit=unit("220104"), title="题" * 21, body="短"
    )
    with pytest.raises(DomainError) as excinfo:
        submission_submit(actor=county_reporter, submission=draft)
    assert "标题不能超过 20 字（现有 21 字）" in excinfo.value.message
    assert "正文不少于 10 字（现有 1 字）" in excinfo.value.message
    draft.refresh_from_db()
    assert draft.state == SubmissionState.DRAFT


def test_a_unit_the_requirement_does_not_apply_to_is_refused(cascade, county_reporter, province_admin):
    with pytest.raises(DomainError, match="不要求 朝阳区 报送"):
        submission_save(actor=county_reporter, requirement=cascade["cy_plan"], unit=unit("220104"))
    with pytest.raises(DomainError, match="不要求 朝阳区 报送"):
        # Changchun collects the national table from its districts.
        submission_save(actor=county_reporter, requirement=cascade["stats"], unit=unit("220104"))


def test_only_the_level_above_reviews(
    cascade, county_reporter, county_admin, sibling_county_admin, city_admin
):
    submission = submission_submit(
        actor=county_reporter,
        submission=submission_save(
            actor=county_reporter, requirement=cascade["cc_stats"], unit=unit("220104")
        ),
    )
    with pytest.raises(NotFound):
        submission_approve(actor=sibling_county_admin, submission=submission)
    with pytest.raises(PermissionDenied):
        submission_approve(actor=county_admin, submission=submission)  # its own unit
    with pytest.raises(PermissionDenied, match="只有审核员可以审核"):
        from tests.factories import StaffFactory

        submission_approve(actor=StaffFactory(unit=unit("220100"), roles=["reporter"]), submission=submission)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
    submission_approve(actor=city_admin, submission=submission)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"deadline": days(-25)}, "早于活动发文日期"),
        ({"quota_per_unit": -1}, "每单位限报数不能小于 0"),
        ({"body_min_chars": 500, "body_max_chars": 300}, "正文字数的下限不能大于上限"),
        ({"applies_to": []}, "请选择须报送的下级单位层级"),
    ],
)
def test_bad_requirements_are_refused(cascade, values, message):
    campaign = cascade["changchun"]
    before = campaign.requirements.count()
    base = {"kind": "other", "title": "其他材料", "applies_to": ["county"], "deadline": days(5)}
    with pytest.raises(DomainError, match=message):
        requirement_create(actor=None, campaign=campaign, **(base | values))
    assert campaign.requirements.count() == before


def test_a_derived_deadline_may_not_be_later_than_the_parents(cascade):
    with pytest.raises(DomainError, match="不能晚于上级的"):
        requirement_create(
            actor=None,
            campaign=cascade["changchun"],
            parent_requirement=cascade["board"],
            applies_to=["county"],
            deadline=days(11),
        )


def test_a_parent_deadline_cannot_move_before_a_childs(cascade):
    from learnweek.campaigns.services import requirement_update

    stats = cascade["stats"]
    with pytest.raises(DomainError, match="长春市的同一事项截止于"):
        requirement_update(actor=None, requirement=stats, deadline=days(15))
    stats.refresh_from_db()
    assert stats.deadline == days(30)
    requirement_update(actor=None, requirement=stats, deadline=days(25))
    stats.refresh_from_db()
    assert stats.deadline == days(25)
