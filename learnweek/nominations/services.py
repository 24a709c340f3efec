"""Writes to nominations: fill in, submit under the quota, decide level by level, order, attach
photos and stamped scans, score. One transaction per user action; a refusal changes nothing."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from learnweek.audit.services import audit_record
from learnweek.campaigns.access import acts_as, require
from learnweek.campaigns.models import CampaignStatus, Requirement
from learnweek.campaigns.rules import count_chars
from learnweek.campaigns.selectors import requirement_applies_to
from learnweek.core import clock
from learnweek.core.chinese import chinese_date
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from learnweek.core.locking import QUOTA, key, lock
from learnweek.core.phones import is_phone_number
from learnweek.core.uploads import check_pdf, photo_delete, photo_store, write_files
from learnweek.core.validation import is_http_url
from learnweek.nominations.kinds import deeds_limit, is_nomination, spec_for
from learnweek.nominations.models import (
    Decision,
    DecisionAction,
    Gender,
    Nomination,
    NominationPhoto,
    NominationSheet,
    NominationState,
    Score,
)
from learnweek.nominations.selectors import (
    level_count,
    level_list,
    next_stage,
    review_chain,
    stage_of,
)
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.privacy.selectors import publication_refusal

if TYPE_CHECKING:
    from learnweek.accounts.models import User

VALUE_FIELDS = (
    "name",
    "supervisor",
    "head_name",
    "head_title",
    "address",
    "phone",
    "birth_date",
    "gender",
    "ethnicity",
    "workplace",
    "position",
    "email",
    "deeds",
    "story",
    "video_url",
    "resources",
    "contact_name",
    "contact_phone",
)
MAX_LENGTHS = {f.name: f.max_length for f in Nomination._meta.concrete_fields if f.max_length}


def _field_problems(requirement: Requirement, values: dict[str, Any], *, complete: bool) -> list[str]:
    """Each refused field by its label on the form, and what was found. ``complete``: every field
    the form marks as required must be filled (at submission; a draft may be partial)."""
    spec = spec_for(requirement)
    labels = {f.name: f.label for f in spec.fields}
    problems = []
    for field in spec.fields:
        value = values.get(field.name)
        if complete and field.required and (value is None or str(value).strip() == ""):
            problems.append(f"请填写“{field.label}”")
    for name, value in values.items():
        if name not in labels or value in (None, ""):
            continue
        label = labels[name]
        limit = MAX_LENGTHS.get(name)
        if isinstance(value, str) and limit and len(value) > limit:
            problems.append(f"“{label}”最多 {limit} 字（现有 {len(value)} 字）")
    deeds = str(values.get("deeds") or "")
    limit = deeds_limit(requirement)
    if "deeds" in labels and count_chars(deeds) > limit:
        problems.append(f"“{labels['deeds']}”限 {limit} 字以内（现有 {count_chars(deeds)} 字），可另附页")
    birth = values.get("birth_date")
    if "birth_date" in labels and birth:
        if not isinstance(birth, datetime.date):
            problems.append(f"“{labels['birth_date']}”不是日期")
        elif birth > clock.today():
            problems.append(f"“{labels['birth_date']}” {chinese_date(birth)} 在今天之后")
        elif birth.year < 1900:
            problems.append(f"“{labels['birth_date']}” {chinese_date(birth)} 不合理")
    gender = values.get("gender")
    if "gender" in labels and gender and gender not in Gender.values:
        problems.append(f"“{labels['gender']}”应为“男”或“女”")
    email = values.get("email")
    if "email" in labels and email:
        try:
            validate_email(email)
        except Exception:  # noqa: BLE001 - Django's ValidationError; the message is ours
            problems.append(f"“{labels['email']}”“{str(email)[:40]}”不是电子邮箱地址")
    for name in ("phone", "contact_phone"):
        value = values.get(name)
        if name in labels and value and not is_phone_number(str(value)):
            problems.append(f"“{labels[name]}”“{str(value)[:30]}”不是电话号码（手机 11 位，或区号-座机号）")
    url = values.get("video_url")
    if "video_url" in labels and url and not is_http_url(str(url)):
        problems.append(f"“{labels['video_url']}”不是 http(s) 网址")
    return problems


def _refuse(problems: list[str], code: str = "nomination_invalid") -> None:
    if problems:
        raise DomainError("；".join(problems) + "。", code=code)


def _clean(requirement: Requirement, values: dict[str, Any]) -> dict[str, Any]:
    allowed = {f.name for f in spec_for(requirement).fields}
    unknown = [k for k in values if k not in VALUE_FIELDS]
    if unknown:
        raise DomainError(f"未知的字段：{'、'.join(unknown)}。", code="nomination_invalid")
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name not in allowed:
            continue  # a field this kind does not ask for is ignored, not stored
        cleaned[name] = value.strip() if isinstance(value, str) else value
    return cleaned


def _load(nomination: Nomination, *, lock: bool = True) -> Nomination:
    """The nomination as it stands in the database, its row locked (``lock``) for the update."""
    queryset = Nomination.objects.select_related("requirement__campaign__issuing_unit", "unit", "at_unit")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=nomination.pk)
    except Nomination.DoesNotExist as exc:
        raise NotFound() from exc


def _lock(nomination: Nomination) -> Nomination:
    return _load(nomination)


def _require_editable(nomination: Nomination) -> None:
    if not nomination.can_edit():
        where = f"，正在{nomination.at_unit.name}审核" if nomination.at_unit else ""
        raise DomainError(
            f"“{nomination.name}”{nomination.get_state_display()}{where}，不能修改；"
            "如需修改，请审核单位退回。",
            code="locked",
        )


def _open(requirement: Requirement) -> None:
    if not is_nomination(requirement):
        raise DomainError(f"“{requirement.title}”不是推荐评选事项。", code="not_nomination")
    if requirement.campaign.status != CampaignStatus.PUBLISHED:
        raise DomainError("该活动未发布或已结束，不能填报。", code="campaign_not_open")


@transaction.atomic
def nomination_create(
    *, actor: User | None, requirement: Requirement, unit: Unit, **values: Any
) -> Nomination:
    require(actor, requirement.campaign, unit, Role.REPORTER, "填报推荐")
    _open(requirement)
    if not requirement_applies_to(requirement, unit):
        raise DomainError(f"“{requirement.title}”不要求 {unit.name} 推荐。", code="not_applicable")
    cleaned = _clean(requirement, values)
    _refuse(_field_problems(requirement, cleaned, complete=False))
    if not str(cleaned.get("name", "")).strip():
        label = next(f.label for f in spec_for(requirement).fields if f.name == "name")
        raise DomainError(f"请填写“{label}”。", code="nomination_invalid")
    top = Nomination.objects.filter(requirement=requirement, unit=unit).aggregate(top=Max("rank"))["top"] or 0
    return Nomination.objects.create(
        requirement=requirement,
        unit=unit,
        rank=top + 1,
        reached_depth=unit.depth,
        created_by=actor,
        **cleaned,
    )


@transaction.atomic
def nomination_update(*, actor: User | None, nomination: Nomination, **values: Any) -> Nomination:
    require(actor, nomination.requirement.campaign, nomination.unit, Role.REPORTER, "修改推荐")
    nomination = _lock(nomination)
    _require_editable(nomination)
    cleaned = _clean(nomination.requirement, values)
    merged = {name: getattr(nomination, name) for name in cleaned} | cleaned
    _refuse(_field_problems(nomination.requirement, merged, complete=False))
    if "name" in cleaned and not cleaned["name"]:
        raise DomainError("名称不能为空。", code="nomination_invalid")
    for name, value in cleaned.items():
        setattr(nomination, name, value)
    nomination.save()
    return nomination


@transaction.atomic
def nomination_delete(*, actor: User | None, nomination: Nomination) -> None:
    """A draft never handed in may be deleted; anything that went up stays, for the record."""
    require(actor, nomination.requirement.campaign, nomination.unit, Role.REPORTER, "删除推荐")
    nomination = _lock(nomination)
    if nomination.state != NominationState.DRAFT or nomination.decisions.exists():
        raise DomainError("只能删除从未上报的草稿。", code="locked")
    audit_record("object.delete", actor=actor, target=nomination, target_label=f"推荐：{nomination.name}")
    nomination.delete()


def _lock_level(requirement: Requirement, unit: Unit) -> None:
    """Serialises the quota checks and the list of one level: two reporters of a unit submitting
    at the same moment, or two reviewers of a city recommending, take turns. One lock for the
    whole family of requirements (keyed by its top one), since a level's list and quota count
    the requirements passed down below it too."""
    top = requirement
    while top.parent_requirement_id is not None:
        top = top.parent_requirement  # type: ignore[assignment]
    lock(key(QUOTA, top.pk, unit.pk))


def _quota_refusal(unit: Unit, requirement: Requirement, quota: int, names: list[str]) -> DomainError:
    noun = spec_for(requirement).noun
    listed = "、".join(names[:8])
    return DomainError(
        f"超出名额：{unit.name}在“{requirement.title}”限推荐 {quota} 个{noun}，"
        f"已推荐 {len(names)} 个（{listed}）。",
        code="over_quota",
    )


@transaction.atomic
def nomination_submit(
    *, actor: User | None, nomination: Nomination, opinion: str = "", now: datetime.datetime | None = None
) -> Nomination:
    """The nominating unit hands a nominee in with its own opinion (单位意见). Checked: every
    field, the photos the requirement asks for, the deadline, and the unit's quota — counted under
    the level's lock (``_lock_level``), so simultaneous submissions cannot both take the last
    place. The level's lock comes before the nomination's row, the order ``level_reorder`` takes
    them in, so the two never wait for each other."""
    require(actor, nomination.requirement.campaign, nomination.unit, Role.REPORTER, "上报推荐")
    _lock_level(nomination.requirement, nomination.unit)
    nomination = _lock(nomination)
    requirement = nomination.requirement
    _open(requirement)
    if not nomination.can_edit():
        raise DomainError(
            f"“{nomination.name}”{nomination.get_state_display()}，不能再次上报。", code="bad_state"
        )
    now = now or timezone.now()
    if requirement.closed and timezone.localtime(now).date() > requirement.deadline:
        raise DomainError(
            f"“{requirement.title}”已于 {chinese_date(requirement.deadline)} 截止，不再接收。", code="closed"
        )
    values = {f.name: getattr(nomination, f.name) for f in spec_for(requirement).fields}
    problems = _field_problems(requirement, values, complete=True)
    if spec_for(requirement).media:
        photos = nomination.photos.count()
        if requirement.photo_min is not None and photos < requirement.photo_min:
            problems.append(f"照片至少 {requirement.photo_min} 张（现有 {photos} 张）")
    _refuse(problems, code="incomplete")
    chain = review_chain(requirement, nomination.unit)
    if len(chain) < 2:
        raise DomainError("找不到上一级审核单位。", code="no_reviewer")
    quota = chain[0].quota
    if quota is not None:
        standing = list(
            Nomination.objects.filter(
                requirement=requirement,
                unit=nomination.unit,
                state__in=[NominationState.IN_REVIEW, NominationState.APPROVED],
            ).values_list("name", flat=True)
        )
        if len(standing) >= quota:
            raise _quota_refusal(nomination.unit, requirement, quota, standing)
    if nomination.state == NominationState.RETURNED:
        nomination.round += 1
    upper = chain[1].unit
    nomination.state = NominationState.IN_REVIEW
    nomination.at_unit = upper
    nomination.reached_depth = upper.depth
    nomination.unit_opinion = opinion.strip() or "同意推荐"
    nomination.save()
    Decision.objects.create(
        nomination=nomination,
        round=nomination.round,
        unit=nomination.unit,
        action=DecisionAction.SUBMIT,
        comment=nomination.unit_opinion,
        rank=nomination.rank,
        actor=actor,
        at=now,
    )
    return nomination


def _level_in_line(nomination: Nomination) -> Unit:
    """The level whose decision the nomination awaits."""
    level = nomination.at_unit
    if nomination.state != NominationState.IN_REVIEW or level is None:
        raise DomainError(
            f"“{nomination.name}”{nomination.get_state_display()}，现在不需要审核决定。", code="bad_state"
        )
    return level


def _not_in_line(actor: User | None, nomination: Nomination, level: Unit) -> DomainError:
    """Why ``actor`` may not decide at ``level``: missing while the nomination has not reached
    the actor's level, else whose turn it is."""
    requirement = nomination.requirement
    chain = review_chain(requirement, nomination.unit)
    mine = next((s.unit for s in chain if acts_as(actor, s.unit, requirement)), None)
    if mine is None or (mine.pk != nomination.unit_id and nomination.reached_depth > mine.depth):
        return NotFound()  # not yet recommended up to the actor's level: it does not see it
    if mine.pk == nomination.unit_id:
        return PermissionDenied(f"本单位推荐的对象由上级审核；现在由{level.name}审核。")
    return PermissionDenied(f"“{nomination.name}”现在由{level.name}审核，不是本级（{mine.name}）。")


