"""Writes to campaigns, requirements and submissions. One transaction per user action."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from learnweek.audit.services import audit_record
from learnweek.campaigns.access import require
from learnweek.campaigns.models import (
    HANDED_IN,
    RULE_FIELDS,
    SUBMITTER_KINDS,
    Campaign,
    CampaignContact,
    CampaignStatus,
    DeadlineNotice,
    Reminder,
    Requirement,
    RequirementKind,
    Submission,
    SubmissionEvent,
    SubmissionState,
    WeekSlot,
    WeekSlotChange,
)
from learnweek.campaigns.rules import submission_problems
from learnweek.campaigns.selectors import (
    applicable_units,
    campaign_level_refusal,
    campaign_lineage,
    derive_refusal,
    handed_in_units,
    may_send_reminders,
    named_unit_ids,
    requirement_applies_to,
    requirement_value_text,
)
from learnweek.core.chinese import chinese_date, chinese_month_day
from learnweek.core.clock import today
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from learnweek.core.locking import SUBMISSION, WEEK_SLOT, key, lock
from learnweek.core.partitioning import ensure_partitions
from learnweek.core.public_cache import public_activities
from learnweek.core.validation import http_url_problem
from learnweek.notices.models import NoticeKind
from learnweek.notices.services import Delivery, notify_units
from learnweek.orgs.models import InstitutionType, Unit, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within, within

if TYPE_CHECKING:
    from learnweek.accounts.models import User

CAMPAIGN_FIELDS = (
    "title",
    "theme",
    "doc_number",
    "issued_on",
    "reading_start",
    "reading_end",
    "week_start",
    "week_end",
    "week_note",
    "ceremony_host",
    "ceremony_cohosts",
    "ceremony_venue",
    "ceremony_date",
    "ceremony_note",
    "ceremony_stream_url",
    "display_start",
    "display_end",
    "summary",
)
DATE_PAIRS = [
    ("reading_start", "reading_end", "全民阅读活动"),
    ("week_start", "week_end", "活动周"),
    ("display_start", "display_end", "示范活动展示"),
]


DEFAULT_LEAD_DAYS = 5  # 承接全部上级事项: how many days before the parent's deadline by default
LEVEL_ORDER = [UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY, UnitKind.INSTITUTION]


def _check_campaign_fields(values: dict[str, Any]) -> None:
    problems = []
    if not str(values.get("title", "")).strip():
        problems.append("请填写标题")
    for start, end, label in DATE_PAIRS:
        if values.get(start) and values.get(end) and values[start] > values[end]:
            problems.append(f"{label}的开始日期不能晚于结束日期")
    link = http_url_problem(values.get("ceremony_stream_url"), "开幕式直播链接")
    if link:
        problems.append(link)
    if problems:
        raise DomainError("；".join(problems) + "。", code="campaign_invalid")


class EarlyDeadlines(DomainError):
    """The new issue date falls after these requirements' deadlines: the page links to each."""

    code = "deadline_before_start"

    def __init__(self, message: str, *, requirements: list[Requirement]) -> None:
        super().__init__(message)
        self.requirements = requirements


@transaction.atomic
def campaign_create(
    *, actor: User | None, issuing_unit: Unit, year: int, slug: str = "", **values: Any
) -> Campaign:
    """A ministry or provincial campaign. Lower levels derive theirs with ``campaign_derive``."""
    require(actor, None, issuing_unit, Role.ADMIN, "创建年度活动")
    refusal = campaign_level_refusal(issuing_unit)
    if refusal is not None:
        code, message = refusal
        raise DomainError(message, code=code)
    _check_campaign_fields(values)
    slug = slug or _free_slug(f"{year}-{issuing_unit.code}")
    if Campaign.objects.filter(slug=slug).exists():
        raise DomainError(f"标识 {slug} 已被使用。", code="slug_taken")
    fields = {name: values[name] for name in CAMPAIGN_FIELDS if name in values}
    ensure_partitions(year)  # before the year's first activity is written
    return Campaign.objects.create(slug=slug, year=year, issuing_unit=issuing_unit, **fields)


def _free_slug(base: str) -> str:
    base = slugify(base) or "campaign"
    slug, n = base, 2
    while Campaign.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def campaign_derive(
    *,
    actor: User | None,
    parent: Campaign,
    unit: Unit,
    slug: str = "",
    inherit_all: bool = False,
    lead_days: int = DEFAULT_LEAD_DAYS,
    **values: Any,
) -> Campaign:
    """The lower level's own campaign: theme and requirements come from ``parent``; the new
    campaign starts as a draft that the unit completes and publishes. ``inherit_all``
    (承接全部上级事项): every requirement of ``parent`` that reaches the unit's level or below is
    passed down at once, due ``lead_days`` days before the parent's deadline (never before the
    campaign's issue date), its kind, title and rules from the parent; each stays editable."""
    require(actor, None, unit, Role.ADMIN, "派生本级活动")
    refusal = derive_refusal(parent, unit)
    if refusal is not None:
        code, message = refusal
        raise DomainError(message, code=code)
    values = {
        "title": f"{parent.year}年{unit.name}全民终身学习活动",
        "theme": "",
    } | values
    _check_campaign_fields(values)
    fields = {name: values[name] for name in CAMPAIGN_FIELDS if name in values}
    if inherit_all and not 0 <= lead_days <= 365:
        raise DomainError("提前天数应在 0—365 天之间。", code="campaign_invalid")
    campaign = Campaign.objects.create(
        slug=slug or _free_slug(f"{parent.year}-{unit.code}"),
        year=parent.year,
        issuing_unit=unit,
        parent=parent,
        **fields,
    )
    if inherit_all:
        _inherit_requirements(actor, campaign, unit, lead_days)
    return campaign


