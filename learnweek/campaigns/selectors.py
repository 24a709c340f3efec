"""Reads of campaigns, requirements and submissions, all through the scope rule."""

from __future__ import annotations

import copy
import datetime
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from django.db import connection, router
from django.db.models import Count, Exists, FilteredRelation, Max, Prefetch, Q, QuerySet

from learnweek.accounts import models as accounts_models
from learnweek.campaigns.access import campaign_scope_root
from learnweek.campaigns.kinds import kind_of
from learnweek.campaigns.models import (
    HANDED_IN,
    PUBLIC_STATUSES,
    RULE_FIELDS,
    Campaign,
    CampaignStatus,
    Reminder,
    Requirement,
    RequirementKind,
    Submission,
    SubmissionState,
    WeekSlot,
    WeekSlotChange,
    ceremony_outside_week,
)
from learnweek.core.audit import Change, actor_label
from learnweek.core.chinese import chinese_date
from learnweek.core.clock import today
from learnweek.core.compiled import compiled_values
from learnweek.core.errors import NotFound
from learnweek.core.memory import collections_paused
from learnweek.core.public_cache import public_activities
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within, scope_root, unit_get_within, within, within_q

if TYPE_CHECKING:
    from learnweek.accounts.models import User


# -- scope -------------------------------------------------------------------------------------


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    """Campaigns issued inside the user's subtree (any status), and the published or closed
    campaigns of the units above it (the notices it works under)."""
    try:
        root = scope_root(user)
    except NotFound:
        return Campaign.objects.none()
    queryset = Campaign.objects.select_related("issuing_unit", "parent")
    if root is None:
        return queryset
    above = root.get_ancestors().values("pk")
    office = Q(office=root)
    return queryset.filter(
        within_q(root, unit_field="issuing_unit")
        | Q(issuing_unit__in=above, status__in=PUBLIC_STATUSES)
        | office
    )


def campaign_get_visible(user: User, slug: str) -> Campaign:
    try:
        return campaigns_visible_to(user).get(slug=slug)
    except Campaign.DoesNotExist as exc:
        raise NotFound() from exc


def campaign_get_issued_within(user: User, slug: str) -> Campaign:
    """A campaign issued by the user's unit or one below it (or by the unit whose office the user
    works in): one whose notice it may draft. Others are missing."""
    campaign = campaign_get_visible(user, slug)
    if not is_within(campaign_scope_root(user, campaign), campaign.issuing_unit):
        raise NotFound()
    return campaign


def campaigns_public() -> QuerySet[Campaign]:
    return Campaign.objects.filter(status__in=PUBLIC_STATUSES).select_related("issuing_unit")


def campaign_public_copy(pk: int) -> Campaign | None:
    """Campaign ``pk`` if it is public, as this worker last read it: a copy of its own for the
    caller. For the read of one public activity (``activities.selectors``), which checks its
    campaign here instead of joining the campaign table. A public campaign is kept in the
    worker's memory (``worker_copies``) under the public generation of the last second
    (``Generation.recent``), for ``LOCAL_TTL`` seconds at most; one that is not public is not kept
    and is asked again on every call. Every change of a campaign's status or text goes through a
    service that moves the generation (``campaign_set_status``, ``campaign_update``), so a
    campaign taken back from the public is seen as such by every worker within ``RECENT`` (1 s),
    as the anonymous pages are."""
    # From the primary: a lagging replica's answer would be kept under the new generation.
    found = public_activities.local(
        "public-campaign",
        (connection.settings_dict["NAME"], pk),
        lambda: (
            Campaign.objects.using(router.db_for_write(Campaign))
            .filter(pk=pk, status__in=PUBLIC_STATUSES)
            .first()
        ),
    )
    return copy.copy(found) if found is not None else None


def campaign_get_public(slug: str) -> Campaign:
    try:
        return campaigns_public().get(slug=slug)
    except Campaign.DoesNotExist as exc:
        raise NotFound() from exc


def campaign_lineage(campaign: Campaign) -> list[Campaign]:
    """The campaign and its parents, the ministry's first."""
    chain = []
    current: Campaign | None = campaign
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


@dataclass(frozen=True)
class Cascade:
    """The year's whole cascade a campaign belongs to: the root of its lineage and every campaign
    derived below it, the root first (breadth first). A unit's activities, reported totals and
    statistics of that year may have been registered under any of them (a county under its
    province's campaign, say), so the statistics read the year through this one value, built
    once per request by ``cascade_of`` and passed to each selector."""

    root: Campaign
    campaigns: tuple[Campaign, ...]
    ids: frozenset[int]
    year: int

    def lineage(self, campaign: Campaign) -> tuple[Campaign, ...]:
        """``campaign_lineage`` of a member, read from the cascade without a query."""
        by_pk = {c.pk: c for c in self.campaigns}
        chain = [by_pk[campaign.pk]]
        while chain[-1].parent_id is not None:
            chain.append(by_pk[chain[-1].parent_id])
        return tuple(reversed(chain))


def _year_campaigns(year: int) -> dict[int, Campaign]:
    return {c.pk: c for c in Campaign.objects.filter(year=year).select_related("issuing_unit")}


def cascade_of(campaign: Campaign) -> Cascade:
    """The cascade of ``campaign``'s year, in one query: a derived campaign always has its
    parent's year (``campaign_derive``), so the year's campaigns hold the whole lineage and every
    branch. ``campaign`` itself stands in the result as given."""
    rows = _year_campaigns(campaign.year)
    rows[campaign.pk] = campaign
    root = campaign
    while root.parent_id is not None and root.parent_id in rows:
        root = rows[root.parent_id]
    if root.parent_id is not None:  # a parent of another year, which campaign_derive never makes
        root = campaign_lineage(root)[0]
        rows = _year_campaigns(root.year)
        rows[root.pk] = root
    children: dict[int | None, list[Campaign]] = {}
    for candidate in rows.values():  # in Campaign.Meta.ordering
        if candidate.pk != root.pk:
            children.setdefault(candidate.parent_id, []).append(candidate)
    family, queue = [], [root]
    while queue:
        current = queue.pop(0)
        family.append(current)
        queue.extend(children.get(current.pk, []))
    return Cascade(root=root, campaigns=tuple(family), ids=frozenset(c.pk for c in family), year=root.year)


