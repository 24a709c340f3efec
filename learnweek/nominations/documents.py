"""The nomination forms as the notices lay them out: per nominee the 申报表 (附表2 for advanced
units, 附表4 for advanced individuals, a 推荐表 of the same build for the other kinds), per level
the 汇总表 (附表3, 附表5) in that level's recommendation order, and a zip of all of a unit's forms
with the stamped scans and photos. Each level's recorded decision stands where its seal box is."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone

from learnweek.campaigns.models import Campaign, Requirement
from learnweek.campaigns.selectors import campaign_family
from learnweek.core import clock
from learnweek.core.chinese import chinese_date
from learnweek.core.grid import FormGrid, GridDocument, grid_to_docx, grid_to_xlsx
from learnweek.core.packages import Package, PackageEntry, zip_of
from learnweek.core.uploads import safe_name
from learnweek.nominations.kinds import NOMINATION_KINDS, SPECS, KindSpec
from learnweek.nominations.models import Decision, DecisionAction, Nomination
from learnweek.nominations.selectors import (
    current_opinions,
    level_list,
    review_chain,
    sheet_for,
    upward_requirement,
)
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.selectors import is_within

PENDING_BOX = "（盖章）\n\n年    月    日"


def region_label(unit: Unit) -> str:
    return "全国" if unit.kind == UnitKind.MINISTRY else unit.name


def opinion_label(unit: Unit) -> str:
    return {
        UnitKind.MINISTRY: "教育部意见",
        UnitKind.PROVINCE: f"{unit.issuer}意见",
        UnitKind.PREFECTURE: "市(州)教育行政部门意见",
        UnitKind.COUNTY: "县(市、区)教育行政部门意见",
    }.get(unit.kind, "单位意见")


def box_text(decision: Decision | None) -> str:
    """A level's decision in place of its seal: the opinion, the unit, the reviewer and the date."""
    if decision is None:
        return PENDING_BOX
    comment = decision.comment or decision.get_action_display()
    if decision.action in (DecisionAction.RETURN, DecisionAction.DECLINE):
        comment = f"【{decision.get_action_display()}】{comment}"
    who = ""
    if decision.actor is not None:
        who = f"\n审核人：{decision.actor.full_name or decision.actor.username}"
    at = timezone.localtime(decision.at)
    return f"{comment}\n\n{decision.unit.issuer}（系统确认）{who}\n{chinese_date(at)}"


def _title(requirement: Requirement, top: Unit, spec: KindSpec, what: str) -> str:
    year = requirement.campaign.year
    if spec.official_layout:
        return f"{year}年{region_label(top)}全民终身学习活动周工作{spec.noun}{what}"
    return f"{year}年{region_label(top)}{spec.noun}{what}"


def _value(nomination: Nomination, name: str) -> str:
    value = getattr(nomination, name)
    if isinstance(value, datetime.date):
        return chinese_date(value)
    return "" if value is None else str(value)


# -- the nominee's form ------------------------------------------------------------------------