def _inherit_requirements(actor: User | None, campaign: Campaign, unit: Unit, lead_days: int) -> None:
    """Pass down each of the parent campaign's requirements that reaches ``unit``'s level or a
    level below it, to the levels below ``unit`` (the next level when the parent asks only
    ``unit``'s own)."""
    assert campaign.parent is not None
    level = LEVEL_ORDER.index(UnitKind(unit.kind))
    below = LEVEL_ORDER[level + 1 :]
    for parent_requirement in campaign.parent.requirements.all():
        asked = [k for k in parent_requirement.applies_to if k in LEVEL_ORDER]
        if not any(LEVEL_ORDER.index(UnitKind(k)) >= level for k in asked):
            continue
        applies_to = [k for k in asked if k in below] or below[:1]
        deadline = parent_requirement.deadline - datetime.timedelta(days=lead_days)
        if campaign.issued_on is not None and deadline < campaign.issued_on:
            deadline = campaign.issued_on
        if deadline > parent_requirement.deadline:
            continue  # due before this campaign is issued: nothing earlier to set
        requirement_create(
            actor=actor,
            campaign=campaign,
            parent_requirement=parent_requirement,
            applies_to=applies_to,
            institution_types=list(parent_requirement.institution_types),
            deadline=deadline,
            closed=parent_requirement.closed,
        )


@transaction.atomic
def campaign_update(*, actor: User | None, campaign: Campaign, **values: Any) -> Campaign:
    require(actor, campaign, campaign.issuing_unit, Role.ADMIN, "修改年度活动")
    merged = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS} | values
    _check_campaign_fields(merged)
    early = [
        r for r in campaign.requirements.all() if merged["issued_on"] and r.deadline < merged["issued_on"]
    ]
    if early:
        raise EarlyDeadlines(
            "、".join(f"“{r.title}”（截止 {chinese_date(r.deadline)}）" for r in early)
            + f"的截止日期早于新的发文日期 {chinese_date(merged['issued_on'])}，请先修改这些事项的截止日期。",
            requirements=early,
        )
    for name in CAMPAIGN_FIELDS:
        if name in values:
            setattr(campaign, name, values[name])
    campaign.save()
    public_activities.changed()  # titles and what is public show on activity pages
    return campaign


@transaction.atomic
def campaign_set_status(*, actor: User | None, campaign: Campaign, status: str) -> Campaign:
    require(actor, campaign, campaign.issuing_unit, Role.ADMIN, "发布或结束年度活动")
    if status not in CampaignStatus.values:
        raise DomainError("未知的状态。", code="status_invalid")
    was = campaign.status
    campaign.status = status
    campaign.save(update_fields=["status"])
    public_activities.changed()  # titles and what is public show on activity pages
    if status == CampaignStatus.PUBLISHED and was != CampaignStatus.PUBLISHED:
        for requirement in campaign.requirements.select_related("campaign__issuing_unit"):
            _notify_passed_down(requirement)
    return campaign


def _notify_changed(requirement: Requirement, before: dict[str, Any]) -> Delivery | None:
    """Tell the units that answer ``requirement`` what changed in it (old → new), e.g. a deadline
    moved after some have handed in. Changes of who is named are told by ``_notify_passed_down``
    to the units newly asked, not here."""
    lines = [
        f"{Requirement.field_label(name)}：{requirement_value_text(name, old)} → "
        f"{requirement_value_text(name, getattr(requirement, name))}"
        for name, old in before.items()
        if name not in ("scoring_criteria", "parent_requirement")
    ]
    if not lines:
        return None
    return notify_units(
        applicable_units(requirement),
        kind=NoticeKind.CHANGED,
        title=f"报送事项有变更：{requirement.title}",
        body=f"{requirement.campaign.issuing_unit.name}修改了“{requirement.title}”：\n" + "\n".join(lines),
        link=reverse("backoffice:submission_edit", args=[requirement.pk]),
    )


def _notify_passed_down(requirement: Requirement) -> Delivery:
    """Tell the units that must answer ``requirement`` (its campaign is published)."""
    campaign = requirement.campaign
    return notify_units(
        applicable_units(requirement),
        kind=NoticeKind.PASSED_DOWN,
        title=f"新的报送事项：{requirement.title}，截止 {chinese_date(requirement.deadline)}",
        body=f"{campaign.issuing_unit.name}在“{campaign.title}”中要求报送“{requirement.title}”，"
        f"截止 {chinese_date(requirement.deadline)}。",
        link=reverse("backoffice:submission_edit", args=[requirement.pk]),
    )


