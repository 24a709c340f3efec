"""The statistics table, computed live from the activities and reported totals of a subtree.

The rules are those of SPEC §6, in one place:

- the activities counted are those in the unit's subtree registered under any campaign of the
  year's cascade (``campaigns.selectors.Cascade``), plus the totals units reported instead of listing them;
- a reading column counts activities by primary category, the week column by the week flag;
- an activity's level is the kind of its organiser's ``admin_unit`` (an institution counts at the
  level of the division it hangs under);
- the prefecture row counts prefecture-level activities with their prefecture as the city, and a
  municipality's own activities with the municipality as the city; the county row counts
  county-level activities with their county;
- "是否开展" is whether any activity sits at the level of the unit itself.

One query reads the year's cascade, one grouped query the activities (by admin unit, category and
week flag), one the reported totals, one the administrative units of the subtree; the rest is
folding a few thousand groups. A page reads the cascade once (``cascade_of``) and hands it to each
selector below through ``cascade=``; called without it, a selector reads it itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from learnweek.activities.models import Activity
from learnweek.campaigns.models import Campaign, Requirement, RequirementKind, Submission, SubmissionState
from learnweek.campaigns.selectors import (
    Cascade,
    campaign_get_visible,
    campaign_scope_root,
    cascade_of,
    cascade_requirements,
    requirement_applies_to,
)
from learnweek.core.errors import NotFound
from learnweek.orgs.models import ADMINISTRATIVE_KINDS, Unit, UnitKind
from learnweek.orgs.selectors import is_within, unit_get_within, within
from learnweek.stats.models import READING_COLUMNS, Column, ReportedTotal, StatsHeader, StatsSnapshot

if TYPE_CHECKING:
    from learnweek.accounts.models import User

COLUMNS = list(Column.values)
# The first row of each level's form. The ministry prints the national form, whose first row a
# province answers (省级层面是否开展): the ministry's table counts there the provinces that did.
OWN_LEVEL_LABELS = {
    UnitKind.MINISTRY: "省级层面是否开展",
    UnitKind.PROVINCE: "省级层面是否开展",
    UnitKind.PREFECTURE: "地市级层面是否开展",
    UnitKind.COUNTY: "县级层面是否开展",
}


# -- which row an administrative unit's activities count in ------------------------------------


def counts_in_row(kind: str, is_municipality: bool) -> str | None:
    """The row (``prefecture`` or ``county``) where activities at this administrative unit's
    level are counted, with the unit as the city; None for the ministry and the provinces, whose
    own activities only answer "是否开展"."""
    if kind == UnitKind.COUNTY:
        return "county"
    if kind == UnitKind.PREFECTURE or (kind == UnitKind.PROVINCE and is_municipality):
        return "prefecture"
    return None


def row_filter(row: str, unit: Unit, through: str = "organiser") -> Q:
    """The rows of ``row`` in ``unit``'s table, as a filter on Activity (``through`` its
    organiser) or on ReportedTotal (``through`` its unit)."""
    admin = f"{through}__admin_unit"
    if row == "own":
        return Q(**{f"{admin}_id": unit.admin_unit_id})
    if row == "prefecture":
        return Q(**{f"{admin}__kind": UnitKind.PREFECTURE}) | Q(
            **{f"{admin}__kind": UnitKind.PROVINCE, f"{admin}__is_municipality": True}
        )
    if row == "county":
        return Q(**{f"{admin}__kind": UnitKind.COUNTY})
    raise NotFound()


def column_filter(column: str) -> Q:
    if column == Column.ACTIVITY_WEEK:
        return Q(is_week=True)
    categories = [category for category, col in READING_COLUMNS.items() if col == column]
    if not categories:
        raise NotFound()
    return Q(category__in=categories)


COUNTED = Q(category__in=list(READING_COLUMNS)) | Q(is_week=True)


# -- the table -----------------------------------------------------------------------------------


@dataclass
class Cell:
    units: int = 0
    activities: int = 0
    person_times: int = 0

    def as_json(self) -> dict[str, int]:
        return {"units": self.units, "activities": self.activities, "person_times": self.person_times}


@dataclass
class StatsTable:
    campaign: Campaign
    unit: Unit
    # The unit's administrative level (that of its division for an institution), which picks the
    # layout of the official form.
    level: str
    prefecture_units: int
    county_units: int
    own_level_held: dict[str, bool]
    prefecture: dict[str, Cell]
    county: dict[str, Cell]
    # The cities behind 城市数: row → column → {admin unit id: (activities, person-times)}.
    cities: dict[str, dict[str, dict[int, list[int]]]] = field(default_factory=dict)
    children: list[StatsTable] | None = None
    # Counted activities of the subtree with no 参加人次 yet (they add 0 to the 参加人次 cells).
    missing_person_times: int = 0
    # The ministry's table only: per column, how many provinces held activities at their own
    # (provincial) level, which its form's 省级层面是否开展 row reports.
    provinces_held: dict[str, int] | None = None

    @property
    def own_level_label(self) -> str:
        return OWN_LEVEL_LABELS.get(UnitKind(self.level), "本级层面是否开展")

    def cell(self, row: str, column: str) -> Cell:
        return getattr(self, row)[column]

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "campaign": self.campaign.slug,
            "unit": {
                "code": self.unit.code,
                "name": self.unit.name,
                "kind": self.unit.kind,
                "issuer": self.unit.issuer,
            },
            "prefecture_units": self.prefecture_units,
            "county_units": self.county_units,
            "columns": COLUMNS,
            "own_level_held": dict(self.own_level_held),
            "prefecture": {c: cell.as_json() for c, cell in self.prefecture.items()},
            "county": {c: cell.as_json() for c, cell in self.county.items()},
        }
        if self.provinces_held is not None:
            data["provinces_held"] = dict(self.provinces_held)
        if self.children is not None:
            data["children"] = [child.as_json() for child in self.children]
        return data


@dataclass(frozen=True)
class _Admin:
    pk: int
    path: str
    kind: str
    row: str | None
    inside: bool  # in the subtree read (not the division an institution root counts in)


@dataclass(frozen=True)
class _Group:
    admin_id: int
    column: str
    activities: int
    person_times: int
    missing: int = 0  # activities with no 参加人次 yet, each counted in one group only


def _groups(campaign: Campaign, cascade: Cascade, root: Unit) -> list[_Group]:
    groups = []
    activity_rows = (
        within(family_activities(campaign, cascade).filter(COUNTED), root, path_field="unit_path")
        .values_list("organiser__admin_unit_id", "category", "is_week")
        .annotate(n=Count("id"), p=Sum("person_times"), m=Count("id", filter=Q(person_times__isnull=True)))
        .order_by()
    )
    for admin_id, category, is_week, n, p, m in activity_rows:
        column = READING_COLUMNS.get(category)
        if column is not None:
            groups.append(_Group(admin_id, column, n, p or 0, m))
        if is_week:
            groups.append(_Group(admin_id, Column.ACTIVITY_WEEK, n, p or 0, 0 if column is not None else m))
    totals = (
        within(ReportedTotal.objects.filter(campaign_id__in=cascade.ids), root, unit_field="unit")
        .values_list("unit__admin_unit_id", "column")
        .annotate(n=Sum("activities"), p=Sum("person_times"))
        .order_by()
    )
    groups.extend(_Group(admin_id, column, n, p) for admin_id, column, n, p in totals)
    return groups


def _admins(root: Unit) -> dict[int, _Admin]:
    """The administrative units of the subtree, and the root's own division if it is an
    institution (its activities count there)."""
    rows = within(Unit.objects.filter(kind__in=ADMINISTRATIVE_KINDS), root)
    division = root.admin_unit_id if root.admin_unit_id not in (None, root.pk) else None
    if division is not None:
        rows = rows | Unit.objects.filter(pk=division)
    return {
        pk: _Admin(pk, path, kind, counts_in_row(kind, is_municipality), inside=pk != division)
        for pk, path, kind, is_municipality in rows.values_list("pk", "path", "kind", "is_municipality")
    }


def _fold(
    campaign: Campaign, unit: Unit, admin_id: int, level: str, groups: list[_Group], admins: list[_Admin]
) -> StatsTable:
    """``unit``'s table; ``admin_id`` is the administrative unit whose activities are its own
    level's, ``admins`` those of its subtree (and that one)."""
    held = dict.fromkeys(COLUMNS, False)
    cities: dict[str, dict[str, dict[int, list[int]]]] = {
        row: {c: defaultdict(lambda: [0, 0]) for c in COLUMNS} for row in ("prefecture", "county")
    }
    by_pk = {admin.pk: admin for admin in admins}
    for group in groups:
        if group.admin_id == admin_id:
            held[group.column] = True
        admin = by_pk.get(group.admin_id)
        if admin is not None and admin.row is not None:
            figures = cities[admin.row][group.column][admin.pk]
            figures[0] += group.activities
            figures[1] += group.person_times
    rows = {
        row: {
            c: Cell(
                units=len(per_unit),
                activities=sum(f[0] for f in per_unit.values()),
                person_times=sum(f[1] for f in per_unit.values()),
            )
            for c, per_unit in cities[row].items()
        }
        for row in cities
    }
    in_subtree = [a for a in admins if a.inside]
    return StatsTable(
        campaign=campaign,
        unit=unit,
        level=level,
        prefecture_units=sum(1 for a in in_subtree if a.row == "prefecture"),
        county_units=sum(1 for a in in_subtree if a.row == "county"),
        own_level_held=held,
        prefecture=rows["prefecture"],
        county=rows["county"],
        cities={row: {c: dict(v) for c, v in per_col.items()} for row, per_col in cities.items()},
    )