def campaign_family(campaign: Campaign) -> list[Campaign]:
    """The campaigns of ``campaign``'s cascade, the root first (``cascade_of``)."""
    return list(cascade_of(campaign).campaigns)


def cascade_requirements(cascade: Cascade, kind: str) -> list[Requirement]:
    """The requirements of ``kind`` set in any campaign of the cascade, in the cascade's order
    (one query rather than one per campaign)."""
    order = {c.pk: i for i, c in enumerate(cascade.campaigns)}
    by_pk = {c.pk: c for c in cascade.campaigns}
    found = list(Requirement.objects.filter(campaign_id__in=cascade.ids, kind=kind))
    for requirement in found:
        requirement.campaign = by_pk[requirement.campaign_id]  # the cascade's loaded campaign
    return sorted(found, key=lambda r: order[r.campaign_id])


def campaign_level_refusal(issuing_unit: Unit) -> tuple[str, str] | None:
    """Why ``issuing_unit`` may not issue a campaign of its own (code, message), or None: only the
    ministry and the provinces do; the levels below derive theirs (``derive_refusal``)."""
    if issuing_unit.kind not in (UnitKind.MINISTRY, UnitKind.PROVINCE):
        return "campaign_level", "地市和县级请从上级活动“派生”本级活动。"
    return None


def may_create_campaign(user: User) -> bool:
    """Whether ``user`` may create a year's campaign, by the rule ``campaign_create`` checks: an
    administrator whose unit may issue one (a superuser without a unit issues as the ministry)."""
    if not user.has_role(Role.ADMIN):
        return False
    if user.unit is None:
        return user.is_superuser
    return campaign_level_refusal(user.unit) is None


def may_send_reminders(user: User) -> bool:
    """Reviewers and administrators remind the units that have not handed in a requirement."""
    return user.has_role(Role.REVIEWER) or user.has_role(Role.ADMIN)


def derive_refusal(parent: Campaign, unit: Unit) -> tuple[str, str] | None:
    """Why ``unit`` may not derive its own campaign from ``parent`` (code, message), or None."""
    if not unit.is_administrative or unit.kind == UnitKind.MINISTRY:
        return "campaign_level", "只有省、地市、县级行政单位可以派生本级活动。"
    if not is_within(parent.issuing_unit, unit) or unit.pk == parent.issuing_unit_id:
        return "derive_scope", f"{unit.name} 不在 {parent.issuing_unit.name} 之下，不能派生该活动。"
    if parent.status == CampaignStatus.DRAFT:
        return "parent_draft", "上级活动尚未发布，不能派生。"
    existing = Campaign.objects.filter(parent=parent, issuing_unit=unit).first()
    if existing is not None:
        return "already_derived", f"{unit.name} 已从该活动派生了“{existing.title}”。"
    return None


def requirement_get_visible(user: User, pk: int) -> Requirement:
    try:
        return (
            Requirement.objects.select_related("campaign", "campaign__issuing_unit")
            .filter(campaign__in=campaigns_visible_to(user))
            .get(pk=pk)
        )
    except Requirement.DoesNotExist as exc:
        raise NotFound() from exc


def submission_get_visible(user: User, pk: int) -> Submission:
    """A submission of a unit in the user's subtree (or the campaign office's)."""
    try:
        submission = Submission.objects.select_related(
            "unit", "requirement", "requirement__campaign", "requirement__campaign__issuing_unit"
        ).get(pk=pk)
    except Submission.DoesNotExist as exc:
        raise NotFound() from exc
    if not is_within(campaign_scope_root(user, submission.requirement.campaign), submission.unit):
        raise NotFound()
    return submission


def submission_history(submission: Submission) -> list[Change]:
    """Every state change of the submission: who, when, from what to what, and the comment
    (the reason of a return or a reopening)."""
    return [
        Change(
            at=e.at,
            actor=actor_label(e.actor),
            before=e.get_from_state_display() or "新建",
            after=e.get_to_state_display(),
            comment=e.comment,
        )
        for e in submission.events.select_related("actor", "actor__unit")
    ]


_HISTORY_FIELDS = (
    "kind",
    "title",
    "description",
    "applies_to",
    "institution_types",
    "deadline",
    "closed",
    *RULE_FIELDS,
)


