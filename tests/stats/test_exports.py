"""The official layout in xlsx and docx, and the command line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from learnweek.stats.exporters import StatsExporter
from learnweek.stats.selectors import header_for, stats_table
from learnweek.stats.services import header_save
from tests.helpers import unit
from tests.office import libreoffice_convert


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


def test_province_xlsx_has_the_national_layout_and_figures(year):
    header_save(
        actor=None, campaign=year.jilin, unit=unit("220000"), contact_name="李老师", mobile="13900000000"
    )
    sheet, rows = sheet_rows(exporter(year, "220000").to_xlsx())
    assert rows[0][0] == "2023 年全民终身学习活动开展情况统计表"
    assert rows[1][0] == "教育行政部门（盖章）：吉林省"
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
    assert rows[1][0] == "市教育局（盖章）：长春市"
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
