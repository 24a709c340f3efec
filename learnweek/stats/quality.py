"""Data-quality checks of a statistics table, run before it goes up and on demand.

Each check reads the rows behind ``unit``'s table for the year (the counted activities of its
subtree in the year's cascade, and the reported totals) and says, in words an official can act on,
what looks wrong and which rows it concerns. They warn; they never refuse. The submitter may hand
the table in anyway with an explanation, which the reviewer reads beside the warnings.

- ``capacity``: 参加人次 more than ``RATIO`` times the seats (名额) or the stated headcount (人数);
- ``duplicate``: one organiser, one day, the same name, or names near enough: rapidfuzz's ratio of
  their characters in sorted order ``SIMILAR`` or more (so 亲子共读绘本 and 亲子绘本共读 match
  whatever the word order), with the same numbers (第一期 and 第二期 are two activities);
- ``outside``: an activity that starts before or ends after its campaign's period;
- ``jump``: a unit's figure against its own earlier years, by the modified z-score of Iglewicz and
  Hoaglin (median and median absolute deviation of the history, as DHIS2's outlier analysis does)
  once there are ``HISTORY_MIN`` earlier years, and by a ratio of ``JUMP_RATIO`` against the latest
  earlier year before that;
- ``overlap``: a total reported for a unit and column while activities of the same unit (or units
  under it) and column are also itemised: the same activities may be counted twice.
"""

from __future__ import annotations

import datetime
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import TruncDate
from django.utils import timezone
from rapidfuzz import fuzz

from learnweek.activities.models import Activity
from learnweek.activities.selectors import sorted_by_start
from learnweek.campaigns.models import Campaign
from learnweek.campaigns.selectors import Cascade, campaign_lineage, cascade_of
from learnweek.core.chinese import chinese_date
from learnweek.orgs.models import ADMINISTRATIVE_KINDS, Unit
from learnweek.orgs.selectors import within
from learnweek.stats.models import Column, ReportedTotal
from learnweek.stats.selectors import (
    COLUMNS,
    COUNTED,
    approved_snapshots,
    column_filter,
    column_sums,
    earlier_roots,
    family_activities,
    stats_table,
)

RATIO = 10
SIMILAR = 85
HISTORY_YEARS = 5
HISTORY_MIN = 3
Z_LIMIT = 3.5
JUMP_RATIO = 5
# Below these a change is too small to question, whatever its ratio.
JUMP_MIN_CHANGE = {"activities": 10, "person_times": 500}
# Per rule, the findings kept (the rest are counted).
KEEP = 200

RULES = {
    "capacity": "参加人次远超名额或人数",
    "duplicate": "疑似重复登记",
    "outside": "活动日期不在活动期间",
    "jump": "与往年相比突增或突减",
    "overlap": "汇总数与逐条登记的活动重叠",
}
MEASURES = {"activities": "活动数", "person_times": "参加人次"}


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    activity_ids: tuple[int, ...] = ()
    unit_code: str = ""
    column: str = ""

    @property
    def rule_label(self) -> str:
        return RULES[self.rule]

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "message": self.message,
            "activity_ids": list(self.activity_ids),
            "unit_code": self.unit_code,
            "column": self.column,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            rule=data["rule"],
            message=data["message"],
            activity_ids=tuple(data.get("activity_ids", ())),
            unit_code=data.get("unit_code", ""),
            column=data.get("column", ""),
        )