def stats_table(
    campaign: Campaign, unit: Unit, *, by_child: bool = False, cascade: Cascade | None = None
) -> StatsTable:
    """``unit``'s table for the year of ``campaign``, computed now; with ``by_child`` also one
    table per administrative child unit (provinces for the ministry, cities for a province).
    ``unit`` is read, never changed."""
    cascade = cascade or cascade_of(campaign)
    groups = _groups(campaign, cascade, unit)
    admins = _admins(unit)
    # An institution's own activities count at the level of the division it hangs under.
    admin_id = unit.admin_unit_id if unit.admin_unit_id is not None else unit.pk
    level = admins[admin_id].kind if admin_id in admins else unit.kind
    table = _fold(campaign, unit, admin_id, level, groups, list(admins.values()))
    table.missing_person_times = sum(group.missing for group in groups)
    if level == UnitKind.MINISTRY:
        held_by: dict[str, set[int]] = {c: set() for c in COLUMNS}
        for group in groups:
            owner = admins.get(group.admin_id)
            if owner is not None and owner.kind == UnitKind.PROVINCE:
                held_by[group.column].add(owner.pk)
        table.provinces_held = {c: len(pks) for c, pks in held_by.items()}
    if by_child:
        step = len(unit.path) + Unit.steplen
        admins_under: dict[str, list[_Admin]] = defaultdict(list)
        for admin in admins.values():
            if len(admin.path) >= step:
                admins_under[admin.path[:step]].append(admin)
        groups_under: dict[str, list[_Group]] = defaultdict(list)
        for group in groups:
            owner = admins.get(group.admin_id)
            if owner is not None and len(owner.path) >= step:
                groups_under[owner.path[:step]].append(group)
        table.children = []
        children = within(Unit.objects.filter(depth=unit.depth + 1, kind__in=ADMINISTRATIVE_KINDS), unit)
        for child in children.order_by("path"):
            table.children.append(
                _fold(
                    campaign, child, child.pk, child.kind, groups_under[child.path], admins_under[child.path]
                )
            )
    return table