def nomination_form(nomination: Nomination) -> FormGrid:
    requirement = nomination.requirement
    spec = SPECS[requirement.kind]
    chain = review_chain(requirement, nomination.unit)
    opinions = current_opinions(nomination)
    grid = FormGrid(
        title=_title(requirement, chain[-1].unit, spec, spec.form_name),
        columns=6,
        column_widths=[16, 14, 14, 16, 14, 14],
    )
    labels = {f.name: f.label for f in spec.fields}
    row = 0

    def pair(left: str, right: str) -> None:
        nonlocal row
        grid.add(row, 0, labels[left], bold=True)
        grid.add(row, 1, _value(nomination, left), colspan=2)
        grid.add(row, 3, labels[right], bold=True)
        grid.add(row, 4, _value(nomination, right), colspan=2)
        row += 1

    def wide(name: str, label: str | None = None) -> None:
        nonlocal row
        long_text = name in ("deeds", "story", "resources")
        grid.add(row, 0, label or labels[name], bold=True)
        grid.add(row, 1, _value(nomination, name), colspan=5, left=long_text)
        if long_text:
            grid.row_heights[row] = 9.0 if name == "deeds" else 4.0
        row += 1

    if spec.official_layout == "附表2":
        wide("name")
        wide("supervisor")
        pair("head_name", "head_title")
        pair("address", "phone")
        wide("deeds")
    elif spec.official_layout == "附表4":
        pair("name", "birth_date")
        pair("gender", "ethnicity")
        pair("workplace", "position")
        pair("email", "phone")
        wide("deeds")
    else:
        for field in spec.fields:
            if field.name not in ("contact_name", "contact_phone"):
                wide(field.name)
        photos = list(nomination.photos.all())
        if photos:
            grid.add(row, 0, "照片", bold=True)
            grid.add(row, 1, "；".join(f"{i}. {p.caption}" for i, p in enumerate(photos, 1)), colspan=5)
            row += 1

    # The opinion boxes. The official layouts have three (unit, city, province); any other
    # level's decision is written under the table.
    extra: list[str] = []
    if spec.official_layout:
        province = next((s.unit for s in chain if s.unit.kind == UnitKind.PROVINCE), None)
        city = next((s.unit for s in chain[1:] if s.unit.kind == UnitKind.PREFECTURE), None)
        city_decision = opinions.get(city.pk) if city is not None else None
        if city is None and nomination.unit.kind == UnitKind.PREFECTURE:
            city_decision = opinions.get(nomination.unit_id)
        boxes = [
            ("单位意见", opinions.get(nomination.unit_id)),
            ("市(州)教育行政部门意见", city_decision),
            (
                f"{province.issuer if province else '省教育厅'}意见",
                opinions.get(province.pk) if province else None,
            ),
        ]
        shown = {nomination.unit_id, city.pk if city else None, province.pk if province else None}
        for stage in chain[1:]:
            if stage.unit.pk not in shown and stage.unit.pk in opinions:
                extra.append(
                    f"{opinion_label(stage.unit)}：{box_text(opinions[stage.unit.pk]).replace(chr(10), ' ')}"
                )
        for i, (label, decision) in enumerate(boxes):
            grid.add(row, i * 2, label, colspan=2, bold=True)
            grid.add(row + 1, i * 2, box_text(decision), colspan=2)
        grid.row_heights[row + 1] = 4.5
        row += 2
    else:
        for i, stage in enumerate(chain):
            label = "单位意见" if i == 0 else opinion_label(stage.unit)
            grid.add(row, 0, label, colspan=2, bold=True)
            grid.add(row, 2, box_text(opinions.get(stage.unit.pk)), colspan=4)
            grid.row_heights[row] = 3.5
            row += 1
    grid.below = [*extra, f"填表联系人：{nomination.contact_name}", f"联系电话：{nomination.contact_phone}"]
    return grid


# -- a level's summary table -------------------------------------------------------------------


def summary_form(requirement: Requirement, unit: Unit, *, on: datetime.date | None = None) -> FormGrid:
    """``unit``'s 汇总表 under ``requirement`` (the one its list answers), in its own order."""
    on = on or clock.today()
    spec = SPECS[requirement.kind]
    top = review_chain(requirement, unit)[-1].unit
    items = level_list(unit, requirement, drafts=True)
    sheet = sheet_for(requirement, unit)
    what = "汇总表" if spec.official_layout else "推荐汇总表"
    columns = [("推荐序号", ""), *spec.summary]
    grid = FormGrid(
        title=_title(requirement, top, spec, what),
        columns=len(columns),
        above=[f"推荐单位：{unit.issuer}（盖章）", f"填表时间：{chinese_date(on)}"],
        below=[
            "注：请按推荐顺序填写登记表。",
            f"填表联系人：{sheet.contact_name if sheet else ''}",
            f"联系电话：{sheet.contact_phone if sheet else ''}",
        ],
        column_widths=[10.0] + [30.0 if len(columns) == 2 else 18.0] * (len(columns) - 1),
        header_rows=(0, 0),  # a long list prints its header on every page
    )
    for col, (label, _name) in enumerate(columns):
        grid.add(0, col, label, bold=True)
    for row, nomination in enumerate(items, start=1):
        grid.add(row, 0, row, number=True)
        for col, (_label, name) in enumerate(spec.summary, start=1):
            grid.add(row, col, _value(nomination, name))
    return grid