@transaction.atomic
def nomination_decide(
    *,
    actor: User | None,
    nomination: Nomination,
    action: str,
    comment: str = "",
    now: datetime.datetime | None = None,
) -> Nomination:
    """The level whose turn it is recommends (passing it up, within its own quota to the level
    above; the top level's recommendation selects it), returns it for revision, or declines it."""
    seen = _load(nomination, lock=False)  # the guard runs before the lock, on what stands now
    level = _level_in_line(seen)
    require(
        actor,
        seen.requirement,
        level,
        Role.REVIEWER,
        "作出推荐决定",
        exactly=True,
        otherwise=lambda: _not_in_line(actor, seen, level),
    )
    nomination = _lock(nomination)
    if nomination.state != seen.state or nomination.at_unit_id != level.pk:
        raise DomainError(
            f"“{nomination.name}”刚由他人作出了决定（现为{nomination.get_state_display()}），请刷新后再看。",
            code="bad_state",
        )
    comment = comment.strip()
    now = now or timezone.now()
    rank = None
    if action == DecisionAction.RECOMMEND:
        stage = stage_of(nomination, level)
        if stage is None:
            raise DomainError(f"{level.name}不在“{nomination.name}”的审核链上。", code="bad_state")
        after = next_stage(nomination, level)
        _lock_level(stage.requirement, level)
        forwarded = [n for n in level_list(level, stage.requirement) if n.unit_id != level.pk]
        if (
            after is not None
            and stage.quota is not None
            and level_count(level, stage.requirement) >= stage.quota
        ):
            raise _quota_refusal(level, stage.requirement, stage.quota, [n.name for n in forwarded])
        rank = len(forwarded) + 1  # the level's list grows at its end; it may reorder it
        if after is not None:
            nomination.at_unit = after.unit
            nomination.reached_depth = after.unit.depth
        elif nomination.requirement.publish_winners:  # selecting is publishing on the showcase
            refusal = publication_refusal(nomination)
            if refusal is not None:
                raise refusal
        if after is None:  # the selecting level: selected
            nomination.state = NominationState.APPROVED
            nomination.at_unit = None
        comment = comment or "同意推荐"
    elif action in (DecisionAction.RETURN, DecisionAction.DECLINE):
        if not comment:
            what = "退回修改" if action == DecisionAction.RETURN else "不予推荐"
            raise DomainError(f"{what}时请写明理由，推荐单位会看到。", code="reason_required")
        nomination.state = (
            NominationState.RETURNED if action == DecisionAction.RETURN else NominationState.DECLINED
        )
        nomination.at_unit = None
    else:
        raise DomainError("未知的决定：应为同意推荐、退回修改或不予推荐。", code="bad_action")
    nomination.save()
    audit_record(
        "nomination.decide",
        actor=actor,
        target=nomination,
        target_label=f"推荐：{nomination.name}",
        detail={"action": action, "level": level.name, "comment": comment[:200]},
    )
    Decision.objects.create(
        nomination=nomination,
        round=nomination.round,
        unit=level,
        action=action,
        comment=comment,
        rank=rank,
        actor=actor,
        at=now,
    )
    return nomination