def column_sums(data: dict[str, Any]) -> list[tuple[int, int]]:
    """Per column of a table's JSON (live or frozen): activities and person-times of the
    prefecture and county rows together."""
    return [
        (
            data["prefecture"][c]["activities"] + data["county"][c]["activities"],
            data["prefecture"][c]["person_times"] + data["county"][c]["person_times"],
        )
        for c in COLUMNS
    ]


# -- scope and drill-down ------------------------------------------------------------------------


def stats_unit_for(user: User, campaign: Campaign, code: str | None) -> Unit:
    """The unit whose table ``user`` may read for ``campaign``: its own by default, or any unit of
    its subtree; anything else is missing."""
    root = campaign_scope_root(user, campaign)
    if not code:
        if root is None:
            return campaign.issuing_unit
        return root
    return unit_get_within(root, code)


def stats_table_for(user: User, slug: str, code: str | None, *, by_child: bool = False) -> StatsTable:
    """The table the API answers with: ``stats_table`` through the scope rule."""
    campaign = campaign_get_visible(user, slug)
    return stats_table(campaign, stats_unit_for(user, campaign, code), by_child=by_child)


def _drill_root(unit: Unit, city: Unit | None) -> Unit:
    if city is not None and not is_within(unit, city):
        raise NotFound()
    return city if city is not None else unit


