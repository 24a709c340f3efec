"""The official layout in xlsx and docx, and the command line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from learnweek.core.exporters import text_width
from learnweek.stats.exporters import StatsExporter
from learnweek.stats.selectors import COLUMNS, header_for, stats_table
from learnweek.stats.services import header_save
from tests.helpers import unit
from tests.office import libreoffice_convert, pdf_pages


def exporter(year, code, campaign=None):
    campaign = campaign or year.jilin
    return StatsExporter(stats_table(campaign, unit(code)), header_for(campaign, unit(code)))


def sheet_rows(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return sheet, [[c for c in row] for row in sheet.iter_rows(values_only=True)]


def find(rows, text):
    for r, row in enumerate(rows):
        if text in row:
            return r, row
    raise AssertionError(f"{text} not in the sheet")


def assert_boxed(sheet, first: int, last: int, columns: int) -> None:
    """Rows ``first``..``last`` of ``sheet`` are a grid with every line drawn: each cell has a
    thin border on each side that is an edge of its merged range (all four when not merged)."""
    ranges = {cell: rng for rng in sheet.merged_cells.ranges for cell in rng.cells}
    for row in sheet.iter_rows(min_row=first, max_row=last, max_col=columns):
        for cell in row:
            rng = ranges.get((cell.row, cell.column))
            edges = {
                "left": rng is None or cell.column == rng.min_col,
                "right": rng is None or cell.column == rng.max_col,
                "top": rng is None or cell.row == rng.min_row,
                "bottom": rng is None or cell.row == rng.max_row,
            }
            for side, edge in edges.items():
                if edge:
                    assert getattr(cell.border, side).style == "thin", (cell.coordinate, side)


def test_province_xlsx_has_the_national_layout_and_figures(year):
    header_save(
        actor=None, campaign=year.jilin, unit=unit("220000"), contact_name="李老师", mobile="13900000000"
    )
    sheet, rows = sheet_rows(exporter(year, "220000").to_xlsx())
    assert rows[0][0] == "2023 年全民终身学习活动开展情况统计表"
    assert rows[1][0] == "教育行政部门（盖章）：吉林省教育厅"
    _, contact = find(rows, "联系人")
    assert "李老师" in contact and "13900000000" in find(rows, "手机号码")[1]
    assert find(rows, "地市级及以上城市数")[1][2] == 9
    r, head = find(rows, "活动")
    assert head[2] == "全民阅读" and head[6] == "全民终身学习活动周"
    merged = {str(m) for m in sheet.merged_cells.ranges}
    top = r + 1  # 1-based row of the table head
    assert f"A{top}:B{top + 1}" in merged  # 活动
    assert f"C{top}:F{top}" in merged  # 全民阅读
    assert f"G{top}:G{top + 1}" in merged  # 全民终身学习活动周
    assert rows[r + 1][2:6] == [
        "主题阅读活动",
        "“社长（总编）荐书”活动",
        "线上社会大讲堂",
        "数字阅读分享活动",
    ]
    assert rows[r + 2][0] == "省级层面是否开展" and rows[r + 2][2:] == ["是", "否", "是", "否", "是"]
    assert rows[r + 3][:3] == ["地市级及以上城市开展情况", "城市数", 2]
    assert f"A{top + 3}:A{top + 5}" in merged
    assert rows[r + 5][1:] == ["参加人次", 230, 0, 0, 0, 30]
    assert rows[r + 6][:2] == ["县级城市开展情况", "城市数"]
    assert rows[r + 8][1:] == ["参加人次", 40, 0, 0, 360, 560]
    assert any("填报日期" in str(row[0]) for row in rows[r + 9 :] if row[0])


def test_city_xlsx_follows_the_city_form(year):
    sheet, rows = sheet_rows(exporter(year, "220100").to_xlsx())
    assert rows[1][0] == "市教育局（盖章）：长春市教育局"
    flat = [c for row in rows for c in row]
    assert "地市级及以上城市数" not in flat
    r, row = find(rows, "地市级层面是否开展")
    assert row[0] == "地市级及以上城市开展情况" and row[2:] == ["是", "是", "否", "否", "是"]
    assert rows[r + 1][1:] == ["活动数", 1, 1, 0, 0, 1]
    assert rows[r + 3][1:] == ["城市数", 1, 0, 0, 2, 2]


def test_platform_line_only_where_asked(year):
    table = stats_table(year.jilin, unit("220100"))
    header = header_for(year.jilin, unit("220100"))
    header.platform_name, header.platform_url = "长春终身学习网", "https://example.cn"
    _, rows = sheet_rows(StatsExporter(table, header, with_platform=True).to_xlsx())
    assert find(rows, "活动周平台名称及网址")[1][5] == "长春终身学习网 https://example.cn"


def test_docx_has_the_merged_head_and_the_figures(year):
    document = Document(io.BytesIO(exporter(year, "220000").to_docx()))
    assert document.paragraphs[0].text == "2023 年全民终身学习活动开展情况统计表"
    table = document.tables[0]
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    r = next(i for i, row in enumerate(texts) if row[0] == "活动")
    assert texts[r][2:6] == ["全民阅读"] * 4  # one merged cell across the four reading columns
    assert table.cell(r, 0)._tc is table.cell(r + 1, 1)._tc  # 活动 spans two rows and two columns
    assert texts[r + 2][2:] == ["是", "否", "是", "否", "是"]
    assert texts[r + 8][1:] == ["参加人次", "40", "0", "0", "360", "560"]


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_libreoffice_opens_the_exports(year, tmp_path, fmt):
    source = tmp_path / f"table.{fmt}"
    made = exporter(year, "220000")
    source.write_bytes(made.to_xlsx() if fmt == "xlsx" else made.to_docx())
    assert libreoffice_convert(source, "pdf").stat().st_size > 1000


def test_command_prints_the_json_and_writes_the_forms(year, tmp_path, capsys):
    call_command("stats", campaign="jl23", unit="220000")
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "campaign",
        "unit",
        "prefecture_units",
        "county_units",
        "columns",
        "own_level_held",
        "prefecture",
        "county",
    ]
    assert data["columns"] == [
        "theme_reading",
        "book_recommendation",
        "online_lecture",
        "digital_reading",
        "activity_week",
    ]
    assert data["county"]["digital_reading"] == {"units": 2, "activities": 4, "person_times": 360}
    call_command("stats", campaign="jl23", unit="220000", by_child=True)
    children = json.loads(capsys.readouterr().out)["children"]
    assert [c["unit"]["code"] for c in children][:2] == ["220100", "220200"]
    assert set(children[0]) == set(data)
    for fmt in ("xlsx", "docx"):
        target = tmp_path / f"t.{fmt}"
        call_command("stats", campaign="jl23", unit="220100", format=fmt, output=target)
        assert target.read_bytes()[:2] == b"PK"


def test_the_ministrys_table_is_the_national_form_counting_provinces(year):
    """The national form's first row is 省级层面是否开展, which a province answers: the
    ministry's table says there how many provinces did, not a 部级 row no form has."""
    _, rows = sheet_rows(exporter(year, "000000", year.national).to_xlsx())
    flat = [c for row in rows for c in row]
    assert "部级层面是否开展" not in flat
    r, row = find(rows, "省级层面是否开展")
    held = stats_table(year.national, unit("000000")).provinces_held
    assert held is not None and any(held.values())
    assert row[2:] == [f"是（{held[c]}个省份）" if held[c] else "否" for c in COLUMNS]
    assert rows[r + 1][:2] == ["地市级及以上城市开展情况", "城市数"]