def requirement_value_text(name: str, value: Any) -> str:
    """A requirement field's value as its history and its change notices show it."""
    if name == "kind":
        return RequirementKind(value).label if value in RequirementKind.values else str(value)
    if isinstance(value, datetime.date):
        return chinese_date(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(map(str, value)) or "—"
    return "—" if value is None or value == "" else str(value)


def _history_value(record, name: str) -> str:
    return requirement_value_text(name, getattr(record, name))


def requirement_history(requirement: Requirement) -> list[Change]:
    """Every change of the requirement from its history table: who, when, and each field's value
    before and after (the deadline moved after units handed in, say)."""
    records = list(
        requirement.history.select_related("history_user", "history_user__unit").order_by(
            "history_date", "history_id"
        )
    )
    changes = []
    previous = None
    for record in records:
        actor = actor_label(record.history_user)
        if previous is None:
            changes.append(Change(at=record.history_date, actor=actor, before="新建", after=record.title))
        else:
            moved = [
                name
                for name in _HISTORY_FIELDS
                if _history_value(previous, name) != _history_value(record, name)
            ]
            if moved:
                label = {name: Requirement.field_label(name) for name in moved}
                changes.append(
                    Change(
                        at=record.history_date,
                        actor=actor,
                        before="；".join(f"{label[n]} {_history_value(previous, n)}" for n in moved),
                        after="；".join(f"{label[n]} {_history_value(record, n)}" for n in moved),
                        comment=record.history_change_reason or "",
                    )
                )
        previous = record
    return changes


# -- who must submit ---------------------------------------------------------------------------


def _published_derived() -> QuerySet[Requirement]:
    return Requirement.objects.filter(campaign__status=CampaignStatus.PUBLISHED).select_related(
        "campaign__issuing_unit"
    )


def _overriding(requirement: Requirement) -> list[Requirement]:
    """The published requirements that pass ``requirement`` down (prefetched as ``derived`` when
    a caller loads many)."""
    cache = getattr(requirement, "_prefetched_objects_cache", {})
    if "derived" in cache:
        return [r for r in cache["derived"] if r.campaign.status == CampaignStatus.PUBLISHED]
    return list(_published_derived().filter(parent_requirement=requirement))


def named_unit_ids(requirement: Requirement) -> list[int]:
    """The units ``requirement`` names besides its levels (prefetched ``addressed_units`` when
    loaded)."""
    cache = getattr(requirement, "_prefetched_objects_cache", {})
    if "addressed_units" in cache:
        return [u.pk for u in cache["addressed_units"]]
    if requirement.pk is None:
        return []
    return list(requirement.addressed_units.values_list("pk", flat=True))


_NOTHING = Q(pk__isnull=True)  # a unit always has a key: matches no unit


def _named_q(requirement_id: int, p: str) -> Q:
    """The units a requirement names, as a subquery (no round trip of its own)."""
    return Q(**{f"{p}pk__in": Unit.objects.filter(addressed_requirements__pk=requirement_id).values("pk")})


def _reach_q(requirement: Requirement, field: str, parent_id: int | None) -> Q:
    """The units ``requirement`` addresses before any lower level takes them over: the listed
    administrative levels below the issuer; institutions only when named, of an asked
    institution type, or directly under the issuer when 机构 is listed; and the named units. The
    units its parent requirement (``parent_id``) names answer the parent, never this one."""
    p = f"{field}__" if field else ""
    issuer = requirement.campaign.issuing_unit
    levels = [k for k in requirement.applies_to if k != UnitKind.INSTITUTION]
    reach = Q(**{f"{p}kind__in": levels}) if levels else _NOTHING
    if requirement.institution_types:
        reach |= Q(
            **{f"{p}kind": UnitKind.INSTITUTION, f"{p}institution_type__in": requirement.institution_types}
        )
    if UnitKind.INSTITUTION in requirement.applies_to:
        reach |= Q(**{f"{p}kind": UnitKind.INSTITUTION, f"{p}depth": issuer.depth + 1})
    reach &= within_q(issuer, unit_field=field) & ~Q(**{f"{p}pk": issuer.pk})
    if parent_id is not None:
        reach &= ~_named_q(parent_id, p)
    return reach | _named_q(requirement.pk, p)


def _reach_key(requirement: Requirement) -> tuple:
    """Every value of ``requirement`` that ``_reach_q`` reads (its unit lists are subqueries on
    its key and its parent's): what ``applicable_key`` is made of. A value ``_reach_q`` comes to
    read must be added here, or a board compiled before a change of it would be kept."""
    issuer = requirement.campaign.issuing_unit
    return (
        requirement.pk,
        requirement.parent_requirement_id,
        tuple(requirement.applies_to),
        tuple(requirement.institution_types),
        issuer.pk,
        issuer.path,
        issuer.depth,
    )


def applicable_key(requirement: Requirement, overriding: Sequence[Requirement]) -> tuple:
    """What ``applicable_q(requirement, overriding=overriding)`` compiles from: two equal keys
    give the same SQL (core.compiled keeps a statement under it)."""
    return (_reach_key(requirement), tuple(_reach_key(d) for d in overriding))


def applicable_q(
    requirement: Requirement, *, field: str = "", overriding: Sequence[Requirement] | None = None
) -> Q:
    """The one rule of who answers ``requirement`` directly, as a filter on units (or on the unit
    ``field`` of another model): whom it addresses (``_reach_q``), except the units a lower level
    addresses where it passes the requirement down with its own earlier deadline (those answer
    the lower level's requirement instead). One query of its own (the levels passing it down,
    unless prefetched as ``derived`` or given as ``overriding``, the published requirements
    passing it down); the named units are subqueries."""
    p = f"{field}__" if field else ""
    wanted = _reach_q(requirement, field, requirement.parent_requirement_id) & Q(**{f"{p}is_active": True})
    for derived in _overriding(requirement) if overriding is None else overriding:
        wanted &= ~_reach_q(derived, field, requirement.pk)
    return wanted


def applicable_units(
    requirement: Requirement, *, overriding: Sequence[Requirement] | None = None
) -> QuerySet[Unit]:
    """Every unit that must answer ``requirement`` directly (``applicable_q``)."""
    return Unit.objects.filter(applicable_q(requirement, overriding=overriding))


def requirement_applies_to(requirement: Requirement, unit: Unit) -> bool:
    return applicable_units(requirement).filter(pk=unit.pk).exists()


def handed_in_units(requirement: Requirement) -> list[Unit]:
    """The units that have handed in an answer to ``requirement``: a submission handed in, or
    what the kind itself counts as handed in (a nomination under review, say: its board states)."""
    ids = set(
        Submission.objects.filter(requirement=requirement, state__in=HANDED_IN).values_list(
            "unit_id", flat=True
        )
    )
    source = kind_of(requirement).board_states
    if source is not None:
        states = source(requirement, list(applicable_units(requirement)), today())
        ids |= {pk for pk, (state, _) in states.items() if state in ("submitted", "approved")}
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


@dataclass
class Task:
    requirement: Requirement
    submission: Submission | None
    today: datetime.date
    unit: Unit | None = None

    @property
    def campaign(self) -> Campaign:
        return self.requirement.campaign

    @property
    def deadline(self) -> datetime.date:
        return self.requirement.deadline

    @property
    def days_left(self) -> int:
        return (self.requirement.deadline - self.today).days

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)

    @cached_property
    def _sourced(self) -> tuple[str, str] | None:
        """The state and label from the kind's own board states (campaigns.kinds), asked once per
        task for both the label and whether it is done."""
        source = kind_of(self.requirement).board_states
        if source is None or self.unit is None:
            return None
        return source(self.requirement, [self.unit], self.today).get(self.unit.pk)

    @property
    def state_label(self) -> str:
        sourced = self._sourced
        if sourced is not None:
            return sourced[1]
        return board_state_label(self.requirement, self.submission, self.today)

    @property
    def is_done(self) -> bool:
        sourced = self._sourced
        if sourced is not None:
            return sourced[0] in ("submitted", "approved")
        return self.submission is not None and self.submission.state in HANDED_IN


