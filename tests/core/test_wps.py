"""Workbooks as WPS Office saves them (tests/core/wps.py writes them part by part): the sheet an
import reads, WPS's dates and formulas, and pictures placed in cells, which are never text."""

import datetime
import io

import pytest

from learnweek.core.errors import DomainError
from learnweek.core.tabular import CellPicture, cell_text, open_sheet, read_table
from tests.core.wps import (
    ExcelPicture,
    Formula,
    Picture,
    cell_images_xml,
    png,
    rels,
    validations,
    wps_xlsx,
)

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rows_of(data: bytes, name: str = "wps.xlsx") -> dict[int, list]:
    return dict(open_sheet(io.BytesIO(data), name).rows())


def test_the_visible_sheet_is_read_with_wps_dates_formulas_and_inline_strings():
    data = wps_xlsx(
        [
            ["活动名称", "活动时间", "开始", "序号"],
            [
                "全民读书节",
                datetime.date(2023, 10, 15),
                datetime.datetime(2023, 10, 15, 14, 30),  # noqa: DTZ001 - a cell has no zone
                Formula("ROW()-1", "1", "D2:D3"),
            ],
            ["书香家庭", datetime.date(2023, 12, 2), None, Formula("ROW()-1", "2", "rest")],
        ],
        helper=["是", "否"],  # a hidden helper sheet comes first
        sheet_extra=validations("E2:E3", ["是", "否"], helper="下拉选项"),
        inline=True,
    )
    rows = rows_of(data)
    # not the helper's 是/否, and every row although <dimension ref="A1"/> claims one cell
    assert rows[1] == ["活动名称", "活动时间", "开始", "序号"]
    assert rows[2][:2] == ["全民读书节", datetime.date(2023, 10, 15)]  # yyyy"年"m"月"d"日", numFmtId 176
    assert rows[2][2] == datetime.datetime(2023, 10, 15, 14, 30)  # noqa: DTZ001 - what calamine gives
    assert [cell_text(rows[2][3]), cell_text(rows[3][3])] == ["1", "2"]  # the shared formula's cached text
    assert rows[3][:2] == ["书香家庭", datetime.date(2023, 12, 2)]


def test_a_wps_picture_in_a_cell_is_a_picture_with_its_file_never_the_formula_text():
    red, green = png(800, 600, "red"), png(40, 30, "green")
    data = wps_xlsx(
        [
            ["活动名称", "照片", "海报"],
            ["全民读书节", Picture("ID_6A0C3B7D0E1F4E3A9C2D1B0A9F8E7D6C", red), Picture("ID_B", green)],
            ["书香家庭", Picture("ID_6A0C3B7D0E1F4E3A9C2D1B0A9F8E7D6C", red), ""],
        ]
    )
    rows = rows_of(data)
    picture = rows[2][1]
    assert isinstance(picture, CellPicture) and picture.cell == "B2" and picture.content == red
    assert cell_text(picture) == ""  # never =DISPIMG("ID_…",1)
    assert rows[2][2].content == green and rows[3][1].content == red  # one picture shown in two cells
    photo = picture.photo()
    assert (photo.format, photo.width, photo.height) == ("PNG", 800, 600)
    table = read_table(io.BytesIO(data), "wps.xlsx")
    assert [row for _, row in table.rows] == [
        {"活动名称": "全民读书节", "照片": "", "海报": ""},
        {"活动名称": "书香家庭", "照片": "", "海报": ""},
    ]
    assert table.rows.pictures() == ["第2行「照片」", "第2行「海报」", "第3行「照片」"]


def test_a_dispimg_cell_without_its_picture_part_is_still_not_text():
    data = wps_xlsx(
        [["活动名称", "照片"], ["读书节", Formula('_xlfn.DISPIMG("ID_X",1)', '=DISPIMG("ID_X",1)')]]
    )
    picture = rows_of(data)[2][1]
    assert isinstance(picture, CellPicture) and picture.content is None
    with pytest.raises(DomainError, match="B2 单元格的图片不在文件中"):
        picture.photo()


def test_excel_place_in_cell_pictures_are_pictures_not_their_error_text():
    data = wps_xlsx([["活动名称", "照片"], ["读书节", ExcelPicture()]])
    picture = rows_of(data)[2][1]
    assert isinstance(picture, CellPicture) and picture.source == "excel" and cell_text(picture) == ""
    assert "#VALUE!" not in repr(rows_of(data))


def test_a_picture_is_checked_by_its_content_whatever_its_name():
    data = wps_xlsx([["照片"], [Picture("ID_A", b"<html>not a picture</html>")]])
    with pytest.raises(DomainError, match="A2单元格图片.*不是可以打开的图片（按文件内容判断"):
        rows_of(data)[2][0].photo()


