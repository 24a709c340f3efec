"""The 附表1 (示范活动汇总表) as a requirement kind, registered in ``activities.apps``.

A unit answers it on the live table of its demonstration activities of the campaign, not with
a title and a text: the activities it registered or imported and marked 示范 (an imported 附表1
marks them), and, for a level that passes the requirement down, the tables the units below
handed in and it approved. It marks and unmarks 示范 there, fills 填表联系人 and 联系电话, and
hands the table in. Handing in freezes the rows (``DemoTableSnapshot``): the reviewer reads the
frozen table, returns or approves it, and its export is that table in the notice's layout.

Whose activities are "own": those organised inside the unit's subtree, except inside the units
that answer the requirement the unit passed down (they hand in tables of their own, which reach
this one once approved). A unit that passed nothing down owns its whole subtree.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from learnweek.activities.exporters import FrozenFubiao1Exporter, span_text
from learnweek.activities.models import Activity, DemoTableSnapshot
from learnweek.campaigns.access import campaign_scope_root, require
from learnweek.campaigns.models import (
    CampaignStatus,
    Requirement,
    Submission,
    SubmissionState,
)
from learnweek.campaigns.selectors import (
    applicable_units,
    board_state_label,
    cascade_of,
    requirement_applies_to,
)
from learnweek.campaigns.services import submission_save, submission_submit
from learnweek.core.clock import today
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.locking import SUBMISSION, key, lock
from learnweek.core.packages import PackageEntry
from learnweek.core.public_cache import public_activities
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import unit_get_within, within, within_q

if TYPE_CHECKING:
    from learnweek.accounts.models import User

DEMO_TABLE = "demo_table"  # the family of the kind (campaigns.kinds)
CONTACT_NAME_MAX, CONTACT_PHONE_MAX = 50, 40
MARK_MAX = 200  # activities marked or unmarked in one action


def table_url(requirement: Requirement, unit: Unit) -> str:
    return reverse("backoffice:demo_table", args=[requirement.pk]) + f"?unit={unit.code}"


# -- the rows ------------------------------------------------------------------------------------


def row_of(activity: Activity) -> dict[str, Any]:
    """One activity as a row of the notice's table, as it is frozen."""
    return {
        "activity": activity.pk,
        "name": activity.name,
        "time": span_text(activity),
        "address": activity.address,
        "organiser": activity.organiser_name or activity.organiser.name,
        "headcount": activity.headcount,
        "phone": activity.registration_phone,
        "content": activity.content,
    }


def passed_down(requirement: Requirement, unit: Unit) -> list[Requirement]:
    """The requirements ``unit`` set in its own published campaign to collect ``requirement``
    from the units below it."""
    return list(
        Requirement.objects.filter(
            parent_requirement=requirement,
            campaign__issuing_unit=unit,
            campaign__status=CampaignStatus.PUBLISHED,
        ).select_related("campaign", "campaign__issuing_unit")
    )


@dataclass
class Below:
    """A unit below that answers the requirement ``unit`` passed down: its state, and the rows of
    its table once approved."""

    unit: Unit
    submission: Submission | None
    label: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return self.submission is not None and self.submission.state == SubmissionState.APPROVED


@dataclass
class DemoTable:
    requirement: Requirement
    unit: Unit
    submission: Submission | None
    own: QuerySet[Activity]
    below: list[Below]

    @property
    def editable(self) -> bool:
        return self.submission is None or self.submission.can_edit()

    @property
    def approved_below(self) -> list[Below]:
        return [b for b in self.below if b.approved]

    @property
    def contact_name(self) -> str:
        return str((self.submission.details or {}).get("contact_name", "")) if self.submission else ""

    @property
    def contact_phone(self) -> str:
        return str((self.submission.details or {}).get("contact_phone", "")) if self.submission else ""

    def own_rows(self) -> Iterator[dict[str, Any]]:
        for activity in (
            self.own.select_related("organiser").order_by("start", "pk").iterator(chunk_size=2000)
        ):
            yield row_of(activity)

    def rows(self) -> list[dict[str, Any]]:
        """The whole table as it would be frozen now: the unit's own rows, then each approved
        table from below in tree order."""
        found = list(self.own_rows())
        for below in self.approved_below:
            found.extend(below.rows)
        return found