@transaction.atomic
def campaign_office_set(*, actor: User | None, campaign: Campaign, office: Unit | None) -> Campaign:
    require(actor, campaign, campaign.issuing_unit, Role.ADMIN, "指定领导小组办公室")
    if office is not None and (
        office.kind != UnitKind.INSTITUTION or not is_within(campaign.issuing_unit, office)
    ):
        raise DomainError("领导小组办公室应设在发文单位下属的机构（如开放大学）。", code="office_invalid")
    campaign.office = office
    campaign.save(update_fields=["office"])
    return campaign


@transaction.atomic
def contact_add(
    *, actor: User | None, campaign: Campaign, name: str, office: str = "", phone: str = "", email: str = ""
) -> CampaignContact:
    require(actor, campaign, campaign.issuing_unit, Role.ADMIN, "维护联系人")
    if not name.strip() or not (phone.strip() or email.strip()):
        raise DomainError("联系人需要姓名，以及电话或邮箱。", code="contact_invalid")
    return CampaignContact.objects.create(
        campaign=campaign,
        name=name.strip(),
        office=office.strip(),
        phone=phone.strip(),
        email=email.strip(),
        position=campaign.contacts.count(),
    )


# -- requirements ------------------------------------------------------------------------------


def _check_requirement(campaign: Campaign, values: dict[str, Any]) -> None:
    problems = []
    if values.get("kind") not in RequirementKind.values:
        problems.append("请选择报送事项类别")
    if not str(values.get("title", "")).strip():
        problems.append("请填写报送事项名称")
    applies_to = values.get("applies_to") or []
    named: list[Unit] = list(values.get("addressed_units") or [])
    institution_types = values.get("institution_types") or []
    if any(k not in SUBMITTER_KINDS for k in applies_to) or not (applies_to or named or institution_types):
        problems.append("请选择须报送的下级单位层级，或点名须报送的单位、机构类型")
    issuer = campaign.issuing_unit
    outside = [u.name for u in named if u.pk == issuer.pk or not is_within(issuer, u)]
    if outside:
        problems.append(f"点名的单位 {'、'.join(outside)} 不在 {issuer.name} 之下")
    unknown = [t for t in institution_types if t not in InstitutionType.values]
    if unknown:
        problems.append(f"未知的机构类型 {'、'.join(map(str, unknown))}")
    deadline: datetime.date | None = values.get("deadline")
    if deadline is None:
        problems.append("请填写截止日期")
    elif campaign.issued_on is not None and deadline < campaign.issued_on:
        problems.append(
            f"截止日期 {chinese_date(deadline)} 早于活动发文日期 {chinese_date(campaign.issued_on)}"
        )
    for name, label in RULE_FIELDS.items():
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or value < 0):
            problems.append(f"{label}不能小于 0")
    for low, high, label in [
        ("body_min_chars", "body_max_chars", "正文字数"),
        ("photo_min", "photo_max", "照片张数"),
    ]:
        lo, hi = values.get(low), values.get(high)
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            problems.append(f"{label}的下限不能大于上限")
    criteria = values.get("scoring_criteria") or []
    names = [c.get("name") for c in criteria if isinstance(c, dict)]
    if (
        not isinstance(criteria, list)
        or len(names) != len(criteria)
        or any(not isinstance(n, str) or not n.strip() for n in names)
        or len(set(names)) != len(names)
        or any(not isinstance(c.get("max"), int) or not 0 < c["max"] <= 1000 for c in criteria)
    ):
        problems.append("评分项应各有不重复的名称和 1—1000 的满分")
    parent_requirement: Requirement | None = values.get("parent_requirement")
    if parent_requirement is not None:
        above = [c.pk for c in campaign_lineage(campaign)[:-1]]
        if parent_requirement.campaign_id not in above:
            problems.append("对应的上级报送事项不属于上级活动")
        elif deadline is not None and deadline > parent_requirement.deadline:
            problems.append(
                f"本级截止日期 {chinese_date(deadline)} 不能晚于上级的 "
                f"{chinese_date(parent_requirement.deadline)}（{parent_requirement.campaign.issuing_unit.name}）"
            )
        if values.get("kind") != parent_requirement.kind:
            problems.append(
                f"承接上级事项的类别随上级（{parent_requirement.get_kind_display()}），不能改为"
                f"“{RequirementKind(values['kind']).label if values.get('kind') in RequirementKind.values else values.get('kind')}”"
            )
    if problems:
        raise DomainError("；".join(problems) + "。", code="requirement_invalid")


REQUIREMENT_FIELDS = (
    "kind",
    "title",
    "description",
    "applies_to",
    "institution_types",
    "deadline",
    "closed",
    "parent_requirement",
    "asks_platform",
    "publish_winners",
    "scoring_criteria",
    *RULE_FIELDS,
)
# What may still change once a unit has handed in: the deadline, whether it closes, the rules.
CHANGEABLE_AFTER_HAND_IN = ("deadline", "closed", *RULE_FIELDS)