def tasks_for_unit(unit: Unit, *, on: datetime.date | None = None) -> list[Task]:
    """Every requirement that ``unit`` must answer, from every level above it, soonest first: the
    published requirements of its ancestors that ``applicable_q`` gives it, asked of the database
    in one query (one count per candidate), so 我的任务 and the board never disagree."""
    on = on or today()
    ancestors = unit.get_ancestors()
    candidates = list(
        Requirement.objects.filter(
            campaign__issuing_unit__in=ancestors, campaign__status=CampaignStatus.PUBLISHED
        )
        .select_related("campaign", "campaign__issuing_unit")
        .prefetch_related(Prefetch("derived", queryset=_published_derived()))
        .order_by("deadline", "pk")
    )
    if not candidates:
        return []
    answers = Unit.objects.filter(pk=unit.pk).aggregate(
        **{f"r{r.pk}": Count("pk", filter=applicable_q(r)) for r in candidates}
    )
    wanted = [r for r in candidates if answers[f"r{r.pk}"]]
    submissions = {s.requirement_id: s for s in Submission.objects.filter(unit=unit, requirement__in=wanted)}
    return [Task(requirement=r, submission=submissions.get(r.pk), today=on, unit=unit) for r in wanted]


# -- the completeness board --------------------------------------------------------------------

BOARD_STATES = {
    "not_started": "未开始",
    "draft": "草稿",
    "short": "未达最少数",
    "submitted": "已提交",
    "returned": "已退回",
    "approved": "已通过",
    "overdue": "逾期未交",
}
MISSING_STATES = ("not_started", "draft", "short", "returned", "overdue")


def _state_and_label(past: bool, state: str | None, is_late: bool) -> tuple[str, str]:
    """A unit's board state and its label from its submission's state (None: no submission),
    whether it was handed in late, and whether the deadline has passed: the one rule that
    ``board_state``, ``board_state_label`` and the board's rows share."""
    if state is None or state in (SubmissionState.DRAFT, SubmissionState.RETURNED):
        key = "overdue" if past else ("not_started" if state is None else state)
    elif state == SubmissionState.APPROVED:
        key = "approved"
    else:
        key = "submitted"
    label = BOARD_STATES[key]
    if state == SubmissionState.RETURNED and past:
        label += "（已退回）"
    if is_late and state in HANDED_IN:
        label += "（逾期提交）"
    return key, label


def board_state(requirement: Requirement, submission: Submission | None, on: datetime.date) -> str:
    return _state_and_label(
        requirement.is_past(on),
        submission.state if submission is not None else None,
        submission is not None and submission.is_late,
    )[0]


def board_state_label(requirement: Requirement, submission: Submission | None, on: datetime.date) -> str:
    return _state_and_label(
        requirement.is_past(on),
        submission.state if submission is not None else None,
        submission is not None and submission.is_late,
    )[1]


@dataclass
class Collection:
    """A unit's own collection from below: the requirement its campaign passes ``requirement``
    down with, and how many of the units answering it have handed in (and been approved)."""

    requirement: Requirement
    total: int
    handed_in: int
    approved: int


class BoardUnit:
    """A unit as the board reads it: plain values from the board's one query, not a model
    instance (a national board has thousands of rows). It answers what the board's page and the
    API read of a unit (the export reads the level's label itself), and equals the ``Unit`` with
    the same key."""

    __slots__ = ("pk", "code", "name", "kind", "path")
    steplen = Unit.steplen

    def __init__(self, pk: int, code: str, name: str, kind: str, path: str) -> None:
        self.pk, self.code, self.name, self.kind, self.path = pk, code, name, kind, path

    @property
    def id(self) -> int:
        return self.pk

    @property
    def depth(self) -> int:  # as treebeard's: one step of the path a level
        return len(self.path) // self.steplen

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BoardUnit | Unit):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<BoardUnit {self.code} {self.name}>"


class _AnswerTimes:
    """The times of a board's submissions (first and latest hand-in, approval), read in one query
    the first time any row's are asked for: the board's states do not need them, its page, export
    and the API do."""

    def __init__(self, requirement: Requirement, under: Unit) -> None:
        self.requirement, self.under = requirement, under
        self._by_pk: dict[int, tuple[Any, Any, Any]] | None = None

    def of(self, pk: int) -> tuple[Any, Any, Any]:
        if self._by_pk is None:
            found = within(
                Submission.objects.filter(requirement=self.requirement), self.under, unit_field="unit"
            )
            self._by_pk = {
                row[0]: row[1:]
                for row in found.values_list("pk", "first_submitted_at", "submitted_at", "approved_at")
            }
        return self._by_pk.get(pk, (None, None, None))


