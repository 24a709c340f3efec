"""Writes to the statistics table: the header, reported totals, and submitting the table upward
(which freezes a snapshot). One transaction per user action; nothing half-written."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from learnweek.audit.services import audit_record
from learnweek.campaigns.access import require
from learnweek.campaigns.models import (
    AWAITING_REVIEW,
    Campaign,
    CampaignStatus,
    Requirement,
    RequirementKind,
    Submission,
    SubmissionState,
)
from learnweek.campaigns.services import submission_save, submission_submit
from learnweek.core.errors import DomainError
from learnweek.core.validation import is_http_url
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within
from learnweek.stats.models import Column, ReportedTotal, StatsHeader, StatsSnapshot
from learnweek.stats.quality import quality_report
from learnweek.stats.selectors import (
    asks_platform,
    family_root,
    header_for,
    statistics_submissions,
    stats_table,
)

if TYPE_CHECKING:
    from learnweek.accounts.models import User

HEADER_FIELDS = ("contact_name", "department", "office_phone", "mobile", "platform_name", "platform_url")
MOBILE = re.compile(r"1\d{10}")
OFFICE_PHONE = re.compile(r"[\d\-－（）()转 ]{7,40}")


def _require_open(campaign: Campaign, unit: Unit) -> None:
    """Refused while the unit's table waits for review or after approval, until it is returned or
    reopened: what the level above reviews must not change under it."""
    if campaign.status != CampaignStatus.PUBLISHED:
        raise DomainError("该活动未发布或已结束，不能填报统计表。", code="campaign_not_open")
    blocking = statistics_submissions(campaign, unit).filter(
        state__in=[SubmissionState.APPROVED, *AWAITING_REVIEW]
    )
    for submission in blocking:
        if submission.state == SubmissionState.APPROVED:
            raise DomainError(
                f"{unit.name}的统计表已审核通过，不能修改；如需修改，请上级审核员重新打开。", code="locked"
            )
        raise DomainError(f"{unit.name}的统计表已提交，正在等待上级审核，不能修改。", code="locked")


@transaction.atomic
def header_save(*, actor: User | None, campaign: Campaign, unit: Unit, **values: Any) -> StatsHeader:
    require(actor, campaign, unit, Role.REPORTER, "填写统计表")
    _require_open(campaign, unit)
    cleaned = {name: str(values.get(name) or "").strip() for name in HEADER_FIELDS}
    problems = []
    for name, label, limit in (
        ("contact_name", "联系人", 50),
        ("department", "所在部门", 100),
        ("platform_name", "活动周平台名称", 100),
    ):
        if len(cleaned[name]) > limit:
            problems.append(f"{label}不能超过 {limit} 个字（现有 {len(cleaned[name])} 个）")
    if cleaned["mobile"] and not MOBILE.fullmatch(cleaned["mobile"]):
        problems.append(f"手机号码应为 11 位数字，以 1 开头（现为“{cleaned['mobile']}”）")
    if cleaned["office_phone"] and not OFFICE_PHONE.fullmatch(cleaned["office_phone"]):
        problems.append(f"办公电话应为区号加号码，如 0431-88905322（现为“{cleaned['office_phone']}”）")
    if cleaned["platform_url"] and not is_http_url(cleaned["platform_url"]):
        problems.append("活动周平台网址应以 http:// 或 https:// 开头")
    if problems:
        raise DomainError("；".join(problems) + "。", code="header_invalid")
    header, _ = StatsHeader.objects.select_for_update().get_or_create(
        campaign=family_root(campaign), unit=unit
    )
    for name, value in cleaned.items():
        setattr(header, name, value)
    header.updated_by = actor
    header.save()
    return header


def _whole_number(value: Any, label: str, minimum: int) -> tuple[int | None, str | None]:
    if isinstance(value, bool):
        return None, f"{label}须为整数"
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"-?\d+", text):
            return None, f"{label}须为整数（现为“{text}”）"
        value = int(text)
    if isinstance(value, float):
        if not value.is_integer():
            return None, f"{label}须为整数（现为 {value}）"
        value = int(value)
    if not isinstance(value, int):
        return None, f"{label}须为整数"
    if value < minimum:
        return None, f"{label}不能小于 {minimum}（现为 {value}）"
    return value, None


@transaction.atomic
def reported_total_add(
    *,
    actor: User | None,
    campaign: Campaign,
    entered_by: Unit,
    unit: Unit,
    column: str,
    activities: Any,
    person_times: Any = 0,
    note: str = "",
) -> ReportedTotal:
    """A total the unit ``entered_by`` reports for itself or a unit below it."""
    require(actor, campaign, entered_by, Role.REPORTER, "填报汇总数")
    problems = []
    if not is_within(entered_by, unit):
        problems.append(f"开展单位“{unit.name}”不在{entered_by.name}的范围内，只能为本单位及下级单位填报")
    if column not in Column.values:
        problems.append(
            "请选择统计栏目（主题阅读活动、“社长（总编）荐书”活动、线上社会大讲堂、数字阅读分享活动或活动周）"
        )
    count, problem = _whole_number(activities, "活动数", 1)
    if problem:
        problems.append(problem)
    people, problem = _whole_number(person_times if person_times not in (None, "") else 0, "参加人次", 0)
    if problem:
        problems.append(problem)
    if len(note) > 200:
        problems.append(f"说明不能超过 200 个字（现有 {len(note)} 个）")
    if problems or count is None or people is None:
        raise DomainError("；".join(problems) + "。", code="total_invalid")
    _require_open(campaign, entered_by)
    return ReportedTotal.objects.create(
        campaign=family_root(campaign),
        entered_by_unit=entered_by,
        unit=unit,
        column=column,
        activities=count,
        person_times=people,
        note=note.strip(),
        created_by=actor,
    )


@transaction.atomic
def reported_total_delete(*, actor: User | None, total: ReportedTotal) -> None:
    campaign = total.campaign
    require(actor, campaign, total.entered_by_unit, Role.REPORTER, "删除汇总数")
    _require_open(campaign, total.entered_by_unit)
    audit_record("object.delete", actor=actor, target=total, target_label=f"汇总数：{total}")
    total.delete()


def snapshot_data(campaign: Campaign, unit: Unit) -> dict[str, Any]:
    """The table and its header as they stand now: what a submission freezes."""
    data = stats_table(campaign, unit).as_json()
    header = header_for(campaign, unit)
    data["header"] = {name: getattr(header, name) for name in HEADER_FIELDS}
    return data


EXPLANATION_MAX = 1000


@transaction.atomic
def statistics_submit(
    *,
    actor: User | None,
    requirement: Requirement,
    unit: Unit,
    explanation: str = "",
    now: datetime.datetime | None = None,
) -> Submission:
    """Submit the unit's table upward: a submission of the statistics requirement with a frozen
    copy of the figures and header, which the reviewer above approves or returns.

    The data-quality checks run first. Their warnings do not stop the table, but it goes up with
    them only when the submitter explains; the warnings and the explanation are frozen with the
    figures for the reviewer."""
    if requirement.kind != RequirementKind.STATISTICS:
        raise DomainError("该报送事项不是活动开展情况统计表。", code="not_statistics")
    campaign = requirement.campaign
    require(actor, campaign, unit, Role.REPORTER, "提交统计表")
    header = header_for(campaign, unit)
    missing = [] if header.contact_name else ["联系人"]
    if not header.office_phone and not header.mobile:
        missing.append("办公电话或手机号码")
    if asks_platform(campaign, unit) and not (header.platform_name and header.platform_url):
        missing.append("活动周平台名称及网址")
    if missing:
        raise DomainError("请先填写表头：" + "、".join(missing) + "。", code="header_incomplete")
    explanation = (explanation or "").strip()
    if len(explanation) > EXPLANATION_MAX:
        raise DomainError(
            f"情况说明不能超过 {EXPLANATION_MAX} 个字（现有 {len(explanation)} 个）。",
            code="explanation_long",
        )
    report = quality_report(campaign, unit)
    if report and not explanation:
        raise DomainError(
            f"统计表有 {len(report)} 条数据提醒（{report.summary()}）。请逐条核实；"
            "确认无误的，请填写情况说明后再提交。",
            code="quality_unexplained",
        )
    submission = submission_save(actor=actor, requirement=requirement, unit=unit, title=requirement.title)
    submission = submission_submit(
        actor=actor, submission=submission, now=now, comment=f"情况说明：{explanation}" if explanation else ""
    )
    data = snapshot_data(campaign, unit)
    data["quality"] = {**report.as_json(), "explanation": explanation}
    StatsSnapshot.objects.create(submission=submission, taken_at=now or timezone.now(), data=data)
    return submission
