"""Reads of nominations: who sees what, the chain of levels a nomination climbs, each level's
list and quota, the completeness board, the ranking and the public showcase."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, QuerySet

from learnweek.campaigns.access import acting_levels, requirement_family_ids
from learnweek.campaigns.models import CampaignStatus, Requirement
from learnweek.campaigns.selectors import BoardUnit, requirement_applies_to
from learnweek.core.audit import Change, actor_label
from learnweek.core.errors import NotFound
from learnweek.nominations.kinds import NOMINATION_KINDS, SPECS
from learnweek.nominations.models import (
    HANDED_IN,
    STANDING,
    Decision,
    DecisionAction,
    Nomination,
    NominationSheet,
    NominationState,
    Score,
)
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.selectors import within, within_q

if TYPE_CHECKING:
    from learnweek.accounts.models import User


# -- the chain of levels -----------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One level a nomination passes: ``requirement`` is what the level's own list (its 汇总表)
    answers upward, ``quota`` how many it may put forward, ``is_top`` the selecting level."""

    unit: Unit
    requirement: Requirement
    quota: int | None
    is_top: bool = False


def level_quota(unit: Unit, requirement: Requirement) -> int | None:
    """How many ``unit`` may put forward under ``requirement``: the requirement's quota when the
    unit is of a kind it asks to nominate, else no limit of its own."""
    return requirement.quota_per_unit if unit.kind in requirement.applies_to else None


def upward_requirement(unit: Unit, requirement: Requirement) -> Requirement:
    """The requirement that ``unit``'s list answers when it works on ``requirement``: the level
    that passed a requirement down answers the one above with what its units sent up."""
    if requirement.campaign.issuing_unit_id == unit.pk and requirement.parent_requirement_id:
        return requirement.parent_requirement  # type: ignore[return-value]
    return requirement


def is_selecting_level(unit: Unit, requirement: Requirement) -> bool:
    return requirement.campaign.issuing_unit_id == unit.pk and requirement.parent_requirement_id is None


def review_chain(requirement: Requirement, unit: Unit) -> list[Stage]:
    """The nominating unit, then each administrative level above it, nearest first, up to the
    issuer of the top requirement (following requirements that a level passed down with its own
    deadline and quota): county → city → province (→ ministry for the national lists)."""
    stages = [Stage(unit, requirement, level_quota(unit, requirement))]
    current = requirement
    for ancestor in reversed(list(unit.get_ancestors())):
        if not ancestor.is_administrative:
            continue
        if ancestor.pk == current.campaign.issuing_unit_id:
            parent = current.parent_requirement
            if parent is None:
                stages.append(Stage(ancestor, current, None, is_top=True))
                break
            stages.append(Stage(ancestor, parent, level_quota(ancestor, parent)))
            current = parent
        else:
            stages.append(Stage(ancestor, current, level_quota(ancestor, current)))
    return stages


def next_stage(nomination: Nomination, unit: Unit) -> Stage | None:
    """The level after ``unit`` in the nomination's chain (None after the top)."""
    chain = review_chain(nomination.requirement, nomination.unit)
    for i, stage in enumerate(chain):
        if stage.unit.pk == unit.pk:
            return chain[i + 1] if i + 1 < len(chain) else None
    return None


def stage_of(nomination: Nomination, unit: Unit) -> Stage | None:
    return next(
        (s for s in review_chain(nomination.requirement, nomination.unit) if s.unit.pk == unit.pk), None
    )


# -- who sees what -----------------------------------------------------------------------------


def _seen_from(root: Unit) -> Q:
    """From ``root``: its own nominations, and those of its subtree that have reached it."""
    return within_q(root, unit_field="unit") & (Q(unit=root) | Q(reached_depth__lte=root.depth))


def nominations_visible_to(user: User) -> QuerySet[Nomination]:
    """What the levels the user acts as see (``campaigns.access.acting_levels``: its own unit,
    and the issuer of a campaign whose office it works in, for that campaign's requirements)."""
    try:
        levels = acting_levels(user)
    except NotFound:
        return Nomination.objects.none()
    queryset = Nomination.objects.select_related(
        "unit", "at_unit", "requirement", "requirement__campaign", "requirement__campaign__issuing_unit"
    )
    if user.is_superuser and not levels:
        return queryset
    condition = Q(pk__in=[])
    for level in levels:
        only = Q() if level.campaign is None else Q(requirement__in=level.requirement_ids)
        condition |= _seen_from(level.unit) & only
    return queryset.filter(condition)


def nomination_get_visible(user: User, pk: int) -> Nomination:
    try:
        return nominations_visible_to(user).get(pk=pk)
    except Nomination.DoesNotExist as exc:
        raise NotFound() from exc


# -- a level's lists ---------------------------------------------------------------------------