class BoardSubmission:
    """A row's submission as the board shows it (read with its unit, not a model instance): the
    link to it, its state, whether it came late, and its times (``_AnswerTimes``).
    ``board_contacts`` reads the liaison it names itself."""

    __slots__ = ("pk", "state", "is_late", "_times")

    def __init__(self, pk: int, state: str, is_late: bool, times: _AnswerTimes) -> None:
        self.pk, self.state, self.is_late, self._times = pk, state, is_late, times

    @property
    def id(self) -> int:
        return self.pk

    @property
    def first_submitted_at(self) -> datetime.datetime | None:
        return self._times.of(self.pk)[0]

    @property
    def submitted_at(self) -> datetime.datetime | None:
        return self._times.of(self.pk)[1]

    @property
    def approved_at(self) -> datetime.datetime | None:
        return self._times.of(self.pk)[2]


@dataclass(slots=True)
class BoardRow:
    unit: BoardUnit | Unit
    submission: BoardSubmission | Submission | None
    state: str
    label: str
    collection: Collection | None = None


class _Progress:
    """Handed in and percentage, from ``counts`` (by board state) and ``total``."""

    counts: Counter[str]
    total: int

    @property
    def handed_in(self) -> int:
        return self.counts["submitted"] + self.counts["approved"]

    @property
    def percent(self) -> int:
        return round(100 * self.handed_in / self.total) if self.total else 0


@dataclass
class BoardGroup(_Progress):
    """A unit directly below the board's root with units answering below it: their progress,
    beside the unit's own hand-in (``own``, when it answers itself) and its own collection."""

    unit: BoardUnit | Unit
    counts: Counter[str] = field(default_factory=Counter)
    total: int = 0
    own: BoardRow | None = None


@dataclass
class Board(_Progress):
    requirement: Requirement
    under: Unit
    rows: list[BoardRow]
    groups: list[BoardGroup]
    counts: Counter[str]
    late_count: int
    on: datetime.date
    # The root's own hand-in to the requirement above, when the board is of a requirement the
    # root passes down (吉林省's own statistics table to the ministry, say).
    own: BoardRow | None = None
    # The requirements this one is passed down from, the farthest first (the drill-down's trail).
    above: list[Requirement] = field(default_factory=list)

    @property
    def total(self) -> int:  # type: ignore[override]
        return len(self.rows)

    def state_table(self) -> list[tuple[str, int]]:
        return [(label, self.counts[key]) for key, label in BOARD_STATES.items()]

    @property
    def collections(self) -> bool:
        """Whether any row's unit collects this requirement from units of its own (the 本级收集
        column is shown only then)."""
        return any(row.collection is not None for row in self.rows)

    @property
    def missing_units(self) -> list[BoardUnit | Unit]:
        return [row.unit for row in self.rows if row.state in MISSING_STATES]


_BOARD_UNIT_FIELDS = ("pk", "code", "name", "kind", "path")
_BOARD_ANSWER_FIELDS = ("answer__pk", "answer__state", "answer__is_late")


def board_for(user: User, requirement: Requirement, under_code: str | None = None, *, on=None) -> Board:
    """The completeness board of ``requirement`` for the part of the tree the user may see,
    rooted at ``under_code`` (default: the issuing unit, or the user's own unit below it)."""
    on = on or today()
    root = campaign_scope_root(user, requirement.campaign)
    issuer = requirement.campaign.issuing_unit
    under: Unit | None
    if under_code:
        under = unit_get_within(root, under_code)
    else:
        under = issuer if is_within(root, issuer) else root
    if under is None:  # a superuser: start at the issuer
        under = issuer
    # Each unit with its submission, in one LEFT JOIN, read as plain values: a national board
    # has thousands of rows, and model instances cost more than the query. Who answers depends
    # on the published requirements passing this one down (applicable_q), read once for that and
    # for the rows' own collections (_collections): the join is first asked as if none did, on
    # the condition that none does (no rows when one does); only then are they read, and the
    # join asked again with them.
    passed: list[Requirement] = []
    found = _board_found(requirement, under, passed)
    if not found:
        passed = list(
            _published_derived()
            .filter(parent_requirement=requirement)
            .prefetch_related(Prefetch("derived", queryset=_published_derived()))
        )
        if passed:
            found = _board_found(requirement, under, passed)
    rows: list[BoardRow] = []
    append = rows.append
    # A kind whose answer is not one submission per unit tells each unit's state itself.
    source = kind_of(requirement).board_states
    past = requirement.is_past(on)
    times = _AnswerTimes(requirement, under)
    # The state and label of each (submission state, late) pair, made once: a few distinct pairs.
    unanswered = _state_and_label(past, None, False)
    states: dict[tuple[str, bool], tuple[str, str]] = {}
    late = 0
    # The rows under each unit directly below the root, by its path (rows come in path order: a
    # unit's run of rows is one list, and a run seen again joins its list).
    cut = len(under.path) + under.steplen
    members: dict[str, list[BoardRow]] = {}
    run_path: str | None = None
    run: list[BoardRow] = []
    with collections_paused():  # thousands of small objects kept: nothing for the collector
        for pk, code, name, kind, path, s_pk, s_state, s_late in found:
            if s_pk is None:
                row = BoardRow(BoardUnit(pk, code, name, kind, path), None, *unanswered)
            else:
                if s_late:
                    late += 1
                state_label = states.get((s_state, s_late))
                if state_label is None:
                    state_label = states[(s_state, s_late)] = _state_and_label(past, s_state, bool(s_late))
                submission = BoardSubmission(s_pk, s_state, s_late, times)
                row = BoardRow(BoardUnit(pk, code, name, kind, path), submission, *state_label)
            append(row)
            child_path = path[:cut]
            if child_path != run_path:
                run_path = child_path
                run = members.setdefault(child_path, [])
            run.append(row)
    if source is not None:
        sourced = source(requirement, [row.unit for row in rows], on)
        for row in rows:
            if row.unit.pk in sourced:
                row.state, row.label = sourced[row.unit.pk]
    collections = _collections(requirement, rows, on, passed)
    if collections:
        for row in rows:
            row.collection = collections.get(row.unit.pk)
    counts = Counter(map(_row_state, rows))
    return Board(
        requirement=requirement,
        under=under,
        rows=rows,
        groups=_groups(under, members),
        counts=counts,
        late_count=late,
        on=on,
        own=_own_hand_in(requirement, under, on),
        above=_above(requirement),
    )


