"""The statistics table in the layout of the notices' attachment (xlsx and docx).

Province and ministry: the national layout (2023 教育部 notice): 省级层面是否开展, then 城市数 / 活动数
/ 参加人次 for 地市级及以上城市 and for 县级城市. A province answers 省级层面是否开展 with 是 or 否; the
ministry, which prints the same form for the whole country, with the number of provinces that did
(是（12个省份）). A prefecture: the city layout (2023 Shanxi notice):
地市级层面是否开展 / 活动数 / 参加人次, then the county rows. A county (which no notice gives a form
for) follows the city layout one level down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from learnweek.core.grid import FormGrid, GridDocument
from learnweek.orgs.models import UnitKind
from learnweek.stats.models import Column
from learnweek.stats.selectors import COLUMNS, StatsTable

YES, NO = "是", "否"
PREFECTURE_BLOCK = "地市级及以上城市开展情况"
COUNTY_BLOCK = "县级城市开展情况"


def header_fields(
    data: dict[str, Any], level: str, header: Any, with_platform: bool
) -> list[tuple[str, str]]:
    fields = [
        ("联系人", header.contact_name),
        ("所在部门", header.department),
        ("办公电话", header.office_phone),
        ("手机号码", header.mobile),
    ]
    if level in (UnitKind.MINISTRY, UnitKind.PROVINCE):
        fields.append(("地市级及以上城市数", data["prefecture_units"]))
    fields.append(("县级城市数", data["county_units"]))
    if with_platform:
        platform = " ".join(part for part in (header.platform_name, header.platform_url) if part)
        fields.append(("活动周平台名称及网址", platform))
    return fields


@dataclass
class FormRow:
    """One row of the table body: its block (with the block cell's rowspan on the block's first
    row, 0 below it, None when the label spans both label columns), label, and what it shows."""

    block: str
    span: int | None
    label: str
    row: str  # own / prefecture / county
    what: str  # held / provinces / units / activities / person_times
    values: list[Any]

    def texts(self) -> list[str]:
        if self.what == "provinces":
            return [f"{YES}（{v}个省份）" if v else NO for v in self.values]
        return [(YES if v else NO) if self.what == "held" else str(v) for v in self.values]


def body_rows(data: dict[str, Any], level: str, own_label: str) -> list[FormRow]:
    """The rows of the form for a unit of ``level``, from a table's JSON (live or frozen)."""

    def row(block: str, label: str, row: str, what: str) -> tuple[str, str, str, str, list[Any]]:
        if what == "held":
            return block, label, row, what, [data["own_level_held"][c] for c in COLUMNS]
        if what == "provinces":
            return block, label, row, what, [data["provinces_held"][c] for c in COLUMNS]
        return block, label, row, what, [data[row][c][what] for c in COLUMNS]

    counts = [("活动数", "activities"), ("参加人次", "person_times")]
    if level in (UnitKind.MINISTRY, UnitKind.PROVINCE):
        # The ministry's table counts the provinces (a table frozen before it did says 是/否).
        own = "provinces" if level == UnitKind.MINISTRY and "provinces_held" in data else "held"
        spec = [row("", own_label, "own", own), row(PREFECTURE_BLOCK, "城市数", "prefecture", "units")]
        spec += [row(PREFECTURE_BLOCK, label, "prefecture", what) for label, what in counts]
    elif level == UnitKind.PREFECTURE:
        spec = [row(PREFECTURE_BLOCK, own_label, "own", "held")]
        spec += [row(PREFECTURE_BLOCK, label, "prefecture", what) for label, what in counts]
    else:
        spec = [row(COUNTY_BLOCK, own_label, "own", "held")]
        spec += [row(COUNTY_BLOCK, label, "county", what) for label, what in counts]
    if level in (UnitKind.MINISTRY, UnitKind.PROVINCE, UnitKind.PREFECTURE):
        spec += [row(COUNTY_BLOCK, "城市数", "county", "units")]
        spec += [row(COUNTY_BLOCK, label, "county", what) for label, what in counts]
    rows = []
    for i, (block, label, row_key, what, values) in enumerate(spec):
        if not block:
            span: int | None = None
        elif i > 0 and spec[i - 1][0] == block:
            span = 0
        else:
            span = sum(1 for other in spec if other[0] == block)
        rows.append(FormRow(block, span, label, row_key, what, values))
    return rows


def stats_grid(
    data: dict[str, Any], *, year: int, level: str, own_label: str, header: Any, with_platform: bool = False
) -> FormGrid:
    seal = "市教育局（盖章）：" if level == UnitKind.PREFECTURE else "教育行政部门（盖章）："
    # The department that seals it, as it signs (长春市教育局); a table handed in before units
    # carried that name gives the unit's.
    sealed_by = data["unit"].get("issuer") or data["unit"]["name"]
    grid = FormGrid(
        title=f"{year} 年全民终身学习活动开展情况统计表",
        columns=7,
        above=[f"{seal}{sealed_by}"],
        below=["负责人（签字）：　　　　　　　　填表人：　　　　　　　　填报日期：　　　年　　月　　日"],
        column_widths=[14, 18, 14, 16, 14, 14, 16],
        landscape=True,
    )
    row = 0
    fields = header_fields(data, level, header, with_platform)
    for i in range(0, len(fields), 2):
        (label, value), rest = fields[i], fields[i + 1 : i + 2]
        grid.add(row, 0, label, colspan=2, bold=True)
        grid.add(row, 2, value, colspan=2 if rest else 5, number=isinstance(value, int))
        if rest:
            grid.add(row, 4, rest[0][0], bold=True)
            grid.add(row, 5, rest[0][1], colspan=2, number=isinstance(rest[0][1], int))
        row += 1
    grid.header_rows = (row, row + 1)
    grid.add(row, 0, "活动", rowspan=2, colspan=2, bold=True)
    grid.add(row, 2, "全民阅读", colspan=4, bold=True)
    grid.add(row, 6, Column.ACTIVITY_WEEK.label, rowspan=2, bold=True)
    for i, column in enumerate(COLUMNS[:4]):
        grid.add(row + 1, 2 + i, Column(column).label, bold=True)
    row += 2
    for form_row in body_rows(data, level, own_label):
        if form_row.span is None:
            grid.add(row, 0, form_row.label, colspan=2, bold=True)
        else:
            if form_row.span:
                grid.add(row, 0, form_row.block, rowspan=form_row.span, bold=True)
            grid.add(row, 1, form_row.label)
        for j, text in enumerate(form_row.texts()):
            grid.add(row, 2 + j, text, number=form_row.what not in ("held", "provinces"))
        row += 1
    return grid


class StatsExporter(GridDocument):
    """The unit's statistics table as the notice's attachment, xlsx (sheet 统计表) and docx."""

    def __init__(self, table: StatsTable, header: Any, *, with_platform: bool = False) -> None:
        grid = stats_grid(
            table.as_json(),
            year=table.campaign.year,
            level=table.level,
            own_label=table.own_level_label,
            header=header,
            with_platform=with_platform,
        )
        super().__init__(
            grid,
            f"{table.campaign.year}年全民终身学习活动开展情况统计表-{table.unit.name}",
            sheet_title="统计表",
        )
