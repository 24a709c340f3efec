"""Reads of the unit tree, and the scope rule.

The subtree rule — "this unit and everything below it" — is spelled here and nowhere else:
``within`` (a queryset), ``within_q`` (the same filter as a ``Q``, to compose into a larger
expression) and ``is_within`` (on loaded units). The unit tree is a materialised path, so the rule
is one indexed ``path LIKE 'prefix%'``; every other module, and every test, asks these helpers
(``tests/orgs/test_one_scope_rule.py`` fails if the rule is written out elsewhere).

``scope_filter`` is the one place that knows who sees what: a staff account sees its unit and
everything below it, a superuser sees everything, anyone else sees nothing. Every read of
unit-owned data in every front door goes through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Model, Q, QuerySet

from learnweek.core.errors import NotFound, PermissionDenied
from learnweek.orgs.models import ADMINISTRATIVE_KINDS, Unit, UnitKind
from learnweek.orgs.roles import Role

if TYPE_CHECKING:
    from learnweek.accounts.models import User

M = TypeVar("M", bound=Model)


ALL_UNITS = None  # the scope root of a superuser


def scope_root(user: User) -> Unit | None:
    """The unit whose subtree ``user`` may see. ``None`` means every unit (superusers); users who
    may see nothing raise ``NotFound``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise NotFound()
    if user.is_superuser:
        return ALL_UNITS
    if user.unit is None:
        raise NotFound()
    return user.unit


def within_q(root: Unit | None, *, unit_field: str = "", path_field: str = "path") -> Q:
    """``within`` as a ``Q``, for a subtree condition inside a larger expression. For
    ``ALL_UNITS`` a condition every row meets (not an empty ``Q``, which ``|`` would drop)."""
    if root is None:  # ALL_UNITS
        return Q(pk__isnull=False)
    lookup = f"{unit_field}__{path_field}" if unit_field else path_field
    return Q(**{f"{lookup}__startswith": root.path})


def within(
    queryset: QuerySet[M], root: Unit | None, *, unit_field: str = "", path_field: str = "path"
) -> QuerySet[M]:
    """Rows whose unit (``unit_field``; the row itself when empty) lies in ``root``'s subtree.
    One indexed ``path LIKE 'prefix%'`` filter; ``path_field`` names a copy of the unit's path
    kept on the row itself (activities), which spares the join."""
    if root is None:  # ALL_UNITS
        return queryset
    return queryset.filter(within_q(root, unit_field=unit_field, path_field=path_field))


def is_within(root: Unit | None, unit: Unit) -> bool:
    """``unit`` lies in ``root``'s subtree (the same rule as ``within``, on loaded objects).
    Read the other way, ``is_within(unit, root)`` says ``unit`` is ``root`` or one of its
    ancestors."""
    return root is None or unit.path.startswith(root.path)


def require_role(
    actor: User | None,
    unit: Unit,
    role: Role,
    what: str,
    *,
    acting_root: Callable[[User], Unit | None] = scope_root,
) -> None:
    """The guard of every write: ``unit`` lies in the subtree the actor acts on (``acting_root``:
    its own by default; a campaign office acts with the issuer's) — else ``NotFound`` — and the
    actor holds ``role`` — else ``PermissionDenied``. ``None`` is the command line, run by the
    operator of the installation."""
    if actor is None:
        return
    if not is_within(acting_root(actor), unit):
        raise NotFound()
    if not actor.has_role(role):
        raise PermissionDenied(f"只有{role.label}可以{what}。")


def scope_filter(
    queryset: QuerySet[M], user: User, *, unit_field: str = "", path_field: str = "path"
) -> QuerySet[M]:
    """Limit ``queryset`` to rows whose unit lies in the user's subtree."""
    try:
        root = scope_root(user)
    except NotFound:
        return queryset.none()
    return within(queryset, root, unit_field=unit_field, path_field=path_field)


def get_in_scope(queryset: QuerySet[M], user: User, *, unit_field: str = "", **lookup: object) -> M:
    """The object matching ``lookup`` if it is in the user's scope; ``NotFound`` otherwise, with
    the same message whether it is missing or forbidden."""
    try:
        return scope_filter(queryset, user, unit_field=unit_field).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise NotFound() from exc


def units_visible_to(user: User) -> QuerySet[Unit]:
    return scope_filter(Unit.objects.all(), user)


def unit_get_visible(user: User, code: str) -> Unit:
    return get_in_scope(Unit.objects.all(), user, code=code)


def unit_get_within(root: Unit | None, code: str) -> Unit:
    """The unit ``code`` in ``root``'s subtree (any unit for ``ALL_UNITS``). ``NotFound`` with
    its one message whether the code is unknown or names a unit outside the subtree: a code
    typed into a URL tells nothing about units the user may not see."""
    try:
        return within(Unit.objects.all(), root).get(code=code)
    except Unit.DoesNotExist as exc:
        raise NotFound() from exc


def unit_get_by_code(code: str) -> Unit:
    """Unscoped lookup, for the command line and the loaders only."""
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist as exc:
        raise NotFound(f"没有代码为 {code} 的单位。") from exc


def unit_children(unit: Unit) -> QuerySet[Unit]:
    return unit.get_children().order_by("code")


def unit_ancestors(unit: Unit) -> QuerySet[Unit]:
    return unit.get_ancestors()


def administrative_units() -> QuerySet[Unit]:
    return Unit.objects.filter(kind__in=ADMINISTRATIVE_KINDS)


def unit_counts_by_kind(root: Unit | None = None) -> dict[str, int]:
    """Number of units of each kind in ``root``'s subtree (the whole tree without a root)."""
    queryset = within(Unit.objects.all(), root)
    counts = {kind.value: 0 for kind in UnitKind}
    for row in queryset.values("kind").order_by().annotate(n=Count("id")):
        counts[row["kind"]] = row["n"]
    return counts


# -- public regions ----------------------------------------------------------------------------


def regions_below(parent: Unit | None) -> QuerySet[Unit]:
    """The administrative units one level below ``parent`` (the provinces without one): what a
    resident picks a region from."""
    if parent is None:
        return Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code")
    return unit_children(parent).filter(kind__in=ADMINISTRATIVE_KINDS)


def region_get(code: str) -> Unit:
    """A province, prefecture or county by its code, for the public pages."""
    try:
        return Unit.objects.get(code=code, kind__in=[UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY])
    except Unit.DoesNotExist as exc:
        raise NotFound("没有这个地区。") from exc