def _board_found(requirement: Requirement, under: Unit, passed: list[Requirement]) -> list[tuple]:
    """The board's join: the units in ``under``'s subtree answering ``requirement`` when
    ``passed`` are the published requirements passing it down, each with its submission, in path
    order. Without ``passed``, on the condition that no published requirement passes it down
    (no rows when one does). Its SQL is compiled once per what it is made of (core.compiled):
    compiling the filter of who answers cost as much as running it."""
    answer = FilteredRelation("submissions", condition=Q(submissions__requirement=requirement))

    def build() -> QuerySet:
        found = within(applicable_units(requirement, overriding=passed), under)
        if not passed:
            found = found.filter(~Exists(_published_derived().filter(parent_requirement=requirement)))
        return (
            found.annotate(answer=answer).order_by().values_list(*_BOARD_UNIT_FIELDS, *_BOARD_ANSWER_FIELDS)
        )

    found = compiled_values(("campaigns.board", applicable_key(requirement, passed), under.path), Unit, build)
    # In path order, sorted here: the database's sort of the wide rows cost more (about 1 ms of
    # 3,209 rows) than Python's of rows that mostly come in that order. Paths are unique, of
    # treebeard's alphabet (digits, capitals): their code-point order is the tree's order (what
    # ORDER BY path gave under the C collation, and does under any usual one).
    found.sort(key=_BOARD_PATH)
    return found


_BOARD_PATH = itemgetter(_BOARD_UNIT_FIELDS.index("path"))


_row_state = attrgetter("state")


def _groups(under: Unit, members: dict[str, list[BoardRow]]) -> list[BoardGroup]:
    """The board's groups: each unit directly below ``under`` with units answering below it, in
    path order, counting its rows (``members``: the rows by the path of the unit directly below
    ``under`` they lie in; its own, when it answers itself, and those below it)."""
    members.pop(under.path, None)  # the root's own row
    # The child's own row, when it answers: the first of its rows in path order.
    own = {
        child_path: next((row for row in found if row.unit.path == child_path), None)
        for child_path, found in members.items()
    }
    # The units directly below the root: those that answer are rows already; the others that
    # have units answering below them are read by path (none on a board whose children answer).
    children: dict[str, BoardUnit | Unit] = {p: row.unit for p, row in own.items() if row is not None}
    wanting = members.keys() - children.keys()
    if wanting:
        children.update((c.path, c) for c in Unit.objects.filter(path__in=wanting))
    groups = [
        BoardGroup(children[p], Counter(map(_row_state, found)), len(found), own[p])
        for p, found in members.items()
        if p in children
    ]
    # A group of the child alone would repeat its row: only children with units answering
    # below them are groups (a province answering the ministry is a row, with its collection).
    return sorted((g for g in groups if g.total > (1 if g.own is not None else 0)), key=lambda g: g.unit.path)


def _above(requirement: Requirement) -> list[Requirement]:
    chain = []
    current = requirement
    while current.parent_requirement_id is not None:
        current = Requirement.objects.select_related("campaign__issuing_unit").get(
            pk=current.parent_requirement_id
        )
        chain.append(current)
    return list(reversed(chain))


def _own_hand_in(requirement: Requirement, under: Unit, on: datetime.date) -> BoardRow | None:
    """``under``'s own answer to the requirement its board's requirement is passed down from,
    when ``under`` is the issuer that passes it down."""
    parent = requirement.parent_requirement
    if parent is None or under.pk != requirement.campaign.issuing_unit_id:
        return None
    source = kind_of(parent).board_states
    if source is not None:
        state, label = source(parent, [under], on).get(under.pk, ("not_started", BOARD_STATES["not_started"]))
        return BoardRow(under, None, state, label)
    submission = Submission.objects.filter(requirement=parent, unit=under).first()
    return BoardRow(
        under, submission, board_state(parent, submission, on), board_state_label(parent, submission, on)
    )


def _collections(
    requirement: Requirement, rows: list[BoardRow], on: datetime.date, passed_down: list[Requirement]
) -> dict[int, Collection]:
    """Each row unit's own collection: the published requirement its own campaign passes
    ``requirement`` down with (among ``passed_down``, which the board read with their own
    ``derived`` prefetched), counted over the units answering it. Bounded: one counting their answering units, one counting their hand-ins
    (a kind with its own board states asks them once per collecting unit)."""
    if not passed_down:
        return {}
    answering = {row.unit.pk for row in rows}
    passed = [d for d in passed_down if d.campaign.issuing_unit_id in answering]
    if not passed:
        return {}
    found: dict[int, Collection] = {}
    plain = []
    for derived in passed:
        source = kind_of(derived).board_states
        if source is None:
            plain.append(derived)
            continue
        units = list(Unit.objects.filter(applicable_q(derived)))
        states = [state for state, _ in source(derived, units, on).values()]
        found[derived.campaign.issuing_unit_id] = Collection(
            derived,
            len(units),
            sum(1 for s in states if s in ("submitted", "approved")),
            sum(1 for s in states if s == "approved"),
        )
    if plain:
        totals = Unit.objects.aggregate(**{f"d{d.pk}": Count("pk", filter=applicable_q(d)) for d in plain})
        answered = Q(pk__isnull=True)
        for d in plain:
            answered |= Q(requirement=d) & applicable_q(d, field="unit")
        handed: Counter[tuple[int, str]] = Counter()
        for row in (
            Submission.objects.filter(answered, state__in=HANDED_IN)
            .values("requirement_id", "state")
            .annotate(n=Count("pk"))
        ):
            handed[(row["requirement_id"], row["state"])] += row["n"]
        for d in plain:
            found[d.campaign.issuing_unit_id] = Collection(
                d,
                totals[f"d{d.pk}"],
                sum(handed[(d.pk, state)] for state in HANDED_IN),
                handed[(d.pk, SubmissionState.APPROVED)],
            )
    return found