def _family(requirement: Requirement) -> QuerySet[Nomination]:
    return Nomination.objects.filter(requirement__in=requirement_family_ids(requirement))


def own_nominations(requirement: Requirement, unit: Unit) -> QuerySet[Nomination]:
    return Nomination.objects.filter(requirement=requirement, unit=unit).order_by("rank", "pk")


def passed_upward(requirement: Requirement, unit: Unit) -> Q:
    """Nominations of the family that ``unit`` has put forward and that still stand above it."""
    return Q(state=NominationState.APPROVED) | Q(
        state=NominationState.IN_REVIEW, at_unit__depth__lt=unit.depth
    )


def level_count(unit: Unit, requirement: Requirement) -> int:
    """What counts against ``unit``'s quota under ``requirement``: its own nominations handed in
    and still standing, and those from below that it recommended and that still stand above it."""
    standing = within(_family(requirement), unit, unit_field="unit").filter(state__in=STANDING)
    return standing.filter(Q(unit=unit) | passed_upward(requirement, unit)).count()


def _awaiting(unit: Unit) -> Q:
    """Awaiting ``unit``'s decision: handed in and its turn is at that level."""
    return Q(state=NominationState.IN_REVIEW, at_unit=unit)


def level_queue(requirement: Requirement, unit: Unit) -> QuerySet[Nomination]:
    """Awaiting ``unit``'s decision, in the order the level below put them."""
    return (
        _family(requirement)
        .filter(_awaiting(unit))
        .select_related("unit", "requirement__campaign")
        .order_by("unit__path", "rank", "pk")
    )


def awaiting_decision_of(user: User) -> QuerySet[Nomination]:
    """Every nomination awaiting a decision of a level the user acts as (``level_queue`` over
    all requirements: its own unit's, and the issuer's for a campaign whose office it works in),
    the soonest deadline first. Who may take the decision is ``nomination_decide``'s guard."""
    try:
        levels = acting_levels(user)
    except NotFound:
        return Nomination.objects.none()
    queryset = Nomination.objects.select_related(
        "unit", "at_unit", "requirement__campaign", "requirement__parent_requirement"
    )
    if user.is_superuser and not levels:
        return queryset.filter(state=NominationState.IN_REVIEW)
    condition = Q(pk__in=[])
    for level in levels:
        only = Q() if level.campaign is None else Q(requirement__in=level.requirement_ids)
        condition |= _awaiting(level.unit) & only
    return queryset.filter(condition).order_by(
        "requirement__deadline", "requirement_id", "unit__path", "rank"
    )


def returned_to(unit: Unit) -> list[tuple[Nomination, str]]:
    """The unit's own nominations sent back for revision, each with the reason of the return
    that sent it back (the last one of its round)."""
    nominations = list(
        Nomination.objects.filter(unit=unit, state=NominationState.RETURNED).select_related("requirement")
    )
    reasons: dict[int, str] = {}
    rounds = {n.pk: n.round for n in nominations}
    returns = Decision.objects.filter(nomination__in=list(rounds), action=DecisionAction.RETURN)
    for decision in returns.order_by("at", "pk"):
        if decision.round == rounds[decision.nomination_id]:
            reasons[decision.nomination_id] = decision.comment
    return [(n, reasons.get(n.pk, "")) for n in nominations]


def _current_decisions(nominations: list[Nomination], unit: Unit) -> dict[int, Decision]:
    decisions: dict[int, Decision] = {}
    rounds = {n.pk: n.round for n in nominations}
    for decision in Decision.objects.filter(nomination__in=list(rounds), unit=unit).order_by("at", "pk"):
        if decision.round == rounds[decision.nomination_id]:
            decisions[decision.nomination_id] = decision
    return decisions


def level_list(unit: Unit, requirement: Requirement, *, drafts: bool = False) -> list[Nomination]:
    """The list ``unit`` puts forward under ``requirement`` (its 汇总表), in its own order: its own
    nominations by 推荐序号, and those it recommended from below by the order it gave them. With
    ``drafts`` the unit's drafts and returned ones come too (to print the forms before submitting)."""
    own_states = [*STANDING, NominationState.DRAFT, NominationState.RETURNED] if drafts else list(STANDING)
    family = within(_family(requirement), unit, unit_field="unit")
    items = list(
        family.filter(
            Q(unit=unit, state__in=own_states)
            | (~Q(unit=unit) & Q(state__in=STANDING) & passed_upward(requirement, unit))
        ).select_related("unit", "requirement__campaign", "at_unit")
    )
    decisions = _current_decisions([n for n in items if n.unit_id != unit.pk], unit)

    def key(n: Nomination) -> tuple[int, int, int]:
        if n.unit_id == unit.pk:
            return (0, n.rank, n.pk)
        decision = decisions.get(n.pk)
        return (1, decision.rank if decision is not None and decision.rank else 9999, n.pk)

    items.sort(key=key)
    for position, nomination in enumerate(items, start=1):
        nomination.level_rank = position  # type: ignore[attr-defined]
    return items


