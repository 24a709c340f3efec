"""Reported totals, the header, and submitting the table upward."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from learnweek.activities.services import activity_create
from learnweek.campaigns.models import RequirementKind, SubmissionState
from learnweek.campaigns.services import (
    requirement_create,
    submission_approve,
    submission_reopen,
    submission_return,
)
from learnweek.core.errors import DomainError, NotFound
from learnweek.orgs.models import UnitKind
from learnweek.stats.models import ReportedTotal, StatsHeader
from learnweek.stats.selectors import approved_snapshot, header_for, stats_table
from learnweek.stats.services import header_save, reported_total_add, statistics_submit
from tests.helpers import unit


def add_total(year, actor, **overrides):
    values = {
        "actor": actor,
        "campaign": year.jilin,
        "entered_by": unit("220100"),
        "unit": unit("220104"),
        "column": "theme_reading",
        "activities": 2,
        "person_times": 30,
    } | overrides
    return reported_total_add(**values)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"activities": -1}, "活动数不能小于 1（现为 -1）"),
        ({"activities": "1.5"}, "活动数须为整数（现为“1.5”）"),
        ({"activities": 2.5}, "活动数须为整数（现为 2.5）"),
        ({"person_times": "-3"}, "参加人次不能小于 0（现为 -3）"),
        ({"person_times": "许多"}, "参加人次须为整数（现为“许多”）"),
        ({"unit": "220202"}, "开展单位“昌邑区”不在长春市的范围内"),
        ({"column": "smart_elderly"}, "请选择统计栏目"),
    ],
)
def test_bad_reported_totals_are_refused_with_a_message_and_nothing_written(
    year, city_reporter, overrides, message
):
    if "unit" in overrides:
        overrides["unit"] = unit(overrides["unit"])
    before = ReportedTotal.objects.count()
    with pytest.raises(DomainError) as refused:
        add_total(year, city_reporter, **overrides)
    assert message in refused.value.message
    assert ReportedTotal.objects.count() == before


def test_a_reported_total_counts_at_its_units_level_at_once(year, city_reporter):
    before = stats_table(year.jilin, unit("220100")).county["theme_reading"]
    add_total(year, city_reporter, person_times="30")
    after = stats_table(year.jilin, unit("220100")).county["theme_reading"]
    assert (after.units, after.activities, after.person_times) == (
        before.units,
        before.activities + 2,
        before.person_times + 30,
    )


def test_a_unit_outside_the_reporters_own_subtree_is_missing(year, city_reporter):
    with pytest.raises(NotFound):
        add_total(year, city_reporter, entered_by=unit("220200"), unit=unit("220202"))


def test_header_is_checked_and_kept_once_for_the_years_cascade(year, province_reporter):
    with pytest.raises(DomainError) as refused:
        header_save(actor=province_reporter, campaign=year.jilin, unit=unit("220000"), mobile="1380000")
    assert "手机号码应为 11 位数字" in refused.value.message
    assert not StatsHeader.objects.exists()
    header_save(
        actor=province_reporter,
        campaign=year.jilin,
        unit=unit("220000"),
        contact_name="李老师",
        department="职业与成人教育处",
        office_phone="0431-88905322",
        mobile="13900000000",
    )
    # The same header whichever campaign of the year it is read under.
    assert header_for(year.national, unit("220000")).contact_name == "李老师"


def submit(**arguments):
    """The data set's 2022 figures differ wildly from 2023's, so the checks warn: submitted with
    the explanation they ask for (tests/stats/test_quality.py tests the checks)."""
    return statistics_submit(explanation="2022年的大型活动今年没有举办，已核实。", **arguments)


def fill_header(year, actor, code="220000"):
    header_save(
        actor=actor, campaign=year.jilin, unit=unit(code), contact_name="李老师", office_phone="0431-88905322"
    )


def test_submitting_freezes_the_figures_the_reviewer_approves(year, province_reporter, ministry_reviewer):
    with pytest.raises(DomainError) as refused:
        submit(actor=province_reporter, requirement=year.requirement, unit=unit("220000"))
    assert refused.value.message == "请先填写表头：联系人、办公电话或手机号码。"
    fill_header(year, province_reporter)
    submission = submit(actor=province_reporter, requirement=year.requirement, unit=unit("220000"))
    assert submission.state == SubmissionState.SUBMITTED
    frozen = submission.stats_snapshots.get().data
    assert frozen["county"]["theme_reading"]["activities"] == 1
    assert frozen["header"]["contact_name"] == "李老师"

    # While it waits for review, the header cannot change under the reviewer.
    with pytest.raises(DomainError, match="正在等待上级审核"):
        fill_header(year, province_reporter)

    submission_approve(actor=ministry_reviewer, submission=submission)
    # A new activity changes the live table, not what was approved.
    start = datetime.datetime(2023, 9, 2, 9, tzinfo=timezone.get_current_timezone())
    activity_create(
        actor=None,
        campaign=year.jilin,
        organiser=unit("220104"),
        name="读书沙龙",
        category="themed_reading",
        start=start,
        end=start,
    )
    assert stats_table(year.jilin, unit("220000")).county["theme_reading"].activities == 2
    assert approved_snapshot(year.national, unit("220000")).data["county"]["theme_reading"]["activities"] == 1

    # After approval nothing of the table changes without reopening.
    with pytest.raises(DomainError, match="已审核通过"):
        fill_header(year, province_reporter)
    with pytest.raises(DomainError, match="已审核通过"):
        add_total(year, province_reporter, entered_by=unit("220000"))
    with pytest.raises(DomainError, match="不能修改"):
        submit(actor=province_reporter, requirement=year.requirement, unit=unit("220000"))
    assert submission.stats_snapshots.count() == 1

    submission_reopen(actor=ministry_reviewer, submission=submission, reason="请补充新登记的活动")
    resubmitted = submit(actor=province_reporter, requirement=year.requirement, unit=unit("220000"))
    assert resubmitted.state == SubmissionState.RESUBMITTED
    assert resubmitted.stats_snapshots.first().data["county"]["theme_reading"]["activities"] == 2


def test_a_returned_table_is_not_what_the_level_above_sees(year, city_reporter, province_reviewer):
    fill_header(year, city_reporter, "220100")
    submission = submit(actor=city_reporter, requirement=year.city_requirement, unit=unit("220100"))
    submission_return(actor=province_reviewer, submission=submission, reason="人次有误")
    assert approved_snapshot(year.jilin, unit("220100")) is None


def test_a_requirement_that_asks_for_the_platform_needs_it(year, city_reporter):
    year.city_requirement.asks_platform = True
    year.city_requirement.save()
    fill_header(year, city_reporter, "220100")
    with pytest.raises(DomainError, match="活动周平台名称及网址"):
        submit(actor=city_reporter, requirement=year.city_requirement, unit=unit("220100"))
    header_save(
        actor=city_reporter,
        campaign=year.jilin,
        unit=unit("220100"),
        contact_name="王老师",
        office_phone="0431-82857798",
        platform_name="长春终身学习网",
        platform_url="https://example.cn/week",
    )
    submission = submit(actor=city_reporter, requirement=year.city_requirement, unit=unit("220100"))
    assert submission.stats_snapshots.get().data["header"]["platform_name"] == "长春终身学习网"


def test_only_statistics_requirements_are_submitted_as_tables(year, province_reporter):
    plan = requirement_create(
        actor=None,
        campaign=year.national,
        kind=RequirementKind.WORK_PLAN,
        title="工作方案",
        applies_to=[UnitKind.PROVINCE],
        deadline=year.requirement.deadline,
    )
    with pytest.raises(DomainError, match="不是活动开展情况统计表"):
        submit(actor=province_reporter, requirement=plan, unit=unit("220000"))


def test_a_passed_down_requirement_keeps_the_platform_question_and_its_own_zero_rules(year):
    year.requirement.asks_platform = True
    year.requirement.quota_min = 3
    year.requirement.save()
    derived = requirement_create(
        actor=None,
        campaign=year.jilin,
        parent_requirement=year.requirement,
        applies_to=[UnitKind.PREFECTURE],
        deadline=year.requirement.deadline,
        asks_platform=False,  # an unticked box does not undo the level above's question
        quota_min=0,  # but a rule set to 0 is the lower level's own
    )
    assert derived.asks_platform is True
    assert derived.quota_min == 0
