"""The official 附表1 (示范活动汇总表) layout, read as officials fill it.

A title row, a region row (吉林省 市（县） 区), the header row (序号, 活动名称, 活动时间, 活动地点,
主办单位, 人数, 报名电话, 活动内容), data rows, then the footer (注：…, 填表联系人：…). The header is
found by its names, the footer stops the data, empty rows (and template rows with only a 序号)
are skipped. Optional columns, by name, in any order: 活动类别, 活动周, 参加人次, 单位代码, 活动方式,
面向人群. A value in 活动类别, 活动方式 or 活动周 is recorded in ``Row.given``: it wins over what
``activities.inference`` reads from the row's words; a blank cell leaves the value to be read.
人数 is the planned headcount; 参加人次 is read only from its own column, never from 人数.

A picture placed in a cell (WPS 嵌入单元格图片, Excel 置于单元格内; see core.tabular) is never read
as text: the 附表1 has no place for pictures and an activity keeps none, so the cell reads as empty
and the row carries a note naming the row and column (``Row.notes``); in 活动名称 or 活动时间,
which must be text, it is an error of the row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from learnweek.activities.models import Audience, Category, Mode
from learnweek.activities.timeparse import TimeParseError, parse_span
from learnweek.core.errors import DomainError
from learnweek.core.tabular import HEADER_SHOWN, CellPicture, Sheet, cell_text, column_letters

HEADER = ["序号", "活动名称", "活动时间", "活动地点", "主办单位", "人数", "报名电话", "活动内容"]
OPTIONAL = ["活动类别", "活动周", "参加人次", "单位代码", "活动方式", "面向人群"]
REQUIRED = ["活动名称", "活动时间"]
COLUMN_OF = {
    "name": "活动名称",
    "start": "活动时间",
    "end": "活动时间",
    "address": "活动地点",
    "organiser_name": "主办单位",
    "headcount": "人数",
    "registration_phone": "报名电话",
    "content": "活动内容",
    "category": "活动类别",
    "is_week": "活动周",
    "person_times": "参加人次",
    "mode": "活动方式",
    "audiences": "面向人群",
}
FOOTER_PREFIXES = ("注", "填表", "联系人", "联系电话")
CATEGORY_BY_LABEL = {label: value for value, label in Category.choices} | {
    "社长荐书": Category.PUBLISHER_PICKS,
    "总编荐书": Category.PUBLISHER_PICKS,
    "数字阅读分享活动": Category.DIGITAL_READING,
    "“社长（总编）荐书”活动": Category.PUBLISHER_PICKS,
}
MODE_BY_LABEL = {label: value for value, label in Mode.choices} | {
    "线上+线下": Mode.BOTH,
    "线下+线上": Mode.BOTH,
}
AUDIENCE_BY_LABEL = {label: value for value, label in Audience.choices} | {"进城农民工": Audience.MIGRANTS}
YES, NO = {"是", "√", "Y", "y", "yes", "1"}, {"否", "×", "N", "n", "no", "0", ""}


SPACES = re.compile(r"\s+")
WHOLE_NUMBER = re.compile(r"-?\d+(\.0+)?")


def _norm(value: Any) -> str:
    return SPACES.sub("", str(value)) if value is not None and value != "" else ""


@dataclass
class Row:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    unit_code: str = ""
    organiser_name: str = ""
    given: set[str] = field(default_factory=set)  # category / mode / is_week, from their own column
    notes: list[tuple[str, str]] = field(default_factory=list)  # (column, what was not imported)


PICTURE_NOTE = "是单元格图片，未导入"
PICTURE_ERROR = "是单元格图片，不是文字：请在这一格填写文字"


def _header_columns(cells: list) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(cells):
        name = _norm(cell)
        for known in HEADER + OPTIONAL:
            if known not in columns and (
                name == known or name.startswith(known + "（") or name.startswith(known + "(")
            ):
                columns[known] = index
    return columns


def _count(column: str, raw: Any, errors: list[tuple[str, str]]) -> int | None:
    text = cell_text(raw).removesuffix("人次").removesuffix("人").replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        value = int(float(text)) if WHOLE_NUMBER.fullmatch(text) else int(text)
    except ValueError:
        errors.append((column, f"“{cell_text(raw)}”不是数字"))
        return None
    if value < 0:
        errors.append((column, f"不能为负数（{value}）"))
        return None
    return value


def read(sheet: Sheet, *, year: int) -> Iterator[Row]:
    """The data rows of a 附表1 (core.tabular.open_sheet checked its size), one at a time: a
    sheet of bad rows is read in the memory of one row."""
    tz = timezone.get_current_timezone()
    columns: dict[str, int] = {}
    named: dict[int, str] = {}
    headers: list[str] = []
    header_row, serial = 0, None
    for number, cells in sheet.rows():
        if not header_row:
            found = _header_columns(cells)
            if "活动名称" in found:
                columns, header_row = found, number
                named = {index: name for name, index in columns.items()}
                headers = [_norm(cell_text(c)) for c in cells]
                serial = columns.get("序号")
                missing = [c for c in REQUIRED if c not in columns]
                if missing:
                    raise DomainError(f"第{number}行 表头: 缺少“{'、'.join(missing)}”列", code="bad_header")
            continue
        first = next((t for t in map(cell_text, cells) if t), "")
        if first.startswith(FOOTER_PREFIXES):
            break
        if not any(cell_text(c) or isinstance(c, CellPicture) for i, c in enumerate(cells) if i != serial):
            continue
        yield _row(number, cells, columns, named, headers, year=year, tz=tz)
    if not header_row:
        raise DomainError("找不到表头：表中没有“活动名称”列。请使用附表1的格式。", code="bad_header")


def _row(
    number: int,
    cells: list,
    columns: dict[str, int],
    named: dict[int, str],
    headers: list[str],
    *,
    year: int,
    tz,
) -> Row:
    def get(column: str) -> Any:
        index = columns.get(column)
        value = cells[index] if index is not None and index < len(cells) else None
        return None if isinstance(value, CellPicture) else value

    row = Row(number)
    errors = row.errors
    pictured: set[str] = set()
    for index, cell in enumerate(cells):
        if isinstance(cell, CellPicture):
            column = (
                named.get(index)
                or (headers[index][:HEADER_SHOWN] if index < len(headers) else "")
                or column_letters(index + 1) + "列"
            )
            pictured.add(column)
            if column in REQUIRED:
                errors.append((column, PICTURE_ERROR))
            else:
                row.notes.append((column, PICTURE_NOTE))
    values: dict[str, Any] = {
        "name": cell_text(get("活动名称")),
        "address": cell_text(get("活动地点")),
        "organiser_name": cell_text(get("主办单位")),
        "registration_phone": cell_text(get("报名电话")),
        "content": cell_text(get("活动内容")),
        "audiences": [],
        "mode": Mode.OFFLINE,
        "category": Category.OTHER,
    }
    row.organiser_name = values["organiser_name"]
    row.unit_code = cell_text(get("单位代码"))
    if "活动时间" in pictured:  # reported above
        values |= {"start": None, "end": None}
    else:
        try:
            span = parse_span(get("活动时间"), year=year, tz=tz)
            values |= {"start": span.start, "end": span.end, "time_known": span.time_known}
        except TimeParseError as exc:
            errors.append(("活动时间", str(exc)))
            values |= {"start": None, "end": None}
    values["headcount"] = _count("人数", get("人数"), errors)
    values["person_times"] = _count("参加人次", get("参加人次"), errors)
    category = _norm(get("活动类别"))
    if category:
        row.given.add("category")
        if category in CATEGORY_BY_LABEL:
            values["category"] = CATEGORY_BY_LABEL[category]
        else:
            errors.append(("活动类别", f"“{category}”不是活动类别，可填：{'、'.join(Category.labels)}"))
    week = _norm(get("活动周"))
    if week:
        row.given.add("is_week")
        if week in YES:
            values["is_week"] = True
        elif week in NO:
            values["is_week"] = False
        else:
            errors.append(("活动周", f"只能填“是”或“否”（现为“{week}”）"))
    mode = _norm(get("活动方式"))
    if mode:
        row.given.add("mode")
        if mode in MODE_BY_LABEL:
            values["mode"] = MODE_BY_LABEL[mode]
        else:
            errors.append(("活动方式", "只能是 线下、线上 或 线上线下"))
    for item in filter(None, re.split(r"[、,，/；;\s]+", cell_text(get("面向人群")))):
        if item in AUDIENCE_BY_LABEL:
            values["audiences"].append(AUDIENCE_BY_LABEL[item])
        else:
            errors.append(("面向人群", f"“{item}”不是面向人群，可填：{'、'.join(Audience.labels)}"))
    row.values = values
    return row