# -- who to call about a board's rows, and when they were last reminded ------------------------

# Other places a unit's liaison is written down, each read for a whole campaign at once: the
# statistics app adds its table's header (联系人, 电话) in its ``ready()``.
LiaisonSource = Callable[[Campaign], dict[int, tuple[str, str]]]
LIAISON_SOURCES: list[LiaisonSource] = []
# The keys of a submission's details that name who filled it in: (name, phone).
SUBMISSION_LIAISON_KEYS = (("contact_name", "contact_phone"), ("liaison_name", "liaison_phone"))


@dataclass(frozen=True)
class BoardContact:
    name: str = ""
    phone: str = ""
    last_reminded: datetime.datetime | None = None
    has_account: bool = False  # an active account: a reminder reaches it in the app


def board_contacts(board: Board) -> dict[int, BoardContact]:
    """For each unit of ``board``: its liaison (the one its answer names — a 附表1's 填表联系人, a
    plan's 联络员 — else an account's name and phone, a reporter's first, else the statistics
    header's 联系人/电话, else an account's name) and when it was last
    reminded of the requirement. A fixed number of queries, whatever the board's size."""
    under, requirement = board.under, board.requirement
    wanted = {row.unit.pk for row in board.rows}
    last = dict(
        within(Reminder.objects.filter(requirement=requirement), under, unit_field="unit")
        .values("unit_id")
        .annotate(last=Max("at"))
        .values_list("unit_id", "last")
    )
    with_phone: dict[int, tuple[str, str]] = {}
    name_only: dict[int, tuple[str, str]] = {}
    accounts = (
        within(accounts_models.User.objects.filter(is_active=True), under, unit_field="unit")
        .order_by("-is_reporter", "pk")
        .values_list("unit_id", "full_name", "username", "phone")
    )
    for unit_id, full_name, username, phone in accounts:
        if unit_id not in wanted:
            continue
        if phone.strip():
            with_phone.setdefault(unit_id, (full_name or username, phone.strip()))
        else:
            name_only.setdefault(unit_id, (full_name or username, ""))
    # The liaison the unit wrote on its own answer (a 附表1's 填表联系人, a plan's 联络员) first:
    # only the answers that name one are read.
    names_liaison = Q(pk__isnull=True)
    for name_key, _ in SUBMISSION_LIAISON_KEYS:
        names_liaison |= Q(details__has_key=name_key)
    answered: dict[int, tuple[str, str]] = {}
    for unit_id, details in within(
        Submission.objects.filter(names_liaison, requirement=requirement), under, unit_field="unit"
    ).values_list("unit_id", "details"):
        if unit_id not in wanted:
            continue
        for name_key, phone_key in SUBMISSION_LIAISON_KEYS:
            if str(details.get(name_key) or "").strip():
                answered[unit_id] = (
                    str(details[name_key]).strip(),
                    str(details.get(phone_key) or "").strip(),
                )
                break
    headers: dict[int, tuple[str, str]] = {}
    for source in LIAISON_SOURCES:
        for unit_id, pair in source(requirement.campaign).items():
            if unit_id in wanted and any(pair):
                headers.setdefault(unit_id, pair)
    return {
        unit_id: BoardContact(
            *(
                answered.get(unit_id)
                or with_phone.get(unit_id)
                or headers.get(unit_id)
                or name_only.get(unit_id)
                or ("", "")
            ),
            last_reminded=last.get(unit_id),
            has_account=unit_id in with_phone or unit_id in name_only,
        )
        for unit_id in wanted
    }


# -- the ministry's arrangement of the provinces' weeks -----------------------------------------


def week_counts(slots: list[WeekSlot]) -> list[tuple[datetime.date, datetime.date, int]]:
    """How many provinces hold their week in each calendar week (Monday to Sunday) that any slot
    touches: (monday, sunday, count), in date order. A slot over two weeks counts in both."""
    counts: Counter[datetime.date] = Counter()
    for slot in slots:
        monday = slot.start - datetime.timedelta(days=slot.start.weekday())
        while monday <= slot.end:
            counts[monday] += 1
            monday += datetime.timedelta(days=7)
    return [(m, m + datetime.timedelta(days=6), n) for m, n in sorted(counts.items())]


def week_changes(slots: list[WeekSlot]) -> dict[int, list[WeekSlotChange]]:
    """Each slot's arrangements, oldest first, in one query."""
    found: dict[int, list[WeekSlotChange]] = {}
    for change in WeekSlotChange.objects.filter(slot__in=[s.pk for s in slots]).select_related("actor"):
        found.setdefault(change.slot_id, []).append(change)
    return found


def provinces_without_slot(campaign: Campaign) -> QuerySet[Unit]:
    """The provinces the ministry may still arrange although they did not apply."""
    return (
        Unit.objects.filter(kind=UnitKind.PROVINCE, is_active=True)
        .exclude(pk__in=campaign.week_slots.values("province_id"))
        .order_by("code")
    )


# -- the national calendar of activity weeks ---------------------------------------------------