@transaction.atomic
def requirement_create(*, actor: User | None, campaign: Campaign, **values: Any) -> Requirement:
    require(actor, campaign, campaign.issuing_unit, Role.ADMIN, "设置报送事项")
    parent_requirement = values.get("parent_requirement")
    if parent_requirement is not None:
        # A level that passes a requirement down takes its kind, and its title and rules unless
        # it sets its own.
        values = {
            "kind": parent_requirement.kind,
            "title": parent_requirement.title,
            "description": parent_requirement.description,
            "asks_platform": parent_requirement.asks_platform,
            "publish_winners": parent_requirement.publish_winners,
            **{name: getattr(parent_requirement, name) for name in RULE_FIELDS},
        } | {k: v for k, v in values.items() if v is not None and v != "" and v is not False}
    _check_requirement(campaign, values)
    fields = {name: values[name] for name in REQUIREMENT_FIELDS if name in values}
    fields["title"] = fields["title"].strip()
    requirement = Requirement.objects.create(
        campaign=campaign, position=campaign.requirements.count(), **fields
    )
    requirement.addressed_units.set(values.get("addressed_units") or [])
    if campaign.status == CampaignStatus.PUBLISHED:
        _notify_passed_down(requirement)
    return requirement


@transaction.atomic
def requirement_update(*, actor: User | None, requirement: Requirement, **values: Any) -> Requirement:
    """Correct a requirement. Before any unit has handed in, everything may change; after, only
    the deadline, whether it closes and the rules (``CHANGEABLE_AFTER_HAND_IN``), each change kept
    in the requirement's history. A requirement passed down keeps its parent's kind."""
    campaign = requirement.campaign
    require(actor, campaign, campaign.issuing_unit, Role.ADMIN, "设置报送事项")
    requirement = Requirement.objects.select_for_update().select_related("campaign").get(pk=requirement.pk)
    merged = {name: getattr(requirement, name) for name in REQUIREMENT_FIELDS} | values
    named_before = set(named_unit_ids(requirement))
    merged["addressed_units"] = (
        values["addressed_units"] if "addressed_units" in values else list(requirement.addressed_units.all())
    )
    _check_requirement(campaign, merged)
    changed = [
        name for name in REQUIREMENT_FIELDS if name in values and values[name] != getattr(requirement, name)
    ]
    if "addressed_units" in values and {u.pk for u in values["addressed_units"]} != named_before:
        changed.append("addressed_units")
    handed_in = handed_in_units(requirement)
    locked = [name for name in changed if name not in CHANGEABLE_AFTER_HAND_IN]
    if handed_in and locked:
        labels = "、".join(
            "点名报送的单位" if name == "addressed_units" else Requirement.field_label(name)
            for name in locked
        )
        raise DomainError(
            f"已有 {len(handed_in)} 个单位提交了“{requirement.title}”，{labels}不能再改；"
            "只能修改截止日期、截止后是否接收和报送要求（字数、照片等）。",
            code="requirement_handed_in",
        )
    child = (
        requirement.derived.filter(deadline__gt=merged["deadline"])
        .select_related("campaign__issuing_unit")
        .first()
    )
    if child is not None:
        raise DomainError(
            f"{child.campaign.issuing_unit.name}的同一事项截止于 {chinese_date(child.deadline)}，"
            "本级截止日期不能早于它。",
            code="requirement_invalid",
        )
    if not changed:
        return requirement
    before = {name: getattr(requirement, name) for name in changed if name != "addressed_units"}
    for name in REQUIREMENT_FIELDS:
        if name in values:
            setattr(requirement, name, values[name])
    requirement.save()
    if "addressed_units" in values:
        requirement.addressed_units.set(values["addressed_units"])
    if campaign.status == CampaignStatus.PUBLISHED:
        _notify_changed(requirement, before)
    return requirement


@transaction.atomic
def requirement_delete(*, actor: User | None, requirement: Requirement) -> None:
    """Delete a requirement nobody has answered yet (drafts go with it). Refused once a unit has
    handed in, or while a lower level passes it down."""
    campaign = requirement.campaign
    require(actor, campaign, campaign.issuing_unit, Role.ADMIN, "删除报送事项")
    requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
    handed_in = handed_in_units(requirement)
    if handed_in:
        names = "、".join(u.name for u in handed_in[:5]) + ("等" if len(handed_in) > 5 else "")
        raise DomainError(
            f"已有 {len(handed_in)} 个单位提交了“{requirement.title}”（{names}），不能删除；"
            "如需调整，可修改截止日期或报送要求。",
            code="requirement_handed_in",
        )
    child = requirement.derived.select_related("campaign__issuing_unit").first()
    if child is not None:
        raise DomainError(
            f"{child.campaign.issuing_unit.name}已承接该事项（“{child.title}”），请先删除下级的事项。",
            code="requirement_passed_down",
        )
    try:
        with transaction.atomic():
            audit_record(
                "object.delete",
                actor=actor,
                target=requirement,
                target_label=f"报送事项：{requirement.title}",
            )
            requirement.submissions.all().delete()  # drafts only: nothing was handed in
            requirement.delete()
    except ProtectedError as exc:
        what = "、".join(sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))
        raise DomainError(
            f"“{requirement.title}”已有下级填写的{what}，不能删除。", code="requirement_in_use"
        ) from exc


