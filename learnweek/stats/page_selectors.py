"""What the statistics pages show, read in one place so the views only render: the unit's live
table beside the frozen copy the level above approved (each figure that has changed since marked
with its live value), the table by child unit with each child's approved figures, the unit's own
level (the total less the children), and the chart series.

The year's cascade is read once (``cascade_of``) and handed to every selector. This module sits
above ``stats.selectors`` and ``stats.exporters`` (whose form layout the rows follow)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from learnweek.campaigns.models import Campaign, Requirement, Submission
from learnweek.campaigns.selectors import cascade_of
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.stats.exporters import body_rows
from learnweek.stats.models import Column, StatsHeader, StatsSnapshot
from learnweek.stats.selectors import (
    COLUMNS,
    StatsTable,
    approved_snapshot,
    approved_snapshots,
    asks_platform,
    column_sums,
    header_for,
    statistics_requirements_unanswered,
    statistics_submissions,
    stats_table,
    stats_unit_for,
)

if TYPE_CHECKING:
    from learnweek.accounts.models import User

Sums = list[tuple[int, int]]


def form_rows(
    data: dict[str, Any], level: str, own_label: str, compare: dict[str, Any] | None = None
) -> list:
    """The body rows of a table's JSON, each cell with its column; given ``compare`` (the live
    table beside a frozen one), each cell also carries the live text where it differs."""
    rows = body_rows(data, level, own_label)
    if compare is None:
        return [
            {"r": r, "cells": [{"text": t, "column": c} for t, c in zip(r.texts(), COLUMNS, strict=True)]}
            for r in rows
        ]
    live = body_rows(compare, level, own_label)
    return [
        {
            "r": r,
            "cells": [
                {"text": t, "column": c, "live": lt if lt != t else None}
                for t, lt, c in zip(r.texts(), other.texts(), COLUMNS, strict=True)
            ],
        }
        for r, other in zip(rows, live, strict=True)
    ]


def _figures(data: dict[str, Any]) -> tuple:
    return data["own_level_held"], data["prefecture"], data["county"]


@dataclass(frozen=True)
class ChildRow:
    """One child unit in the table by child unit: its live sums and, once the level above has
    approved its table, the approved sums and whether they differ from the live ones."""

    table: StatsTable
    cells: Sums
    reported: bool
    reported_cells: Sums | None
    differs: bool


@dataclass(frozen=True)
class StatsPage:
    """Everything the statistics page of ``unit`` shows; its names are the template's."""

    campaign: Campaign
    unit: Unit
    table: StatsTable
    rows: list
    header: StatsHeader
    with_platform: bool
    own: bool  # the unit is the one the user answers for (its own, or the issuer's for the office)
    can_report: bool
    submissions: list[Submission]
    requirements: list[Requirement]
    snapshot: StatsSnapshot | None
    snapshot_rows: list | None
    child_rows: list[ChildRow]
    total_cells: Sums
    own_cells: Sums | None  # the unit's own level (total less the children), when not all zero
    chart: dict[str, Any]
    missing_person_times: int  # counted activities with no 参加人次 yet

    def as_context(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def stats_page_data(user: User, campaign: Campaign, unit: Unit) -> StatsPage:
    """The statistics page of ``unit`` (already one the user may read: ``stats_unit_for``)."""
    cascade = cascade_of(campaign)
    table = stats_table(campaign, unit, by_child=True, cascade=cascade)
    data = table.as_json()
    own = stats_unit_for(user, campaign, None).pk == unit.pk
    submissions = list(statistics_submissions(campaign, unit, cascade=cascade))
    snapshot = approved_snapshot(campaign, unit, cascade=cascade)
    children = table.children or []
    reported = approved_snapshots(campaign, [child.unit for child in children], cascade=cascade)
    child_rows = []
    for child in children:
        live = child.as_json()
        frozen = reported.get(child.unit.pk)
        child_rows.append(
            ChildRow(
                table=child,
                cells=column_sums(live),
                reported=frozen is not None,
                reported_cells=column_sums(frozen.data) if frozen else None,
                differs=frozen is not None and _figures(frozen.data) != _figures(live),
            )
        )
    total_cells = column_sums(data)
    own_cells = [
        (
            total[0] - sum(c.cells[i][0] for c in child_rows),
            total[1] - sum(c.cells[i][1] for c in child_rows),
        )
        for i, total in enumerate(total_cells)
    ]
    return StatsPage(
        campaign=campaign,
        unit=unit,
        table=table,
        rows=form_rows(data, table.level, table.own_level_label),
        header=header_for(campaign, unit, cascade=cascade),
        with_platform=asks_platform(campaign, unit, cascade=cascade),
        own=own,
        can_report=own and user.has_role(Role.REPORTER),
        submissions=submissions,
        requirements=statistics_requirements_unanswered(campaign, unit, submissions, cascade=cascade),
        snapshot=snapshot,
        snapshot_rows=form_rows(snapshot.data, table.level, table.own_level_label, data)
        if snapshot
        else None,
        child_rows=child_rows,
        total_cells=total_cells,
        own_cells=own_cells if any(a or p for a, p in own_cells) else None,
        chart={
            "columns": [Column(c).label for c in COLUMNS],
            "units": [child.unit.name for child in children],
            "series": [[row.cells[i][1] for row in child_rows] for i in range(len(COLUMNS))],
        },
        missing_person_times=table.missing_person_times,
    )


@dataclass(frozen=True)
class SubmittedStats:
    """What a statistics submission's page shows: the frozen copy, with the live figure beside
    each one that has changed since, and the quality warnings frozen with it."""

    snapshot: StatsSnapshot | None
    quality: dict[str, Any] | None
    rows: list


def submitted_stats(submission: Submission) -> SubmittedStats:
    campaign, unit = submission.requirement.campaign, submission.unit
    snapshot = submission.stats_snapshots.first()
    table = stats_table(campaign, unit)
    live = table.as_json()
    frozen = snapshot.data if snapshot else live
    return SubmittedStats(
        snapshot=snapshot,
        quality=snapshot.data.get("quality") if snapshot else None,
        rows=form_rows(frozen, table.level, table.own_level_label, live if snapshot else None),
    )