def _reorder_role(unit: Unit, current: list[Nomination]) -> Role:
    return Role.REPORTER if all(n.unit_id == unit.pk for n in current) else Role.REVIEWER


@transaction.atomic
def level_reorder(
    *, actor: User | None, requirement: Requirement, unit: Unit, order: list[int]
) -> list[Nomination]:
    """The level orders its list (推荐序号). ``order`` holds every nomination of the list, in the
    new order. Only what the next level has not yet decided on may move."""
    # A list of the level's own nominations is the reporters'; once it holds some from below,
    # the reviewers'. Asked of the list before the lock (the guard comes first) and again under
    # it: a recommendation from below may have joined the list in between.
    role = _reorder_role(unit, level_list(unit, requirement, drafts=True))
    require(actor, requirement, unit, role, "调整推荐顺序", exactly=True)
    _lock_level(requirement, unit)
    current = level_list(unit, requirement, drafts=True)
    if _reorder_role(unit, current) != role:
        raise DomainError("本级名单刚有变动（下级推荐了新的人选），请刷新后重新排序。", code="order_stale")
    ids = [n.pk for n in current]
    if sorted(order) != sorted(ids) or len(set(order)) != len(order):
        raise DomainError("排序须包含本级名单中的每一项，且不重复。", code="order_invalid")
    by_id = {n.pk: n for n in current}
    for n in current:
        moving = order.index(n.pk) != ids.index(n.pk)
        after = next_stage(n, unit)
        decided_above = n.state == NominationState.APPROVED or (
            after is not None and n.at_unit is not None and n.at_unit.depth < after.unit.depth
        )
        if moving and decided_above:
            raise DomainError(f"“{n.name}”上一级已作出决定，不能再调整顺序。", code="order_locked")
    for position, pk in enumerate(order, start=1):
        nomination = by_id[pk]
        if nomination.unit_id == unit.pk:
            Nomination.objects.filter(pk=pk).update(rank=position)
        else:
            Decision.objects.filter(
                nomination=nomination, unit=unit, round=nomination.round, action=DecisionAction.RECOMMEND
            ).update(rank=position)
    return level_list(unit, requirement, drafts=True)