def _candidates(requirement: Requirement, unit: Unit, below_units: Iterable[Unit]) -> QuerySet[Activity]:
    """The unit's own activities of the campaign's year (any campaign of its cascade), not
    cancelled: those it may mark 示范 for this table."""
    cascade = cascade_of(requirement.campaign)
    queryset = within(
        Activity.objects.filter(campaign_id__in=cascade.ids, year=cascade.year, cancelled_at__isnull=True),
        unit,
        path_field="unit_path",
    )
    excluded = Q()
    for other in below_units:
        if other.pk != unit.pk:
            excluded |= within_q(other, path_field="unit_path")
    return queryset.exclude(excluded) if excluded else queryset


def _below(requirement: Requirement, unit: Unit, on: datetime.date) -> tuple[list[Unit], list[Below]]:
    units: dict[int, Unit] = {}
    rows: list[Below] = []
    for derived in passed_down(requirement, unit):
        answering = list(applicable_units(derived).order_by("path"))
        submissions = {s.unit_id: s for s in Submission.objects.filter(requirement=derived)}
        snapshots = latest_snapshots([s for s in submissions.values() if s.state == SubmissionState.APPROVED])
        for other in answering:
            if other.pk in units:
                continue
            units[other.pk] = other
            submission = submissions.get(other.pk)
            snapshot = snapshots.get(submission.pk) if submission is not None else None
            rows.append(
                Below(
                    unit=other,
                    submission=submission,
                    label=board_state_label(derived, submission, on),
                    rows=list(snapshot.data.get("rows", [])) if snapshot is not None else [],
                )
            )
    return list(units.values()), rows


def demo_table_unit_for(user: User, requirement: Requirement, code: str | None) -> Unit:
    """The unit whose 附表1 ``user`` opens: its own by default, or a unit of its subtree that
    answers ``requirement``; anything else is missing."""
    root = campaign_scope_root(user, requirement.campaign)
    unit = (root or requirement.campaign.issuing_unit) if not code else unit_get_within(root, code)
    if not requirement_applies_to(requirement, unit):
        raise NotFound()
    return unit


def demo_table(requirement: Requirement, unit: Unit, *, on: datetime.date | None = None) -> DemoTable:
    """The live 附表1 of ``unit`` for ``requirement``."""
    below_units, below = _below(requirement, unit, on or today())
    return DemoTable(
        requirement=requirement,
        unit=unit,
        submission=Submission.objects.filter(requirement=requirement, unit=unit).first(),
        own=_candidates(requirement, unit, below_units).filter(is_demonstration=True),
        below=below,
    )


def unmarked(table: DemoTable, query: str = "") -> QuerySet[Activity]:
    """The unit's own activities not marked 示范, newest first, optionally by a word of the name."""
    below_units = [b.unit for b in table.below]
    queryset = _candidates(table.requirement, table.unit, below_units).filter(is_demonstration=False)
    if query:
        queryset = queryset.filter(name__contains=query)
    return queryset.order_by("-start", "-pk")


def as_it_stands(table: DemoTable) -> DemoTableSnapshot:
    """The table as it would be frozen now (unsaved): what the page's Excel download holds."""
    return DemoTableSnapshot(
        taken_at=timezone.now(),
        data={
            "contact_name": table.contact_name,
            "contact_phone": table.contact_phone,
            "rows": table.rows(),
        },
    )


def latest_snapshots(submissions: Iterable[Submission]) -> dict[int, DemoTableSnapshot]:
    """The frozen table of each submission (its latest hand-in), by submission id."""
    ids = [s.pk for s in submissions]
    found: dict[int, DemoTableSnapshot] = {}
    for snapshot in DemoTableSnapshot.objects.filter(submission_id__in=ids).order_by("taken_at", "pk"):
        found[snapshot.submission_id] = snapshot
    return found


def frozen_table(submission: Submission) -> DemoTableSnapshot | None:
    return latest_snapshots([submission]).get(submission.pk)


# -- the kind's checks and files ----------------------------------------------------------------


def _contact_problems(name: str, phone: str) -> list[str]:
    problems = []
    if not name:
        problems.append("请填写填表联系人")
    elif len(name) > CONTACT_NAME_MAX:
        problems.append(f"填表联系人不能超过 {CONTACT_NAME_MAX} 个字")
    if not phone:
        problems.append("请填写联系电话")
    elif len(phone) > CONTACT_PHONE_MAX:
        problems.append(f"联系电话不能超过 {CONTACT_PHONE_MAX} 个字")
    return problems


def submit_problems(requirement: Requirement, submission: Submission) -> list[str]:
    """What keeps the table from being handed in: a contact, and at least one row."""
    details = submission.details or {}
    problems = _contact_problems(
        str(details.get("contact_name", "")).strip(), str(details.get("contact_phone", "")).strip()
    )
    table = demo_table(requirement, submission.unit)
    if not table.own.exists() and not table.approved_below:
        problems.append("表中还没有示范活动：请在下方“标记示范活动”中勾选，或导入附表1")
    return problems