# -- submissions -------------------------------------------------------------------------------


# The audit log's word for each state a submission moves into (saving a draft is not audited).
_AUDITED = {
    SubmissionState.SUBMITTED: "submission.submit",
    SubmissionState.RESUBMITTED: "submission.submit",
    SubmissionState.APPROVED: "submission.approve",
    SubmissionState.RETURNED: "submission.return",
}


def _log(submission: Submission, actor: User | None, from_state: str, comment: str = "") -> None:
    action = _AUDITED.get(submission.state) if submission.state != from_state else None
    if action is not None:
        audit_record(
            action,
            actor=actor,
            target=submission,
            target_label=f"{submission.unit.name}：{submission.requirement.title}",
            detail={"from": from_state, "to": submission.state, "comment": comment[:200]},
        )
    SubmissionEvent.objects.create(
        submission=submission,
        at=timezone.now(),
        actor=actor,
        from_state=from_state,
        to_state=submission.state,
        comment=comment,
    )


@transaction.atomic
def submission_save(
    *,
    actor: User | None,
    requirement: Requirement,
    unit: Unit,
    title: str = "",
    body: str = "",
    details: dict[str, Any] | None = None,
) -> Submission:
    """Create or update the unit's draft. Refused once approved, until the reviewer reopens it."""
    require(actor, requirement.campaign, unit, Role.REPORTER, "填报")
    if requirement.campaign.status != CampaignStatus.PUBLISHED:
        raise DomainError("该活动未发布或已结束，不能填报。", code="campaign_not_open")
    if not requirement_applies_to(requirement, unit):
        raise DomainError(f"“{requirement.title}”不要求 {unit.name} 报送。", code="not_applicable")
    # The unit's one submission may not exist yet: two first saves at the same moment take turns
    # on this lock, so the second finds the first's row instead of creating a second one.
    lock(key(SUBMISSION, requirement.pk, unit.pk))
    submission = Submission.objects.select_for_update().filter(requirement=requirement, unit=unit).first()
    if submission is None:
        submission = Submission.objects.create(requirement=requirement, unit=unit, created_by=actor)
        _log(submission, actor, "")
    elif not submission.can_edit():
        raise DomainError(
            f"该材料{submission.get_state_display()}，不能修改"
            + (
                "；如需修改，请上级审核员退回或重新打开。"
                if submission.state == SubmissionState.APPROVED
                else "。"
            ),
            code="locked",
        )
    submission.title, submission.body = title.strip(), body.strip()
    if details is not None:
        submission.details = details
    submission.save(update_fields=["title", "body", "details", "updated_at"])
    return submission


@transaction.atomic
def submission_submit(
    *, actor: User | None, submission: Submission, now: datetime.datetime | None = None, comment: str = ""
) -> Submission:
    require(actor, submission.requirement.campaign, submission.unit, Role.REPORTER, "提交")
    submission = (
        Submission.objects.select_for_update().select_related("requirement__campaign").get(pk=submission.pk)
    )
    requirement = submission.requirement
    if not submission.can_submit():
        raise DomainError(f"该材料{submission.get_state_display()}，不能再次提交。", code="bad_state")
    now = now or timezone.now()
    late = timezone.localtime(now).date() > requirement.deadline
    if late and requirement.closed:
        raise DomainError(
            f"“{requirement.title}”已于 {chinese_date(requirement.deadline)} 截止，不再接收。", code="closed"
        )
    problems = submission_problems(submission)
    if problems:
        raise DomainError("不符合报送要求：" + "；".join(problems) + "。", code="rules")
    before = submission.state
    submission.state = (
        SubmissionState.RESUBMITTED if before == SubmissionState.RETURNED else SubmissionState.SUBMITTED
    )
    if submission.first_submitted_at is None:
        submission.first_submitted_at = now
        # Timeliness is that of the first hand-in; a later correction does not make it late.
        submission.is_late = late
    submission.submitted_at = now
    submission.save()
    _log(submission, actor, before, comment)
    _notify_reviewers(submission, resubmitted=before == SubmissionState.RETURNED)
    return submission


def _requirement_of(submission: Submission) -> Requirement:
    """The submission's requirement with its campaign and issuer, for the notices of a decision."""
    return Requirement.objects.select_related("campaign__issuing_unit").get(pk=submission.requirement_id)


def _notify_reviewers(submission: Submission, *, resubmitted: bool) -> Delivery:
    """Tell the level that asked for the material (the issuer of the requirement's campaign)
    that a unit handed it in: it waits on their 工作台 too."""
    requirement = _requirement_of(submission)
    unit = Unit.objects.get(pk=submission.unit_id)
    what = "重新提交了" if resubmitted else "提交了"
    return notify_units(
        [requirement.campaign.issuing_unit],
        kind=NoticeKind.SUBMITTED,
        title=f"{unit.name}{what}“{requirement.title}”",
        body=f"{unit.name}{what}“{requirement.title}”（{requirement.campaign.title}），等待审核。",
        link=reverse("backoffice:submission", args=[submission.pk]),
    )