# -- photos, scans and the level's sheet -------------------------------------------------------


@transaction.atomic
def photo_add(
    *, actor: User | None, nomination: Nomination, upload: IO[bytes], caption: str
) -> NominationPhoto:
    require(actor, nomination.requirement.campaign, nomination.unit, Role.REPORTER, "上传照片")
    nomination = _lock(nomination)
    requirement = nomination.requirement
    _require_editable(nomination)
    if not spec_for(requirement).media:
        raise DomainError(
            f"{spec_for(requirement).noun}的{spec_for(requirement).form_name}不附照片。", code="no_photos"
        )
    return photo_store(
        NominationPhoto,
        nomination.photos.all(),
        upload,
        caption=caption,
        min_long_side=requirement.photo_min_long_side,
        max_count=requirement.photo_max,
        nomination=nomination,
    )


@transaction.atomic
def photo_remove(*, actor: User | None, photo: NominationPhoto) -> None:
    require(actor, photo.nomination.requirement.campaign, photo.nomination.unit, Role.REPORTER, "删除照片")
    nomination = _lock(photo.nomination)
    _require_editable(nomination)
    photo_delete(photo)


@transaction.atomic
def scan_attach(*, actor: User | None, nomination: Nomination, upload: IO[bytes]) -> Nomination:
    """The stamped scan of the nominee's form, as the notices ask for with the Word file."""
    require(actor, nomination.requirement.campaign, nomination.unit, Role.REPORTER, "上传盖章扫描件")
    nomination = _lock(nomination)
    if nomination.state in (NominationState.APPROVED, NominationState.DECLINED):
        raise DomainError(
            f"“{nomination.name}”{nomination.get_state_display()}，不能再更换扫描件。", code="locked"
        )
    pdf = check_pdf(upload, label="申报表扫描件")
    write_files((nomination.scan, f"{uuid.uuid4().hex}.pdf", pdf.content))
    nomination.scan_name = pdf.name
    nomination.save(update_fields=["scan", "scan_name", "updated_at"])
    return nomination