def drill_activities(
    campaign: Campaign,
    unit: Unit,
    row: str,
    column: str,
    city: Unit | None,
    *,
    cascade: Cascade | None = None,
) -> QuerySet:
    """The activities behind one figure of ``unit``'s table (of one city, when given)."""
    where = _drill_root(unit, city)
    return within(
        family_activities(campaign, cascade).filter(row_filter(row, unit), column_filter(column)),
        where,
        path_field="unit_path",
    ).order_by("-start", "-pk")


def drill_totals(
    campaign: Campaign,
    unit: Unit,
    row: str,
    column: str,
    city: Unit | None,
    *,
    cascade: Cascade | None = None,
) -> QuerySet:
    """The reported totals behind the same figure."""
    where = _drill_root(unit, city)
    family_ids = (cascade or cascade_of(campaign)).ids
    column_filter(column)  # refuses an unknown column
    return (
        within(
            ReportedTotal.objects.filter(
                row_filter(row, unit, through="unit"), campaign_id__in=family_ids, column=column
            ),
            where,
            unit_field="unit",
        )
        .select_related("unit", "entered_by_unit")
        .order_by("unit__path", "pk")
    )


def drill_cities(table: StatsTable, row: str, column: str) -> list[tuple[Unit, int, int]]:
    """The cities (or counties) behind 城市数, with their activities and person-times."""
    if row not in ("prefecture", "county") or column not in COLUMNS:
        raise NotFound()
    figures = table.cities[row][column]
    units = Unit.objects.in_bulk(list(figures))
    return [(units[pk], *figures[pk]) for pk in sorted(figures, key=lambda pk: units[pk].path)]


# -- header, reported totals, submissions ---------------------------------------------------------


def family_activities(campaign: Campaign, cascade: Cascade | None = None) -> QuerySet[Activity]:
    """The activities of the campaigns of ``campaign``'s cascade. Naming the year lets PostgreSQL
    read that year's partition alone (core.partitioning)."""
    cascade = cascade or cascade_of(campaign)
    return Activity.objects.filter(campaign_id__in=cascade.ids, year=cascade.year)


def earlier_roots(
    campaign: Campaign, unit: Unit, years: int, *, cascade: Cascade | None = None
) -> list[Campaign]:
    """The root campaign of each of the ``years`` years before ``campaign``'s (newest first, the
    years that have one) issued by ``unit`` or a level above it: whose tables are its history."""
    year = (cascade or cascade_of(campaign)).year
    found: dict[int, Campaign] = {}
    for candidate in (
        Campaign.objects.filter(
            parent__isnull=True,
            year__lt=year,
            year__gte=year - years,
            issuing_unit__in=[*unit.get_ancestors(), unit],
        )
        .select_related("issuing_unit")
        .order_by("-year", "issuing_unit__depth", "pk")
    ):
        found.setdefault(candidate.year, candidate)
    return list(found.values())