def package_files(submission: Submission) -> Iterator[PackageEntry]:
    """The frozen table, as the notice's Excel form, in the unit's package."""
    snapshot = frozen_table(submission)
    if snapshot is None:
        return
    exporter = FrozenFubiao1Exporter(submission.requirement, submission.unit, snapshot)
    yield PackageEntry(f"{exporter.filename}.xlsx", exporter.render("xlsx").content, printable=True)


# -- writes ----------------------------------------------------------------------------------------


def _require_editable(requirement: Requirement, unit: Unit) -> Submission | None:
    lock(key(SUBMISSION, requirement.pk, unit.pk))  # the submission's own lock: no hand-in in between
    submission = Submission.objects.select_for_update().filter(requirement=requirement, unit=unit).first()
    if submission is not None and not submission.can_edit():
        raise DomainError(
            f"附表1{submission.get_state_display()}，表中的活动已冻结，不能再标记；"
            "如需修改，请上级审核员退回或重新打开。",
            code="locked",
        )
    return submission


@transaction.atomic
def demonstration_set(
    *, actor: User | None, requirement: Requirement, unit: Unit, activity_ids: Iterable[int], on: bool
) -> int:
    """Mark (``on``) or unmark the unit's own activities as 示范 on its 附表1. Every id must be
    one of the unit's own activities of the campaign; otherwise nothing changes."""
    require(actor, requirement.campaign, unit, Role.REPORTER, "标记示范活动")
    if requirement.campaign.status != CampaignStatus.PUBLISHED:
        raise DomainError("该活动未发布或已结束，不能填报。", code="campaign_not_open")
    ids = sorted({int(i) for i in activity_ids})
    if not ids:
        raise DomainError("请先勾选活动。", code="nothing_chosen")
    if len(ids) > MARK_MAX:
        raise DomainError(f"一次最多标记 {MARK_MAX} 项活动（现选 {len(ids)} 项）。", code="too_many")
    _require_editable(requirement, unit)
    below_units = _below(requirement, unit, today())[0]
    found = list(_candidates(requirement, unit, below_units).filter(pk__in=ids).select_for_update())
    if len(found) != len(ids):
        raise DomainError(
            f"所选的 {len(ids) - len(found)} 项活动不是 {unit.name} 本单位的本年度活动，未作任何修改。",
            code="not_own",
        )
    changed = 0
    for activity in found:
        if activity.is_demonstration != on:
            activity.is_demonstration = on
            activity.save(update_fields=["is_demonstration", "updated_at"])
            changed += 1
    if changed:
        public_activities.changed()
    return changed


def _clean_contact(contact_name: str, contact_phone: str) -> dict[str, str]:
    name, phone = (contact_name or "").strip(), (contact_phone or "").strip()
    problems = [p for p in _contact_problems(name, phone) if not p.startswith("请填写")]
    if problems:
        raise DomainError("；".join(problems) + "。", code="contact_invalid")
    return {"contact_name": name, "contact_phone": phone}


@transaction.atomic
def demo_table_save(
    *, actor: User | None, requirement: Requirement, unit: Unit, contact_name: str, contact_phone: str
) -> Submission:
    """Keep the table's 填表联系人 and 联系电话 as the unit's draft."""
    return submission_save(
        actor=actor,
        requirement=requirement,
        unit=unit,
        title=requirement.title,
        details=_clean_contact(contact_name, contact_phone),
    )


@transaction.atomic
def demo_table_submit(
    *,
    actor: User | None,
    requirement: Requirement,
    unit: Unit,
    contact_name: str,
    contact_phone: str,
    now: datetime.datetime | None = None,
) -> Submission:
    """Hand the table in: the rows as they stand are frozen with the contact; later changes to
    the activities do not reach the handed-in table."""
    submission = demo_table_save(
        actor=actor,
        requirement=requirement,
        unit=unit,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    submission = submission_submit(actor=actor, submission=submission, now=now)
    table = demo_table(requirement, unit)
    own = list(table.own_rows())
    DemoTableSnapshot.objects.create(
        submission=submission,
        taken_at=now or timezone.now(),
        data={
            **_clean_contact(contact_name, contact_phone),
            "rows": own + [row for below in table.approved_below for row in below.rows],
            "own": len(own),
            "sources": [
                {"unit": b.unit.name, "code": b.unit.code, "rows": len(b.rows)} for b in table.approved_below
            ],
        },
    )
    return submission