def nomination_document(nomination: Nomination) -> GridDocument:
    """The nominee's 申报表 as Word, named ``姓名-申报表``."""
    return GridDocument(
        nomination_form(nomination),
        f"{nomination.name}-{SPECS[nomination.requirement.kind].form_name}",
        formats=("docx",),
    )


def summary_document(requirement: Requirement, unit: Unit) -> GridDocument:
    """``unit``'s 汇总表 under ``requirement`` as xlsx (one sheet named for the kind) and docx."""
    noun = SPECS[requirement.kind].noun
    return GridDocument(summary_form(requirement, unit), f"{unit.name}-{noun}汇总表", sheet_title=noun)


# -- a unit's package --------------------------------------------------------------------------


def _lists_of(campaign: Campaign, unit: Unit) -> list[Requirement]:
    """The requirements ``unit`` answers with a list of nominees in the campaign's year."""
    seen: dict[int, Requirement] = {}
    for member in campaign_family(campaign):
        for requirement in member.requirements.filter(kind__in=NOMINATION_KINDS).select_related(
            "campaign__issuing_unit", "parent_requirement__campaign__issuing_unit"
        ):
            if not is_within(requirement.campaign.issuing_unit, unit):
                continue
            upward = upward_requirement(unit, requirement)
            seen.setdefault(upward.pk, upward)
    return [r for r in seen.values() if level_list(unit, r, drafts=True)]


def package_files(
    campaign: Campaign, unit: Unit, *, on: datetime.date | None = None
) -> Iterator[PackageEntry]:
    """Every form of ``unit`` in the campaign's year: per list the 汇总表 (docx and xlsx, and its
    stamped scan), per nominee the 申报表 (docx and its stamped scan) and its photos."""
    lists = _lists_of(campaign, unit)
    names_used: set[str] = set()
    for requirement in lists:
        spec = SPECS[requirement.kind]
        folder = safe_name(spec.noun)
        if folder in names_used:
            folder = safe_name(f"{spec.noun}-{requirement.pk}")
        names_used.add(folder)
        summary = summary_form(requirement, unit, on=on)
        base = "汇总表" if spec.official_layout else "推荐汇总表"
        yield PackageEntry(f"{folder}/{base}.docx", grid_to_docx(summary))
        yield PackageEntry(f"{folder}/{base}.xlsx", grid_to_xlsx(summary, sheet_title=spec.noun))
        sheet = sheet_for(requirement, unit)
        if sheet is not None and sheet.scan:
            with sheet.scan.open("rb") as handle:
                yield PackageEntry(f"{folder}/{base}（盖章扫描件）.pdf", handle.read())
        for position, nomination in enumerate(level_list(unit, requirement, drafts=True), start=1):
            stem = safe_name(f"{position:02d}-{nomination.name}", fallback=f"{position:02d}")
            yield PackageEntry(
                f"{folder}/{spec.form_name}/{stem}.docx", grid_to_docx(nomination_form(nomination))
            )
            if nomination.scan:
                with nomination.scan.open("rb") as handle:
                    yield PackageEntry(f"{folder}/{spec.form_name}/{stem}（盖章扫描件）.pdf", handle.read())
            for i, photo in enumerate(nomination.photos.all(), start=1):
                ext = photo.original.name.rsplit(".", 1)[-1]
                caption = safe_name(f"{i}-{photo.caption}.{ext}", fallback=f"{i}.{ext}")
                with photo.original.open("rb") as handle:
                    yield PackageEntry(f"{folder}/照片/{stem}/{caption}", handle.read())


def package_zip(campaign: Campaign, unit: Unit, *, on: datetime.date | None = None) -> bytes:
    return zip_of(package_files(campaign, unit, on=on))


def package_name(campaign: Campaign, unit: Unit) -> str:
    return safe_name(f"{unit.name}-{campaign.year}-推荐评选材料.zip")


def package_document(campaign: Campaign, unit: Unit) -> Package:
    """The unit's nomination package, as the document its page hands out."""
    return Package(package_name(campaign, unit).removesuffix(".zip"), lambda: package_files(campaign, unit))