def _require_reviewer(actor: User | None, submission: Submission) -> None:
    """The reviewer is above the submitting unit, inside the issuing unit's subtree."""
    require(actor, submission.requirement.campaign, submission.unit, Role.REVIEWER, "审核", above=True)


@transaction.atomic
def submission_return(*, actor: User | None, submission: Submission, reason: str) -> Submission:
    _require_reviewer(actor, submission)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.can_review():
        raise DomainError(f"该材料{submission.get_state_display()}，不能退回。", code="bad_state")
    if not reason.strip():
        raise DomainError("退回时请写明理由，下级会看到。", code="reason_required")
    before = submission.state
    submission.state = SubmissionState.RETURNED
    submission.return_reason = reason.strip()
    submission.save(update_fields=["state", "return_reason", "updated_at"])
    _log(submission, actor, before, reason.strip())
    _notify_unit(submission, NoticeKind.RETURNED, "被退回", f"退回理由：{submission.return_reason}")
    return submission


def _notify_unit(submission: Submission, kind: str, what: str, body: str = "") -> Delivery:
    """Tell the submitting unit what the reviewer did with its material."""
    requirement = _requirement_of(submission)
    return notify_units(
        [Unit.objects.get(pk=submission.unit_id)],
        kind=kind,
        title=f"“{requirement.title}”{what}",
        body=f"{requirement.campaign.issuing_unit.name} · {requirement.campaign.title}：“{requirement.title}”{what}。"
        + (f"\n{body}" if body else ""),
        link=reverse("backoffice:submission", args=[submission.pk]),
    )


@transaction.atomic
def submission_approve(*, actor: User | None, submission: Submission, comment: str = "") -> Submission:
    _require_reviewer(actor, submission)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.can_review():
        raise DomainError(f"该材料{submission.get_state_display()}，不能审核通过。", code="bad_state")
    before = submission.state
    submission.state = SubmissionState.APPROVED
    submission.approved_at = timezone.now()
    submission.save(update_fields=["state", "approved_at", "updated_at"])
    _log(submission, actor, before, comment.strip())
    _notify_unit(
        submission,
        NoticeKind.APPROVED,
        "已审核通过",
        f"审核意见：{comment.strip()}" if comment.strip() else "",
    )
    return submission


@transaction.atomic
def submission_reopen(*, actor: User | None, submission: Submission, reason: str) -> Submission:
    """Unlock an approved submission for changes; it goes back to the unit as returned."""
    _require_reviewer(actor, submission)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.can_reopen():
        raise DomainError("只有已通过的材料可以重新打开。", code="bad_state")
    if not reason.strip():
        raise DomainError("重新打开时请写明理由。", code="reason_required")
    before = submission.state
    submission.state = SubmissionState.RETURNED
    submission.return_reason = reason.strip()
    submission.approved_at = None
    submission.save(update_fields=["state", "return_reason", "approved_at", "updated_at"])
    _log(submission, actor, before, reason.strip())
    _notify_unit(
        submission, NoticeKind.REOPENED, "已重新打开，请修改后再次提交", f"理由：{submission.return_reason}"
    )
    return submission


BULK_ACTIONS = {"approve": "审核通过", "return": "退回修改"}


def _bulk_refusal(actor: User | None, submission: Submission) -> str | None:
    """Why ``actor`` may not decide ``submission`` now (the guard and the state the single-item
    services check), or None."""
    try:
        _require_reviewer(actor, submission)
    except NotFound:
        return "不在本级审核范围"
    except PermissionDenied as exc:
        return exc.message.rstrip("。")
    if not submission.can_review():
        return submission.get_state_display()
    return None


@transaction.atomic
def submissions_decide_bulk(
    *, actor: User | None, submissions: list[Submission], action: str, reason: str = ""
) -> list[Submission]:
    """Approve or return many submissions at once (from a board), all or nothing: when the actor
    may not decide one of them, or one no longer awaits review, none is decided and the message
    names each of those. Each is then decided by ``submission_approve`` / ``submission_return``,
    so it is guarded, locked, logged (and whatever else they do) as one decided on its own page."""
    if action not in BULK_ACTIONS:
        raise DomainError("未知的操作：应为审核通过或退回修改。", code="bad_action")
    if not submissions:
        raise DomainError("请先勾选要审核的材料。", code="nothing_selected")
    if action == "return" and not reason.strip():
        raise DomainError("退回时请写明理由，下级会看到。", code="reason_required")
    ids = sorted({s.pk for s in submissions})
    locked = list(
        Submission.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("unit", "requirement__campaign__issuing_unit")
        .order_by("pk")
    )
    refused = [
        f"{s.unit.name}“{s.requirement.title}”（{why}）"
        for s in sorted(locked, key=lambda s: s.unit.path)
        if (why := _bulk_refusal(actor, s)) is not None
    ]
    if len(locked) < len(ids):
        refused.append(f"{len(ids) - len(locked)} 项已不存在")
    if refused:
        raise DomainError(
            f"以下 {len(refused)} 项不能审核：" + "；".join(refused) + "。", code="bulk_refused"
        )
    decided = []
    for submission in locked:
        if action == "approve":
            decided.append(submission_approve(actor=actor, submission=submission, comment=reason))
        else:
            decided.append(submission_return(actor=actor, submission=submission, reason=reason))
    return decided