def family_root(campaign: Campaign) -> Campaign:
    """Headers and reported totals are kept once per unit for the year's whole cascade."""
    return cascade_of(campaign).root


def header_for(campaign: Campaign, unit: Unit, *, cascade: Cascade | None = None) -> StatsHeader:
    root = (cascade or cascade_of(campaign)).root
    return StatsHeader.objects.filter(campaign=root, unit=unit).first() or StatsHeader(
        campaign=root, unit=unit
    )


def header_liaisons(campaign: Campaign) -> dict[int, tuple[str, str]]:
    """Every unit's 联系人 and phone (mobile, else office) from its header of the year: one query."""
    root = cascade_of(campaign).root
    return {
        unit_id: (name.strip(), (mobile or office).strip())
        for unit_id, name, mobile, office in StatsHeader.objects.filter(campaign=root).values_list(
            "unit_id", "contact_name", "mobile", "office_phone"
        )
    }


def asks_platform(campaign: Campaign, unit: Unit, *, cascade: Cascade | None = None) -> bool:
    """Whether a statistics requirement that ``unit`` answers (one set by a level above it in the
    year's cascade) asks for 活动周平台名称及网址, as Shanxi's does."""
    return any(
        requirement.asks_platform
        for requirement in cascade_requirements(cascade or cascade_of(campaign), RequirementKind.STATISTICS)
        if is_within(requirement.campaign.issuing_unit, unit)
        and requirement.campaign.issuing_unit_id != unit.pk
    )


def reported_totals_entered_by(
    campaign: Campaign, unit: Unit, *, cascade: Cascade | None = None
) -> QuerySet[ReportedTotal]:
    family_ids = (cascade or cascade_of(campaign)).ids
    return ReportedTotal.objects.filter(campaign_id__in=family_ids, entered_by_unit=unit).select_related(
        "unit"
    )


def statistics_submissions(
    campaign: Campaign, unit: Unit, *, cascade: Cascade | None = None
) -> QuerySet[Submission]:
    """The unit's answers to the statistics requirements of the year's cascade."""
    family_ids = (cascade or cascade_of(campaign)).ids
    return Submission.objects.filter(
        requirement__campaign_id__in=family_ids, requirement__kind=RequirementKind.STATISTICS, unit=unit
    ).select_related("requirement")


def statistics_requirements_unanswered(
    campaign: Campaign, unit: Unit, submissions: list[Submission], *, cascade: Cascade | None = None
) -> list[Requirement]:
    """Statistics requirements of the year that ask ``unit`` and it has not answered yet."""
    answered = {s.requirement_id for s in submissions}
    return [
        requirement
        for requirement in cascade_requirements(cascade or cascade_of(campaign), RequirementKind.STATISTICS)
        if requirement.pk not in answered and requirement_applies_to(requirement, unit)
    ]


def approved_snapshot(
    campaign: Campaign, unit: Unit, *, cascade: Cascade | None = None
) -> StatsSnapshot | None:
    """The table the level above has approved, as it was submitted."""
    return approved_snapshots(campaign, [unit], cascade=cascade).get(unit.pk)


def approved_snapshots(
    campaign: Campaign, units: list[Unit], *, cascade: Cascade | None = None
) -> dict[int, StatsSnapshot]:
    """The approved snapshot of each of ``units`` that has one (for the by-child table)."""
    family_ids = (cascade or cascade_of(campaign)).ids
    found: dict[int, StatsSnapshot] = {}
    for snapshot in (
        StatsSnapshot.objects.filter(
            submission__requirement__campaign_id__in=family_ids,
            submission__requirement__kind=RequirementKind.STATISTICS,
            submission__state=SubmissionState.APPROVED,
            submission__unit__in=units,
        )
        .select_related("submission")
        .order_by("-taken_at", "-pk")
    ):
        found.setdefault(snapshot.submission.unit_id, snapshot)
    return found