def test_a_countys_table_follows_the_city_form_one_level_down(year):
    _, rows = sheet_rows(exporter(year, "220104").to_xlsx())
    r, row = find(rows, "县级层面是否开展")
    assert row[0] == "县级城市开展情况" and [x[1] for x in rows[r + 1 : r + 3]] == ["活动数", "参加人次"]


@pytest.mark.parametrize(("code", "national"), [("000000", True), ("220000", False), ("220104", False)])
def test_the_xlsx_prints_on_one_a4_landscape_page_with_nothing_clipped(year, code, national):
    made = exporter(year, code, year.national if national else None)
    content = made.to_xlsx()
    sheet = load_workbook(io.BytesIO(content)).active
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth) == (9, "landscape", 1)
    head = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "活动")
    assert sheet.print_title_rows == f"${head}:${head + 1}"  # the two head rows
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    # Every header and figure that sits in one cell fits its column on one line.
    merged = {cell for rng in sheet.merged_cells.ranges for cell in rng.cells}
    for row in sheet.iter_rows(min_row=head):
        for cell in row:
            if cell.value is not None and (cell.row, cell.column) not in merged:
                width = sheet.column_dimensions[cell.column_letter].width
                assert width >= text_width(cell.value), cell.value
    # A wrapped cell has a row tall enough for its lines: 全民终身学习活动周 over the two head rows.
    assert sheet.row_dimensions[head].height + sheet.row_dimensions[head + 1].height >= 2 * 15
    # Every cell of the grid is boxed, and a merged range along all its edges (each cell of
    # the range carries the sides it lies on: what LibreOffice and WPS draw).
    last = max(r for r in range(head, sheet.max_row + 1) if sheet.cell(r, 3).value is not None)
    first = min(r for r in range(2, head) if sheet.cell(r, 1).value == "联系人")
    assert_boxed(sheet, first, last, 7)


@pytest.mark.parametrize("code", ["000000", "220000", "220104"])
def test_libreoffice_prints_the_table_on_one_a4_page_with_every_header_whole(year, tmp_path, code):
    made = exporter(year, code, year.national if code == "000000" else None)
    for fmt, content in (("xlsx", made.to_xlsx()), ("docx", made.to_docx())):
        folder = tmp_path / fmt
        folder.mkdir()
        pages = pdf_pages(content, folder, fmt)
        assert [(w, h) for w, h, _ in pages] == [(297, 210)], fmt  # one A4 landscape page
        text = pages[0][2]
        # (pypdf reads the curly quotes of “社长（总编）荐书”活动 apart in the Word file's PDF)
        for header in ("社长（总编）荐书", "线上社会大讲堂", "数字阅读分享活动", "全民阅读", "参加人次"):
            assert header in text, (fmt, header)
        assert "层面是否开展" in text
        if fmt == "xlsx":
            assert "第 1 页，共 1 页" in text  # the footer