# -- reminders and deadline notices ------------------------------------------------------------


def _missing_units(requirement: Requirement, under: Unit | None = None) -> list[Unit]:
    """The units that must answer ``requirement`` (below ``under``) and have not handed it in."""
    units = applicable_units(requirement)
    if under is not None:
        units = within(units, under)
    done = Submission.objects.filter(requirement=requirement, state__in=HANDED_IN).values("unit_id")
    return list(units.exclude(pk__in=done).only("pk", "name", "path").order_by("path"))


def _due_text(requirement: Requirement, on: datetime.date) -> str:
    days = (requirement.deadline - on).days
    when = f"还剩 {days} 天" if days >= 0 else f"已逾期 {-days} 天"
    lines = [
        f"“{requirement.title}”（{requirement.campaign.title}）尚未提交，"
        f"截止 {chinese_date(requirement.deadline)}，{when}。"
    ]
    for contact in requirement.campaign.contacts.all():
        lines.append(f"联系人：{contact.office} {contact.name} {contact.phone} {contact.email}".rstrip())
    return "\n".join(lines)


@transaction.atomic
def reminders_send(
    *,
    actor: User | None,
    requirement: Requirement,
    under: Unit | None = None,
    on: datetime.date | None = None,
) -> Delivery:
    """Remind every unit (below ``under``) that has not handed in ``requirement``: a notice in the
    app to each of its accounts, e-mailed where an account has an address, and a ``Reminder``
    row per unit. Returns what it reached; pressing again says how many were already reminded
    today, and when."""
    if actor is not None and not may_send_reminders(actor):
        raise PermissionDenied("只有审核员或管理员可以发送提醒。")
    on = on or today()
    requirement = Requirement.objects.select_related("campaign__issuing_unit").get(pk=requirement.pk)
    units = _missing_units(requirement, under)
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    missing = {u.pk for u in units}
    earlier = [  # this requirement's reminders of today: a handful, whatever the board's size
        (unit_id, at)
        for unit_id, at in Reminder.objects.filter(requirement=requirement, at__gte=midnight)
        .order_by("-at")
        .values_list("unit_id", "at")
        if unit_id in missing
    ]
    already = {unit_id for unit_id, _ in earlier}
    last = earlier[0][1] if earlier else None
    delivery = notify_units(
        units,
        kind=NoticeKind.REMINDED,
        title=f"催报：“{requirement.title}”尚未提交",
        body=_due_text(requirement, on),
        link=reverse("backoffice:submission_edit", args=[requirement.pk]),
    )
    Reminder.objects.bulk_create(
        [
            Reminder(requirement=requirement, unit=u, at=now, by=actor, channels=delivery.channels[u.pk])
            for u in units
            if delivery.channels.get(u.pk)  # a unit nothing reached was not reminded
        ],
        batch_size=500,
    )
    if already and last is not None:
        delivery.note = f"其中 {len(already)} 个单位今天已提醒过（最近提醒 {timezone.localtime(last):%H:%M}）"
    return delivery


DEADLINE_THRESHOLDS = (7, 1)


@transaction.atomic
def deadline_notices_send(
    *, on: datetime.date | None = None, thresholds: tuple[int, ...] = DEADLINE_THRESHOLDS
) -> Delivery:
    """Tell each unit that has not handed in a published requirement that its deadline is
    ``thresholds`` days away (7, then 1): once per requirement, unit and threshold, recorded in
    ``DeadlineNotice``, so a second run the same day (or the next) sends nothing again. A unit
    first told when the deadline is already 1 day away gets one notice, counted for both."""
    on = on or today()
    horizon = on + datetime.timedelta(days=max(thresholds))
    due = Requirement.objects.filter(
        campaign__status=CampaignStatus.PUBLISHED, deadline__gt=on, deadline__lte=horizon
    ).select_related("campaign", "campaign__issuing_unit")
    delivery = Delivery()
    now = timezone.now()
    for requirement in due:
        days = (requirement.deadline - on).days
        crossed = sorted(t for t in thresholds if days <= t)
        units = _missing_units(requirement)
        told = set(
            DeadlineNotice.objects.filter(requirement=requirement, days__in=crossed).values_list(
                "unit_id", "days"
            )
        )
        fresh = [u for u in units if any((u.pk, t) not in told for t in crossed)]
        if not fresh:
            continue
        delivery += notify_units(
            fresh,
            kind=NoticeKind.DEADLINE,
            title=f"“{requirement.title}”还剩 {days} 天截止（{chinese_month_day(requirement.deadline)}）",
            body=_due_text(requirement, on),
            link=reverse("backoffice:submission_edit", args=[requirement.pk]),
        )
        DeadlineNotice.objects.bulk_create(
            [
                DeadlineNotice(requirement=requirement, unit=u, days=t, at=now)
                for u in fresh
                for t in crossed
                if (u.pk, t) not in told
            ],
            batch_size=500,
        )
    return delivery