@dataclass
class Report:
    """The findings of one table, by rule in the order of ``RULES``."""

    findings: list[Finding] = field(default_factory=list)
    # Per rule, how many findings were left out beyond ``KEEP``.
    more: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.findings) + sum(self.more.values())

    def __bool__(self) -> bool:
        return len(self) > 0

    def by_rule(self) -> list[tuple[str, str, list[Finding], int]]:
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            grouped[finding.rule].append(finding)
        return [
            (rule, label, grouped[rule], self.more.get(rule, 0))
            for rule, label in RULES.items()
            if grouped[rule] or self.more.get(rule)
        ]

    def summary(self) -> str:
        """One line: how many of each, e.g. "疑似重复登记 2 条、活动日期不在活动期间 1 条"."""
        return "、".join(f"{label} {len(found) + more} 条" for _, label, found, more in self.by_rule())

    def as_json(self) -> dict[str, Any]:
        return {"findings": [f.as_json() for f in self.findings], "more": dict(self.more)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Report:
        data = data or {}
        return cls([Finding.from_json(f) for f in data.get("findings", [])], dict(data.get("more", {})))


# A check's findings (at most ``KEEP``) and how many there are in all.
Found = tuple[list[Finding], int]


def _found(findings: list[Finding], matching: QuerySet[Activity]) -> Found:
    return findings, len(findings) if len(findings) < KEEP else matching.count()


def _counted(campaign: Campaign, unit: Unit, cascade: Cascade | None) -> QuerySet[Activity]:
    return within(
        family_activities(campaign, cascade).filter(COUNTED),
        unit,
        path_field="unit_path",
    )


def _day(value: datetime.datetime) -> str:
    return chinese_date(timezone.localtime(value).date())


# -- person-times against seats and headcount --------------------------------------------------


def check_capacity(campaign: Campaign, unit: Unit, cascade: Cascade | None = None) -> Found:
    matching = _counted(campaign, unit, cascade).filter(
        Q(capacity__gt=0, person_times__gt=F("capacity") * RATIO)
        | Q(headcount__gt=0, person_times__gt=F("headcount") * RATIO)
    )
    rows = sorted_by_start(matching).values_list(
        "pk", "name", "organiser__name", "person_times", "capacity", "headcount"
    )[:KEEP]
    findings = []
    for pk, name, organiser, person_times, capacity, headcount in rows:
        basis = "、".join(
            f"{label} {value}"
            for label, value in (("名额", capacity), ("人数", headcount))
            if value and (person_times or 0) > value * RATIO
        )
        findings.append(
            Finding(
                "capacity",
                f"{organiser}“{name}”填报参加人次 {person_times}，超过{basis} 的 {RATIO} 倍，请核对是否多填了位数或把累计人次填成了单场人次。",
                activity_ids=(pk,),
            )
        )
    return _found(findings, matching)


# -- the same activity entered twice -------------------------------------------------------------

NUMBERS = re.compile(r"[0-9０-９]+|[一二三四五六七八九十百千零〇两]+(?=[期届次场季课讲轮批])")
PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalised_name(name: str) -> str:
    """The name as compared: full-width folded, punctuation and spaces dropped."""
    return PUNCTUATION.sub("", unicodedata.normalize("NFKC", name)).lower()


@dataclass(frozen=True)
class _Name:
    """What the comparison needs of a name, worked out once per activity."""

    folded: str
    numbers: tuple[str, ...]
    letters: str  # the folded name's characters in sorted order

    @classmethod
    def of(cls, name: str) -> _Name:
        folded = normalised_name(name)
        return cls(folded, tuple(NUMBERS.findall(folded)), "".join(sorted(folded)))

    def same_as(self, other: _Name) -> bool:
        if self.folded == other.folded:
            return True
        if self.numbers != other.numbers:
            return False
        return fuzz.ratio(self.letters, other.letters) >= SIMILAR


def same_activity_name(a: str, b: str) -> bool:
    """Whether two names of one organiser's activities on one day name the same activity."""
    return _Name.of(a).same_as(_Name.of(b))


def check_duplicates(campaign: Campaign, unit: Unit, cascade: Cascade | None = None) -> Found:
    """Only the activities that share their organiser and day with another are read (a window
    count in the database); their names are compared here."""
    day = TruncDate("start")
    candidates = (
        _counted(campaign, unit, cascade)
        .filter(cancelled_at__isnull=True)
        .annotate(day=day, same_day=Window(Count("id"), partition_by=[F("organiser_id"), day]))
        .filter(same_day__gt=1)
        .order_by("organiser_id", "day", "start", "pk")
        .values_list("pk", "organiser_id", "day", "name", "organiser__name", "start")
    )
    findings: list[Finding] = []
    total = 0
    for _, members in groupby(candidates.iterator(chunk_size=5000), key=lambda row: (row[1], row[2])):
        group = [(pk, name, organiser, start, _Name.of(name)) for pk, _, _, name, organiser, start in members]
        taken: set[int] = set()
        for i, (pk, name, organiser, start, key) in enumerate(group):
            if pk in taken:
                continue
            twins = [m for m in group[i + 1 :] if m[0] not in taken and key.same_as(m[4])]
            if not twins:
                continue
            ids = (pk, *(m[0] for m in twins))
            taken.update(ids)
            total += 1
            if len(findings) >= KEEP:
                continue
            names = "、".join(dict.fromkeys(f"“{m[1]}”" for m in [(pk, name), *twins]))
            findings.append(
                Finding(
                    "duplicate",
                    f"{organiser}在{_day(start)}登记了 {len(ids)} 条名称相同或相近的活动（{names}），可能是同一活动重复登记。",
                    activity_ids=ids,
                )
            )
    return findings, total


# -- dates outside the campaign -----------------------------------------------------------------


def campaign_period(
    campaign: Campaign, cascade: Cascade | None = None
) -> tuple[datetime.date, datetime.date]:
    """The days a campaign's activities may fall on: its reading period (the whole year where no
    campaign of its lineage sets one) and its week together, each taken from the nearest campaign
    of its lineage that sets it. Given its ``cascade``, the lineage is read from it."""
    lineage = list(reversed(cascade.lineage(campaign) if cascade else campaign_lineage(campaign)))
    reading_start = next((c.reading_start for c in lineage if c.reading_start), None)
    reading_end = next((c.reading_end for c in lineage if c.reading_end), None)
    week_start = next((c.week_start for c in lineage if c.week_start), None)
    week_end = next((c.week_end for c in lineage if c.week_end), None)
    starts = [reading_start or datetime.date(campaign.year, 1, 1), *([week_start] if week_start else [])]
    ends = [reading_end or datetime.date(campaign.year, 12, 31), *([week_end] if week_end else [])]
    return min(starts), max(ends)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def check_dates(campaign: Campaign, unit: Unit, cascade: Cascade | None = None) -> Found:
    cascade = cascade or cascade_of(campaign)
    periods = {c.pk: (c, *campaign_period(c, cascade)) for c in cascade.campaigns}
    outside = Q()
    for pk, (_, first, last) in periods.items():
        outside |= Q(campaign_id=pk) & (
            Q(start__lt=_midnight(first)) | Q(end__gte=_midnight(last + datetime.timedelta(days=1)))
        )
    matching = _counted(campaign, unit, cascade).filter(outside)
    rows = sorted_by_start(matching).values_list(
        "pk", "name", "organiser__name", "campaign_id", "start", "end"
    )[:KEEP]
    findings = []
    for pk, name, organiser, campaign_id, start, end in rows:
        owner, first, last = periods[campaign_id]
        when = _day(start) if _day(start) == _day(end) else f"{_day(start)}至{_day(end)}"
        findings.append(
            Finding(
                "outside",
                f"{organiser}“{name}”的时间为{when}，不在“{owner.title}”的活动期间"
                f"（{chinese_date(first)}至{chinese_date(last)}）内，请核对日期或所属活动。",
                activity_ids=(pk,),
            )
        )
    return _found(findings, matching)


# -- a unit's figure against its own history ----------------------------------------------------


def modified_z(value: float, history: Sequence[float]) -> float | None:
    """Iglewicz and Hoaglin's modified z-score of ``value`` against ``history``: 0.6745 times the
    distance from the median over the median absolute deviation; with a zero MAD, the mean absolute
    deviation times 1.253314 stands in (as in IBM's and DHIS2's use). None if the history has no
    spread at all."""
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    if mad > 0:
        return 0.6745 * (value - median) / mad
    mean_ad = statistics.fmean(abs(x - median) for x in history)
    if mean_ad > 0:
        return (value - median) / (1.253314 * mean_ad)
    return None


def _figures_by_unit(
    campaign: Campaign, unit: Unit, cascade: Cascade | None = None
) -> dict[int, tuple[Unit, list[tuple[int, int]]]]:
    """Per unit (``unit`` and its administrative children): the column sums of its table for the
    year of ``campaign``, as approved where the unit's table was approved, else as it stands."""
    cascade = cascade or cascade_of(campaign)
    table = stats_table(campaign, unit, by_child=True, cascade=cascade)
    tables = [table, *(table.children or [])]
    approved = approved_snapshots(campaign, [t.unit for t in tables], cascade=cascade)
    return {
        t.unit.pk: (
            t.unit,
            column_sums(approved[t.unit.pk].data if t.unit.pk in approved else t.as_json()),
        )
        for t in tables
    }


def check_jumps(campaign: Campaign, unit: Unit, cascade: Cascade | None = None) -> Found:
    earlier = earlier_roots(campaign, unit, HISTORY_YEARS, cascade=cascade)
    if not earlier:
        return [], 0
    now = _figures_by_unit(campaign, unit, cascade)
    past = [(c.year, _figures_by_unit(c, unit)) for c in earlier]
    findings = []
    for unit_pk, (subject, sums) in now.items():
        for i, column in enumerate(COLUMNS):
            for m, measure in enumerate(MEASURES):
                value = sums[i][m]
                history = [(year, figures[unit_pk][1][i][m]) for year, figures in past if unit_pk in figures]
                finding = _jump(subject, column, measure, value, history)
                if finding is not None:
                    findings.append(finding)
    return findings[:KEEP], len(findings)


def _jump(
    subject: Unit, column: str, measure: str, value: int, history: list[tuple[int, int]]
) -> Finding | None:
    values = [v for _, v in history]
    if not values or statistics.median(values) == 0:
        return None  # no earlier figure to compare with
    median = statistics.median(values)
    if abs(value - median) < JUMP_MIN_CHANGE[measure]:
        return None
    label = f"{subject.name}“{Column(column).label}”{MEASURES[measure]}"
    if len(values) >= HISTORY_MIN:
        z = modified_z(value, values)
        if z is None or abs(z) <= Z_LIMIT:
            return None
        years = f"{history[-1][0]}—{history[0][0]}年"
        basis = f"稳健 z 值 {z:+.1f}，超过 ±{Z_LIMIT}"
        message = f"{label}今年为 {value}，{years}的中位数为 {median:g}（{basis}）"
    else:
        last_year, last = history[0]
        if last == 0 or (value / last < JUMP_RATIO and value * JUMP_RATIO > last):
            return None
        ratio = value / last
        basis = f"是{last_year}年的 {ratio:.1f} 倍" if ratio >= 1 else f"仅为{last_year}年的 {ratio:.0%}"
        message = f"{label}今年为 {value}，{last_year}年为 {last}，{basis}"
    return Finding(
        "jump",
        message + "。请核对是否漏报、重复或填错单位；如属实，请说明原因。",
        unit_code=subject.code,
        column=column,
    )


# -- reported totals over itemised activities ---------------------------------------------------


def check_overlap(campaign: Campaign, unit: Unit, cascade: Cascade | None = None) -> Found:
    cascade = cascade or cascade_of(campaign)
    totals = (
        within(ReportedTotal.objects.filter(campaign_id__in=cascade.ids), unit, unit_field="unit")
        .select_related("unit")
        .order_by("unit__path", "column", "pk")
    )
    findings = []
    seen: set[tuple[int, str]] = set()
    for total in totals:
        if (total.unit_id, total.column) in seen:
            continue
        seen.add((total.unit_id, total.column))
        itemised = within(
            family_activities(campaign, cascade).filter(column_filter(total.column)),
            total.unit,
            path_field="unit_path",
        ).order_by("start", "pk")
        count = itemised.count()
        if not count:
            continue
        where = "本单位及下级单位" if total.unit.kind in ADMINISTRATIVE_KINDS else "本单位"
        findings.append(
            Finding(
                "overlap",
                f"已为{total.unit.name}“{Column(total.column).label}”填报汇总数（{total.activities} 场、"
                f"{total.person_times} 人次），{where}又逐条登记了同栏目活动 {count} 场；"
                "如果汇总数已包含这些活动，会重复计算。",
                activity_ids=tuple(itemised.values_list("pk", flat=True)[:20]),
                unit_code=total.unit.code,
                column=total.column,
            )
        )
    return findings[:KEEP], len(findings)


CHECKS: tuple[tuple[Callable[[Campaign, Unit, Cascade], Found], str], ...] = (
    (check_capacity, "capacity"),
    (check_duplicates, "duplicate"),
    (check_dates, "outside"),
    (check_jumps, "jump"),
    (check_overlap, "overlap"),
)


def quality_report(campaign: Campaign, unit: Unit, *, cascade: Cascade | None = None) -> Report:
    """Every check on ``unit``'s table for the year of ``campaign``, all reading one cascade."""
    cascade = cascade or cascade_of(campaign)
    report = Report()
    for check, rule in CHECKS:
        findings, total = check(campaign, unit, cascade)
        report.findings.extend(findings)
        if total > len(findings):
            report.more[rule] = total - len(findings)
    return report