def hostile(cellimages: str | None = None, cellimages_rels: str | None = None, **options) -> bytes:
    return wps_xlsx(
        [["活动名称", "照片"], ["读书节", Picture("ID_A", png())]],
        cellimages=cellimages,
        cellimages_rels=cellimages_rels,
        **options,
    )


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    '<etc:cellImages xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData">&lol2;</etc:cellImages>'
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: hostile(cellimages=LAUGHS), "含有实体声明"),
        (
            lambda: hostile(cellimages_rels=rels([("rId1", f"{R}/image", "../../../etc/passwd")])),
            "指向文件之外的位置（../../../etc/passwd）",
        ),
        (
            lambda: hostile(
                cellimages_rels=rels([("rId1", f"{R}/image", "http://example.com/a.png")]).replace(
                    "/>", ' TargetMode="External"/>', 1
                )
            ),
            "指向文件之外的位置（http://example.com/a.png）",
        ),
        (
            lambda: hostile(cellimages_rels=rels([("rId1", f"{R}/image", "media/nothing.png")])),
            "引用的图片 media/nothing.png 在文件中不存在",
        ),
        (lambda: hostile(cellimages=cell_images_xml([("ID_A", "rId9")])), "引用的图片 rId9 在文件中没有登记"),
        (lambda: hostile(cellimages="<etc:cellImages"), "已损坏"),
    ],
    ids=["entities", "dot-dot", "external", "missing", "unregistered", "broken"],
)
def test_a_hostile_cellimages_part_is_refused_clearly(data, message):
    with pytest.raises(DomainError) as refused:
        open_sheet(io.BytesIO(data()), "附表1.xlsx")
    assert refused.value.code == "bad_cell_images"
    assert message in refused.value.message
    assert refused.value.message.startswith("文件“附表1.xlsx”中的单元格图片（xl/cellimages.xml）")
    assert "没有导入任何内容" in refused.value.message


def test_a_huge_picture_counts_against_the_inflation_budget(settings):
    settings.SPREADSHEET_MAX_INFLATED_BYTES = 3 * 1024 * 1024
    noise = bytes(range(256)) * (4 * 1024 * 4)  # 4 MB that deflates well, as a bomb does
    data = wps_xlsx([["照片"], [Picture("ID_A", noise)]])
    assert len(data) < 1024 * 1024
    with pytest.raises(DomainError, match="解压后超过 3 MB 的上限"):
        open_sheet(io.BytesIO(data), "附表1.xlsx")


def test_the_picture_scan_keeps_the_row_and_column_caps(settings):
    settings.SPREADSHEET_MAX_ROWS = 5
    data = wps_xlsx([["照片"], [Picture("ID_A", png())], *[["x"]] * 10])
    with pytest.raises(DomainError, match="有 6 行，超过 5 行的上限"):
        open_sheet(io.BytesIO(data), "附表1.xlsx")


@pytest.mark.django_db
def test_the_table_imports_read_a_picture_as_empty_and_say_so(tree):
    from learnweek.orgs.models import Unit
    from learnweek.orgs.services import institutions_import
    from learnweek.reading import services as reading
    from learnweek.reading.models import Book
    from tests.helpers import COUNTY, unit

    books = wps_xlsx(
        [["ISBN", "书名", "作者", "简介"], ["9787020002207", "红楼梦", "曹雪芹", Picture("ID_COVER", png())]],
        helper=["文学", "历史"],
    )
    result = reading.books_import(
        actor=None, unit=unit(COUNTY), source=io.BytesIO(books), filename="书目.xlsx"
    )
    assert result.created == 1 and result.pictures == ("第2行「简介」",)
    assert Book.objects.get().summary == ""
    places = wps_xlsx(
        [
            ["机构代码", "机构名称", "机构类型", "所属区划代码", "地址"],
            ["CC-009", "朝阳区社区学院", "社区教育院校", "220104", Picture("ID_MAP", png())],
        ]
    )
    table = read_table(io.BytesIO(places), "机构.xlsx")
    created = institutions_import(actor=None, under=Unit.objects.get(code="220100"), table=table)
    assert [(u.code, u.address) for u in created] == [("CC-009", "")]
    assert table.rows.pictures() == ["第2行「地址」"]


def test_a_workbook_of_more_picture_cells_than_any_import_reads_is_refused_before_it_is_read(
    monkeypatch,
):
    """Each picture cell is an object held for the whole import: past the cap the file is refused
    with the rule, rather than read at any cost."""
    import learnweek.core.tabular as tabular

    monkeypatch.setattr(tabular, "MAX_CELL_PICTURES", 50)
    red = png(40, 30, "red")
    many = [["活动名称", "照片"]] + [[f"第{n}场", Picture("ID_A", red)] for n in range(60)]
    with pytest.raises(DomainError) as refused:
        rows_of(wps_xlsx(many))
    assert "超过 50 张" in refused.value.message and refused.value.code == "bad_cell_images"
    # Up to the cap every picture is found, each in its own row.
    rows = rows_of(wps_xlsx(many[:51]))
    assert sum(isinstance(value, CellPicture) for values in rows.values() for value in values) == 50
    assert all(isinstance(rows[n][1], CellPicture) for n in range(2, 52))