def level_decided(requirement: Requirement, unit: Unit) -> list[Nomination]:
    """Nominations ``unit`` returned or declined in their current round (kept in its view)."""
    items = list(
        within(_family(requirement), unit, unit_field="unit")
        .filter(
            state__in=[NominationState.RETURNED, NominationState.DECLINED],
            reached_depth=unit.depth,
        )
        .exclude(unit=unit)
        .select_related("unit")
    )
    return items


def sheet_for(requirement: Requirement, unit: Unit) -> NominationSheet | None:
    return NominationSheet.objects.filter(requirement=requirement, unit=unit).first()


def timeline(nomination: Nomination) -> list[Decision]:
    return list(nomination.decisions.select_related("unit", "actor", "actor__unit").order_by("at", "pk"))


def nomination_history(nomination: Nomination) -> list[Change]:
    """Each level's decision as a change of state: handed in → awaiting the next level, recommended
    → awaiting the one after it (or selected at the top), returned, declined; with the level, the
    reviewer and the opinion. A returned nominee's next round starts again from its own unit."""
    stages = review_chain(nomination.requirement, nomination.unit)
    chain = [stage.unit.pk for stage in stages]
    names = {stage.unit.pk: stage.unit.name for stage in stages}

    def awaiting(position: int) -> str:
        if position >= len(chain):
            return NominationState.APPROVED.label
        return f"{NominationState.IN_REVIEW.label}（待{names[chain[position]]}）"

    state = NominationState.DRAFT.label
    changes = []
    for d in timeline(nomination):
        if d.action in (DecisionAction.SUBMIT, DecisionAction.RECOMMEND):
            after = awaiting(chain.index(d.unit_id) + 1 if d.unit_id in chain else len(chain))
        elif d.action == DecisionAction.RETURN:
            after = NominationState.RETURNED.label
        else:
            after = NominationState.DECLINED.label
        label = d.get_action_display()
        changes.append(
            Change(
                at=d.at,
                actor=actor_label(d.actor),
                before=state,
                after=after,
                comment=f"{label}（第 {d.round} 轮）"
                + (f"：{d.comment}" if d.comment not in ("", label) else ""),
                unit=d.unit.name,
            )
        )
        state = after
    return changes


def current_opinions(nomination: Nomination) -> dict[int, Decision]:
    """The standing word of each level in the current round, by unit id."""
    return {
        d.unit_id: d
        for d in nomination.decisions.filter(round=nomination.round)
        .select_related("unit", "actor")
        .order_by("at", "pk")
    }


# -- the page of one requirement ---------------------------------------------------------------


@dataclass
class LevelView:
    requirement: Requirement
    unit: Unit
    nominates: bool
    own: list[Nomination]
    own_quota: int | None
    own_count: int
    queue: list[Nomination]
    forwarded: list[Nomination]
    forward_requirement: Requirement
    forward_quota: int | None
    forward_count: int
    decided: list[Nomination]
    is_top: bool


def level_view(requirement: Requirement, unit: Unit) -> LevelView:
    nominates = requirement_applies_to(requirement, unit)
    upward = upward_requirement(unit, requirement)
    forwarded = [n for n in level_list(unit, upward) if n.unit_id != unit.pk]
    own = list(own_nominations(requirement, unit)) if nominates else []
    top = is_selecting_level(unit, requirement)
    return LevelView(
        requirement=requirement,
        unit=unit,
        nominates=nominates,
        own=own,
        own_quota=requirement.quota_per_unit if nominates else None,
        own_count=sum(1 for n in own if n.state in STANDING),
        queue=list(level_queue(requirement, unit)),
        forwarded=forwarded,
        forward_requirement=upward,
        forward_quota=None if top else level_quota(unit, upward),
        forward_count=level_count(unit, upward),
        decided=level_decided(requirement, unit),
        is_top=top,
    )


# -- the completeness board --------------------------------------------------------------------


