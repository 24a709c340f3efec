"""Who may act for whom in a campaign: the office rule and the one guard of every campaign write.

The office rule lives here and only here: the staff of a campaign's 领导小组办公室 (an
institution such as an open university) act as the campaign's issuing unit — for that campaign,
and for its requirements and those the levels below passed down from them (a nomination climbs
through them to the issuer). Never for another campaign of the issuer, not even one of the same
year. Everyone else acts as its own unit; a superuser as every unit.

``require`` is the guard every service calls, with the actor, before it takes any lock; ``may``
is its twin for pages (whether to show a button), so a page shows what the service allows.
Outside the subtree the actor acts on is ``NotFound`` (forbidden looks like missing); inside it
without the role is ``PermissionDenied`` with “只有…可以…”.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from learnweek.campaigns.models import Campaign, Requirement
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from learnweek.orgs.models import Unit
from learnweek.orgs.selectors import is_within, scope_root, within_q

if TYPE_CHECKING:
    from learnweek.accounts.models import User
    from learnweek.orgs.roles import Role

Target = Campaign | Requirement | None  # what the actor acts on; None: no campaign (own unit only)


def requirement_family_ids(*requirements: Requirement | int) -> list[int]:
    """The requirements and every requirement passed down from them, at any depth."""
    ids = [r if isinstance(r, int) else r.pk for r in requirements]
    frontier = list(ids)
    while frontier:
        frontier = list(
            Requirement.objects.filter(parent_requirement__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


@dataclass(frozen=True)
class Level:
    """One level a user acts as: its own unit for everything (``campaign`` None), or the issuing
    unit of ``campaign`` whose office the user works in, for that campaign and the requirements in
    ``requirement_ids`` (the campaign's and those passed down from them)."""

    unit: Unit
    campaign: Campaign | None = None
    requirement_ids: frozenset[int] = frozenset()

    def covers(self, target: Target) -> bool:
        if self.campaign is None:
            return True
        if isinstance(target, Campaign):
            return target.pk == self.campaign.pk
        if isinstance(target, Requirement):
            return target.pk in self.requirement_ids
        return False


def _office_levels(root: Unit) -> list[Level]:
    levels = []
    for campaign in Campaign.objects.filter(office=root).select_related("issuing_unit"):
        own = list(campaign.requirements.values_list("pk", flat=True))
        levels.append(Level(campaign.issuing_unit, campaign, frozenset(requirement_family_ids(*own))))
    return levels


def acting_levels(user: User) -> list[Level]:
    """Every level ``user`` acts as: its own unit first, then the issuer of each campaign whose
    office it works in. Empty for a superuser (every unit); ``NotFound`` for someone who may act
    on nothing."""
    root = scope_root(user)
    if root is None:
        return []
    return [Level(root), *_office_levels(root)]


def _office_covers(root: Unit, target: Target) -> Unit | None:
    """The issuing unit ``root``'s staff act as on ``target`` by the office rule, or None. For a
    campaign this is the campaign's own office field (no query): the rule of ``Level.covers``."""
    if isinstance(target, Campaign):
        return target.issuing_unit if target.office_id == root.pk else None
    if isinstance(target, Requirement):
        return next((lv.unit for lv in _office_levels(root) if lv.covers(target)), None)
    return None


def campaign_scope_root(user: User, target: Target) -> Unit | None:
    """The subtree ``user`` acts on for ``target``: the issuer's when it works in the office the
    rule names, else its own unit's (None: a superuser, every unit)."""
    root = scope_root(user)
    if root is None:
        return None
    return _office_covers(root, target) or root


def acts_as(user: User | None, unit: Unit, target: Target) -> bool:
    """Whether ``user`` speaks for exactly ``unit`` on ``target`` (a level's list, its decision):
    its own unit, or the issuer whose office it works in. ``None`` (the command line) and a
    superuser speak for every unit."""
    if user is None or user.is_superuser:
        return True
    try:
        levels = acting_levels(user)
    except NotFound:
        return False
    return any(lv.unit.pk == unit.pk and lv.covers(target) for lv in levels)


def acting_unit_for(user: User, requirement: Requirement) -> Unit | None:
    """The level the user works as on ``requirement``'s page: the issuer when the user works in
    the office of that requirement's campaign, else its own unit (a superuser: the issuer)."""
    try:
        levels = acting_levels(user)
    except NotFound:
        return None
    if not levels:
        return requirement.campaign.issuing_unit
    for level in levels[1:]:
        if level.covers(requirement) and level.unit.pk == requirement.campaign.issuing_unit_id:
            return level.unit
    return levels[0].unit


def _role_refusal(actor: User, roles: Sequence[Role], what: str) -> PermissionDenied | None:
    if any(actor.has_role(role) for role in roles):
        return None
    return PermissionDenied(f"只有{'或'.join(str(role.label) for role in roles)}可以{what}。")


def require(
    actor: User | None,
    target: Target,
    unit: Unit,
    role: Role | Sequence[Role],
    what: str,
    *,
    exactly: bool = False,
    above: bool = False,
    otherwise: Callable[[], DomainError] | None = None,
) -> None:
    """The guard of every campaign write, called before any lock. The actor acts on ``unit``:
    it lies in the subtree the actor acts on for ``target`` (``exactly``: the actor speaks for that
    very level, see ``acts_as``); ``above``: from a level above it inside the issuer's subtree (a
    review). Else ``NotFound`` (or ``otherwise()``, where the actor already sees the object and
    is told whose turn it is). Then the actor holds ``role`` (one of them) — else
    ``PermissionDenied`` “只有{role}可以{what}”. ``None`` is the command line, run by the operator
    of the installation."""
    if actor is None:
        return
    roles = [role] if isinstance(role, str) else list(role)
    root = None
    if exactly:
        inside = acts_as(actor, unit, target)
    else:
        root = campaign_scope_root(actor, target)
        inside = is_within(root, unit)
    if not inside:
        raise otherwise() if otherwise is not None else NotFound()
    if above and root is not None:
        issuer = (
            target.issuing_unit
            if isinstance(target, Campaign)
            else target.campaign.issuing_unit
            if isinstance(target, Requirement)
            else None
        )
        if root.pk == unit.pk or (issuer is not None and not is_within(issuer, root)):
            raise PermissionDenied("只能由上级单位审核。")
    refusal = _role_refusal(actor, roles, what)
    if refusal is not None:
        raise refusal


def may(
    actor: User | None,
    target: Target,
    unit: Unit,
    role: Role | Sequence[Role] | None = None,
    *,
    exactly: bool = False,
) -> bool:
    """``require`` as a question, for pages: whether the actor passes the guard (the scope only,
    without ``role``)."""
    if actor is None:
        return True
    try:
        if role is None:
            if exactly:
                return acts_as(actor, unit, target)
            return is_within(campaign_scope_root(actor, target), unit)
        require(actor, target, unit, role, "", exactly=exactly)
    except (NotFound, PermissionDenied):
        return False
    return True


def reviewable_q(actor: User, role: Role, *, unit_field: str = "unit", campaign_field: str) -> Q:
    """``require(actor, campaign, unit, role, ..., above=True)`` — the guard of a review — as a
    filter, for a list of what the actor may decide without asking row by row: the unit lies in
    the subtree the actor acts on for the row's campaign (``campaign_scope_root``: its own unit's,
    or the issuer's of a campaign whose office it works in) but is not its root, and the campaign
    is issued at that root or above it. Nothing without ``role``; everything for a superuser.
    ``tests/campaigns/test_inbox.py`` holds it to ``require`` row by row."""
    try:
        root = scope_root(actor)
    except NotFound:
        return Q(pk__in=[])
    if _role_refusal(actor, [role], "") is not None:
        return Q(pk__in=[])
    if root is None:
        return Q(pk__isnull=False)
    office = f"{campaign_field}__office"
    issuer = f"{campaign_field}__issuing_unit"
    above = [*root.get_ancestors().values_list("pk", flat=True), root.pk]
    condition = (
        (Q(**{f"{office}__isnull": True}) | ~Q(**{office: root}))
        & within_q(root, unit_field=unit_field)
        & ~Q(**{unit_field: root})
        & Q(**{f"{issuer}__in": above})
    )
    for campaign in Campaign.objects.filter(office=root).select_related("issuing_unit"):
        # The office acts as the issuer, for this campaign only (``_office_covers``).
        condition |= (
            Q(**{campaign_field: campaign})
            & within_q(campaign.issuing_unit, unit_field=unit_field)
            & ~Q(**{unit_field: campaign.issuing_unit})
        )
    return condition