@transaction.atomic
def sheet_save(
    *,
    actor: User | None,
    requirement: Requirement,
    unit: Unit,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    scan: IO[bytes] | None = None,
) -> NominationSheet:
    """A level's summary table: its contact lines and the stamped scan of the table."""
    require(actor, requirement, unit, (Role.REPORTER, Role.REVIEWER), "填写汇总表", exactly=True)
    if not is_nomination(requirement):
        raise DomainError(f"“{requirement.title}”不是推荐评选事项。", code="not_nomination")
    if contact_phone and not is_phone_number(contact_phone):
        raise DomainError(f"“联系电话”“{contact_phone[:30]}”不是电话号码。", code="nomination_invalid")
    pdf = check_pdf(scan, label="汇总表扫描件") if scan is not None else None
    sheet, _ = NominationSheet.objects.select_for_update().get_or_create(requirement=requirement, unit=unit)
    if contact_name is not None:
        sheet.contact_name = contact_name.strip()[:50]
    if contact_phone is not None:
        sheet.contact_phone = contact_phone.strip()[:50]
    if pdf is not None:
        write_files((sheet.scan, f"{uuid.uuid4().hex}.pdf", pdf.content))
        sheet.scan_name = pdf.name
    sheet.save()
    return sheet


# -- scoring -----------------------------------------------------------------------------------