def board_states(
    requirement: Requirement, units: Sequence[Unit | BoardUnit], on: datetime.date
) -> dict[int, tuple[str, str]]:
    """Each unit's standing on the board of a nomination requirement: what it has handed in (its
    own nominations, or what it passed on from below) against the requirement's minimum."""
    minimum = max(requirement.quota_min or 1, 1)
    wanted = {u.path: u for u in units}
    handed: dict[int, int] = defaultdict(int)
    drafts: set[int] = set()
    depth_of = {u.pk: u.depth for u in units}
    rows = _family(requirement).values_list("unit_id", "unit__path", "state", "reached_depth")
    for unit_id, path, state, reached in rows:
        if unit_id in depth_of:
            if state in HANDED_IN:
                handed[unit_id] += 1
            else:
                drafts.add(unit_id)
        # Passed on by a listed unit above it (the level that gathered from below).
        for length in range(Unit.steplen, len(path), Unit.steplen):
            above = wanted.get(path[:length])
            if above is not None and state in HANDED_IN and reached < above.depth:
                handed[above.pk] += 1
    past = on > requirement.deadline
    states: dict[int, tuple[str, str]] = {}
    for unit in units:
        n = handed.get(unit.pk, 0)
        if n >= minimum:
            states[unit.pk] = ("submitted", f"已报 {n} 项")
        elif n > 0:
            label = f"已报 {n} 项，至少 {minimum} 项"
            states[unit.pk] = ("overdue", "逾期未交（" + label + "）") if past else ("short", label)
        elif past:
            states[unit.pk] = ("overdue", "逾期未交")
        elif unit.pk in drafts:
            states[unit.pk] = ("draft", "草稿")
        else:
            states[unit.pk] = ("not_started", "未开始")
    return states


# -- scoring and the ranked list ---------------------------------------------------------------


@dataclass
class RankedRow:
    nomination: Nomination
    average: float | None
    scores: int
    mine: object | None


def ranking(requirement: Requirement, unit: Unit, reviewer: User | None = None) -> list[RankedRow]:
    """What the selecting level has before it (awaiting it or already selected), by average score,
    highest first; unscored ones last in the order they came."""
    items = list(
        _family(requirement)
        .filter(Q(state=NominationState.IN_REVIEW, at_unit=unit) | Q(state=NominationState.APPROVED))
        .annotate(average=Avg("scores__total"), score_count=Count("scores"))
        .select_related("unit")
    )
    mine = {}
    if reviewer is not None:
        mine = {s.nomination_id: s for s in reviewer_scores(reviewer, items)}
    rows = [
        RankedRow(n, float(n.average) if n.average is not None else None, n.score_count, mine.get(n.pk))  # type: ignore[attr-defined]
        for n in items
    ]
    rows.sort(key=lambda r: (r.average is None, -(r.average or 0), r.nomination.unit.path, r.nomination.rank))
    return rows


def reviewer_scores(reviewer: User, nominations: Sequence[Nomination]) -> QuerySet[Score]:
    return Score.objects.filter(reviewer=reviewer, nomination__in=nominations)


def counts_by_unit(requirement: Requirement, unit: Unit) -> list[tuple[Unit, int, int | None, int | None]]:
    """Below the selecting level: each child unit with what it put forward, against its quota
    (maximum) and the requirement's minimum."""
    rows = []
    family_requirements = Requirement.objects.filter(pk__in=requirement_family_ids(requirement))
    for child in (
        unit.get_children()
        .filter(kind__in=[UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY, UnitKind.INSTITUTION])
        .order_by("path")
    ):
        upward = next((r for r in family_requirements if child.kind in r.applies_to), None)
        if upward is None:
            continue
        count = level_count(child, upward)
        if count or child.kind in requirement.applies_to:
            rows.append((child, count, upward.quota_per_unit, upward.quota_min))
    return rows


# -- the public showcase -----------------------------------------------------------------------


def showcase(
    *, year: int | None = None, province: Unit | None = None, kind: str | None = None
) -> QuerySet[Nomination]:
    """Selected nominees of requirements that publish their results, in published campaigns. A
    person only with its own consent to publication (个人信息保护法 art. 25, privacy.PublicationConsent)."""
    person_kinds = [kind for kind, spec in SPECS.items() if spec.person]
    queryset = (
        Nomination.objects.filter(
            state=NominationState.APPROVED,
            requirement__publish_winners=True,
            requirement__kind__in=NOMINATION_KINDS,
            requirement__campaign__status__in=[CampaignStatus.PUBLISHED, CampaignStatus.CLOSED],
        )
        .filter(~Q(requirement__kind__in=person_kinds) | Q(publication_consent__isnull=False))
        .select_related("unit", "requirement__campaign")
    )
    if year:
        queryset = queryset.filter(requirement__campaign__year=year)
    if province is not None:
        queryset = within(queryset, province, unit_field="unit")
    if kind:
        queryset = queryset.filter(requirement__kind=kind)
    return queryset.order_by("-requirement__campaign__year", "requirement__kind", "unit__path", "rank", "pk")


def showcase_get(pk: int) -> Nomination:
    try:
        return showcase().get(pk=pk)
    except Nomination.DoesNotExist as exc:
        raise NotFound() from exc


def showcase_years() -> list[int]:
    return sorted(set(showcase().values_list("requirement__campaign__year", flat=True)), reverse=True)


def showcase_kinds() -> list[tuple[str, str]]:
    return [(kind, SPECS[kind].noun) for kind in NOMINATION_KINDS]