# -- activity-week dates (from 2024: provinces apply, the ministry arranges) -------------------


@transaction.atomic
def week_slot_apply(
    *, actor: User | None, campaign: Campaign, province: Unit, start: datetime.date, end: datetime.date
) -> WeekSlot:
    """A province asks for its activity-week dates in the ministry's campaign."""
    require(actor, None, province, Role.ADMIN, "申请活动周时间")
    if campaign.issuing_unit.kind != UnitKind.MINISTRY or province.kind != UnitKind.PROVINCE:
        raise DomainError("活动周时间由省级单位向教育部的年度活动申请。", code="week_invalid")
    _check_week(campaign, start, end)
    lock(key(WEEK_SLOT, campaign.pk, province.pk))  # two first requests at once make one slot
    slot = WeekSlot.objects.select_for_update().filter(campaign=campaign, province=province).first()
    if slot is not None and slot.status == WeekSlot.Status.ARRANGED:
        raise DomainError("教育部已安排本省的活动周时间，如需调整请联系教育部。", code="week_arranged")
    if slot is None:
        return WeekSlot.objects.create(
            campaign=campaign, province=province, start=start, end=end, applied_start=start, applied_end=end
        )
    slot.start, slot.end = start, end
    slot.applied_start, slot.applied_end = start, end
    slot.save(update_fields=["start", "end", "applied_start", "applied_end"])
    return slot


@transaction.atomic
def week_slot_arrange(
    *,
    actor: User | None,
    campaign: Campaign,
    province: Unit,
    start: datetime.date,
    end: datetime.date,
    reason: str = "",
) -> WeekSlot:
    """The ministry fixes a province's week: keeping the dates it asked for, moving them (a
    reason is then required), or arranging a province that did not apply. Each arrangement is
    kept in the slot's history and the province is told."""
    require(actor, campaign, campaign.issuing_unit, Role.ADMIN, "安排活动周时间")
    if campaign.issuing_unit.kind != UnitKind.MINISTRY or province.kind != UnitKind.PROVINCE:
        raise DomainError("活动周时间由教育部为各省级单位安排。", code="week_invalid")
    _check_week(campaign, start, end)
    reason = reason.strip()
    lock(key(WEEK_SLOT, campaign.pk, province.pk))
    slot = WeekSlot.objects.select_for_update().filter(campaign=campaign, province=province).first()
    asked = (slot.applied_start, slot.applied_end) if slot is not None else (None, None)
    moved = asked[0] is not None and asked != (start, end)
    applied, applied_end = asked
    asked_text = (
        f"{chinese_month_day(applied)}—{chinese_month_day(applied_end)}" if applied and applied_end else ""
    )
    if moved and not reason:
        raise DomainError(
            f"{province.name}申请的是 {asked_text}，改为其他日期时请写明理由（省里会看到）。",
            code="reason_required",
        )
    before = (slot.start, slot.end) if slot is not None else (None, None)
    if slot is None:
        slot = WeekSlot.objects.create(
            campaign=campaign, province=province, start=start, end=end, status=WeekSlot.Status.ARRANGED
        )
    else:
        slot.start, slot.end, slot.status = start, end, WeekSlot.Status.ARRANGED
        slot.save(update_fields=["start", "end", "status"])
    WeekSlotChange.objects.create(
        slot=slot,
        at=timezone.now(),
        actor=actor,
        from_start=before[0],
        from_end=before[1],
        start=start,
        end=end,
        reason=reason,
    )
    if asked[0] is None:
        what = "（本省未申请，由教育部直接安排）"
    elif moved:
        what = f"（本省申请 {asked_text}，已调整）"
    else:
        what = "（按本省申请）"
    notify_units(
        [province],
        kind=NoticeKind.WEEK_MOVED,
        title=f"教育部安排本省活动周：{chinese_month_day(start)}—{chinese_month_day(end)}",
        body=f"“{campaign.title}”：{province.name}的活动周安排在 {chinese_date(start)}—{chinese_month_day(end)}{what}。"
        + (f"\n理由：{reason}" if reason else ""),
        link=reverse("backoffice:week_slots", args=[campaign.slug]),
    )
    return slot


def _check_week(campaign: Campaign, start: datetime.date, end: datetime.date) -> None:
    if start > end:
        raise DomainError("活动周的开始日期不能晚于结束日期。", code="week_invalid")
    if start.year != campaign.year or end.year != campaign.year:
        raise DomainError(f"活动周应在 {campaign.year} 年之内。", code="week_invalid")
    if (end - start).days > 13:
        raise DomainError("活动周最长两周。", code="week_invalid")