def criteria_for(nomination: Nomination) -> list[dict[str, Any]]:
    """The scoring criteria of the requirement at the top of the nomination's chain."""
    top = review_chain(nomination.requirement, nomination.unit)[-1]
    return list(top.requirement.scoring_criteria or [])


@transaction.atomic
def score_save(*, actor: User, nomination: Nomination, points: dict[str, Any], comment: str = "") -> Score:
    """A reviewer of the selecting level scores a nominee before it, against each criterion."""
    chain = review_chain(nomination.requirement, nomination.unit)
    top = chain[-1]
    require(
        actor,
        nomination.requirement,
        top.unit,
        Role.REVIEWER,
        "评分",
        exactly=True,
        otherwise=lambda: PermissionDenied(f"评分由{top.unit.name}的审核员进行。"),
    )
    nomination = _lock(nomination)
    if not top.is_top or nomination.state not in (NominationState.IN_REVIEW, NominationState.APPROVED):
        raise DomainError("只有到达评选单位的推荐才能评分。", code="bad_state")
    if nomination.state == NominationState.IN_REVIEW and nomination.at_unit_id != top.unit.pk:
        raise DomainError(f"“{nomination.name}”尚未推荐到{top.unit.name}，不能评分。", code="bad_state")
    criteria = criteria_for(nomination)
    if not criteria:
        raise DomainError("该事项没有设置评分项。", code="no_criteria")
    problems, scored, total = [], {}, Decimal(0)
    for criterion in criteria:
        name, most = str(criterion.get("name")), Decimal(str(criterion.get("max", 0)))
        raw = points.get(name)
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            problems.append(f"“{name}”请填 0—{most} 分")
            continue
        if not value.is_finite() or value < 0 or value > most:
            problems.append(f"“{name}”应在 0—{most} 分之间（填了 {raw}）")
            continue
        scored[name] = float(value)
        total += value
    _refuse(problems, code="score_invalid")
    score, _ = Score.objects.update_or_create(
        nomination=nomination,
        reviewer=actor,
        defaults={"points": scored, "total": total, "comment": comment.strip(), "at": timezone.now()},
    )
    return score