def week_calendar(year: int) -> dict:
    """Every province's activity week in ``year``: the ministry's arranged slots, else the
    dates a published provincial campaign of that year gives, and where the province's opening
    ceremony is held (its campaign's 开幕式地点). One row per province."""
    provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code"))
    weeks: dict[int, tuple[datetime.date | None, datetime.date | None, str, str]] = {}
    venues: dict[int, str] = {}
    for campaign in campaigns_public().filter(year=year, issuing_unit__kind=UnitKind.PROVINCE):
        venues[campaign.issuing_unit_id] = campaign.ceremony_venue
        weeks[campaign.issuing_unit_id] = (
            campaign.week_start,
            campaign.week_end,
            campaign.week_note,
            "本省通知",
        )
    for slot in WeekSlot.objects.filter(campaign__year=year).select_related("province"):
        weeks[slot.province_id] = (slot.start, slot.end, "", slot.get_status_display())
    national = campaigns_public().filter(year=year, issuing_unit__kind=UnitKind.MINISTRY).first()
    days = (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1
    rows = []
    for province in provinces:
        start, end, note, source = weeks.get(province.pk, (None, None, "", ""))
        bar = None
        if start and end:
            offset = (start - datetime.date(year, 1, 1)).days
            bar = {
                "left": round(100 * offset / days, 2),
                "width": max(round(100 * ((end - start).days + 1) / days, 2), 0.6),
            }
        rows.append(
            {
                "province": province,
                "start": start,
                "end": end,
                "note": note,
                "source": source,
                "bar": bar,
                "venue": venues.get(province.pk, ""),
            }
        )
    return {"year": year, "rows": rows, "national": national, "months": range(1, 13)}


# -- a region's public page --------------------------------------------------------------------


@dataclass
class RegionWeek:
    """What a region's page says of its activity week: the year, the campaign it works under
    (its own or the nearest above), the week's dates and where they come from, and the opening
    ceremony of the nearest level that announced one."""

    year: int | None = None
    campaign: Campaign | None = None
    week_start: datetime.date | None = None
    week_end: datetime.date | None = None
    week_note: str = ""
    week_source: Campaign | None = None
    slot_status: str = ""
    ceremony: Campaign | None = None
    # This year's page only: the latest past year's week while this year's is not published,
    # to be shown as past (往届), never as current.
    previous: RegionWeek | None = None

    @property
    def published(self) -> bool:
        """A campaign of the year is published for the region (by it or a level above)."""
        return self.campaign is not None

    @property
    def over(self) -> bool:
        """The week's dates are known and have passed."""
        return self.week_end is not None and self.week_end < today()

    @property
    def ceremony_outside_week(self) -> str:
        """The warning when the opening ceremony shown lies outside the week shown."""
        if self.ceremony is None:
            return ""
        return ceremony_outside_week(self.ceremony.ceremony_date, self.week_start, self.week_end)


def region_week(unit: Unit, *, year: int | None = None) -> RegionWeek:
    """The activity week of ``unit`` in ``year`` (default: this year). This year's week is never
    a past year's: while no level has published a campaign of this year the week has no campaign
    (待公布), and ``previous`` holds the latest past year's, to be shown as past."""
    chain = [*unit.get_ancestors(), unit]
    published = campaigns_public().filter(issuing_unit__in=chain)
    if year is None:
        year = today().year
        week = _region_week(unit, chain, published, year)
        if week.campaign is None:
            past = published.filter(year__lt=year).order_by("-year").values_list("year", flat=True).first()
            week.previous = _region_week(unit, chain, published, past) if past else None
        return week
    return _region_week(unit, chain, published, year)


def _region_week(unit: Unit, chain: list[Unit], published: QuerySet[Campaign], year: int) -> RegionWeek:
    by_issuer = {c.issuing_unit_id: c for c in published.filter(year=year).order_by("created_at")}
    nearest_first = [by_issuer[u.pk] for u in reversed(chain) if u.pk in by_issuer]
    week = RegionWeek(year=year, campaign=nearest_first[0] if nearest_first else None)
    for campaign in nearest_first:
        if campaign.week_start or campaign.week_note:
            week.week_start, week.week_end = campaign.week_start, campaign.week_end
            week.week_note, week.week_source = campaign.week_note, campaign
            break
    province = next((u for u in chain if u.kind == UnitKind.PROVINCE), None)
    slot = (
        WeekSlot.objects.filter(campaign__year=year, province=province).first()
        if province is not None
        else None
    )
    # The ministry's arrangement beats the province's own notice, not a city's or county's week.
    if slot is not None and (
        week.week_source is None
        or week.week_source.issuing_unit.kind in (UnitKind.MINISTRY, UnitKind.PROVINCE)
    ):
        week.week_start, week.week_end, week.week_note = slot.start, slot.end, ""
        week.week_source, week.slot_status = slot.campaign, slot.get_status_display()
    week.ceremony = next(
        (c for c in nearest_first if c.ceremony_date or c.ceremony_venue or c.ceremony_stream_url), None
    )
    return week


@dataclass
class RegionCampaigns:
    """The published campaigns that concern a region's residents — the ministry's and those of
    the region and the levels above it — of this year (``current``) and of earlier years
    (``past``, the latest first)."""

    year: int
    current: list[Campaign]
    past: list[Campaign]


def campaigns_for_region(region: Unit | None, *, year: int | None = None, past: int = 4) -> RegionCampaigns:
    year = year or today().year
    issuers = [u.pk for u in region.get_ancestors()] + [region.pk] if region is not None else []
    chain = campaigns_public().filter(Q(issuing_unit__kind=UnitKind.MINISTRY) | Q(issuing_unit__in=issuers))
    order = ("issuing_unit__path", "slug")
    return RegionCampaigns(
        year=year,
        current=list(chain.filter(year=year).order_by(*order)),
        past=list(chain.filter(year__lt=year).order_by("-year", *order)[:past]),
    )
