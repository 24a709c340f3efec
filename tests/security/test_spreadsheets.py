"""Hostile spreadsheets (issue 21, finding 2): a 2 KB xlsx with a header and one cell at XFD1048576
made python-calamine ask for 512 GiB (SIGABRT, the requests beside it reset) and openpyxl pad a
million rows to 16,384 columns. Every upload (附表1, institutions, books) now measures the used
range of the sheet first and refuses a file over the caps in a fraction of a second, naming the
file, the limit and what it found; a file of bad rows lists 200 of them, then how many more."""

from __future__ import annotations

import base64
import io
import os
import resource
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from learnweek.activities.models import Activity
from learnweek.activities.services import activities_import
from learnweek.core.errors import DomainError, RowErrors
from learnweek.core.tabular import read_table
from learnweek.orgs.models import Unit
from learnweek.orgs.services import institutions_import
from learnweek.reading import services as reading
from learnweek.reading.models import Book
from tests.activities.helpers import fubiao1
from tests.helpers import COUNTY, unit

FAST = 2.0  # seconds; the refusals measure well under 0.1 s
GIB = 1024**3

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="附表1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        "</Relationships>"
    ),
}


def _text_cell(ref: str, text: str, prefix: str = "") -> str:
    return f'<{prefix}c r="{ref}" t="inlineStr"><{prefix}is><{prefix}t>{text}</{prefix}t></{prefix}is></{prefix}c>'


def xlsx(sheet_xml: str, **extra_parts: bytes) -> bytes:
    """A workbook written by hand, part by part, as an attacker writes one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PACKAGE.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in extra_parts.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


HEADER = ["序号", "活动名称", "活动时间", "机构代码", "机构名称", "机构类型", "ISBN", "书名"]


def far_cell_xlsx(last: str = "XFD1048576", *, form: str = "as sent") -> bytes:
    """The header row and one cell at ``last``: what the attacker sent (~2 KB). ``form``: "as
    sent" has <dimension ref="A1:XFD1048576">; "no dimension" leaves it out; "prefixed" writes
    every element as x:..., the way no spreadsheet program does but a parser must still read."""
    row = int("".join(c for c in last if c.isdigit()))
    p = "x:" if form == "prefixed" else ""
    ns = f'xmlns:x="{MAIN}"' if p else f'xmlns="{MAIN}"'
    dimension = f'<dimension ref="A1:{last}"/>' if form == "as sent" else ""
    header = "".join(_text_cell(f"{chr(65 + i)}1", h, p) for i, h in enumerate(HEADER))
    return xlsx(
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{p}worksheet {ns}>{dimension}'
        f'<{p}sheetData><{p}row r="1">{header}</{p}row>'
        f'<{p}row r="{row}">{_text_cell(last, "x", p)}</{p}row></{p}sheetData></{p}worksheet>'
    )


@pytest.fixture
def memory_ceiling():
    """A regression that builds the whole sheet fails here with MemoryError (or aborts, for
    calamine) instead of taking the machine's memory: the test may use 1 GiB more than at start."""
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (in_use + GIB, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def upload(data: bytes, name: str) -> io.BytesIO:
    source = io.BytesIO(data)
    source.name = name
    return source


def import_fubiao1(data: bytes, name: str, campaign) -> None:
    activities_import(actor=None, campaign=campaign, unit=unit(COUNTY), source=upload(data, name))


def import_institutions(data: bytes, name: str, campaign) -> None:
    institutions_import(actor=None, under=unit(COUNTY), table=read_table(upload(data, name), name))


def import_books(data: bytes, name: str, campaign) -> None:
    reading.books_import(actor=None, unit=unit(COUNTY), source=upload(data, name), filename=name)


UPLOADS = {"附表1": import_fubiao1, "institutions": import_institutions, "books": import_books}


def written() -> tuple[int, int, int]:
    return Activity.objects.count(), Unit.objects.count(), Book.objects.count()


def refused(do, data: bytes, name: str, campaign) -> tuple[str, float]:
    before = written()
    start = time.perf_counter()
    with pytest.raises(DomainError) as refusal:
        do(data, name, campaign)
    elapsed = time.perf_counter() - start
    assert written() == before
    return refusal.value.message, elapsed


@pytest.mark.usefixtures("memory_ceiling")
@pytest.mark.parametrize("form", ["as sent", "no dimension", "prefixed"])
@pytest.mark.parametrize("what", UPLOADS)
def test_a_cell_at_xfd1048576_is_refused_by_every_upload_at_once(jilin_2023_derived, what, form):
    data = far_cell_xlsx(form=form)
    assert len(data) < 3000
    message, elapsed = refused(UPLOADS[what], data, "活动汇总.xlsx", jilin_2023_derived)
    assert "“活动汇总.xlsx”" in message
    assert "1,048,576 行" in message and "超过 200,000 行" in message and "上限" in message
    assert elapsed < FAST


@pytest.mark.parametrize("what", UPLOADS)
def test_a_sheet_wider_than_50_columns_is_refused(jilin_2023_derived, what):
    message, elapsed = refused(
        UPLOADS[what], far_cell_xlsx("BA3", form="no dimension"), "宽表.xlsx", jilin_2023_derived
    )
    assert "“宽表.xlsx”的表格有 53 列（用到了 BA3 单元格），超过 50 列的上限" in message
    assert elapsed < FAST


def test_a_csv_over_the_caps_is_refused(tree, settings):
    settings.SPREADSHEET_MAX_ROWS = 1000
    tall = "机构代码,机构名称,机构类型\n" + "X,甲,开放大学\n" * 1000
    with pytest.raises(DomainError, match="“机构.csv”的表格有 1,001 行，超过 1,000 行的上限"):
        read_table(upload(tall.encode(), "机构.csv"), "机构.csv")
    wide = ",".join(f"列{i}" for i in range(51)) + "\n"
    with pytest.raises(DomainError, match="有 51 列，超过 50 列的上限"):
        read_table(upload(wide.encode(), "机构.csv"), "机构.csv")


@pytest.mark.usefixtures("memory_ceiling")
def test_a_part_that_inflates_past_the_limit_is_refused_unread(jilin_2023_derived, settings):
    """A zip bomb: 2 MB of shared strings in a few KB (the limit is lowered to 1 MB here)."""
    settings.SPREADSHEET_MAX_INFLATED_BYTES = 1024 * 1024
    data = xlsx(
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{_text_cell("A1", "活动名称")}</row></sheetData></worksheet>',
        xl__sharedStrings_xml=b" " * (2 * 1024 * 1024),
    )
    assert len(data) < 10_000
    message, _ = refused(import_fubiao1, data, "附表1.xlsx", jilin_2023_derived)
    assert message == "文件“附表1.xlsx”解压后超过 1 MB 的上限，未读取。"


def ods(table_xml: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
            f'<table:table table:name="附表1">{table_xml}</table:table>'
            "</office:spreadsheet></office:body></office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def _ods_cell(text: str, repeated: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeated}" office:value-type="string">'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


@pytest.mark.usefixtures("memory_ceiling")
def test_an_ods_of_repeated_cells_is_refused(jilin_2023_derived):
    """807 bytes that calamine expands to 99 million cells (about 4 GB) on opening."""
    data = ods(
        f'<table:table-row table:number-rows-repeated="99000">{_ods_cell("活动名称", 1001)}</table:table-row>'
    )
    assert len(data) < 1000
    message, elapsed = refused(import_fubiao1, data, "附表1.ods", jilin_2023_derived)
    assert "“附表1.ods”的表格有 1,001 列，超过 50 列的上限" in message  # stopped at the first cell
    assert elapsed < FAST


def test_an_ods_ending_in_a_million_empty_rows_still_imports(jilin_2023_derived):
    """LibreOffice ends every sheet this way; those rows are not part of the used range."""
    header = "".join(_ods_cell(h) for h in ["序号", "活动名称", "活动时间"])
    row = "".join(_ods_cell(v) for v in ["1", "读书会", "2023年10月15日"])
    empty = '<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    data = ods(f"<table:table-row>{header}</table:table-row><table:table-row>{row}</table:table-row>{empty}")
    report = activities_import(
        actor=None, campaign=jilin_2023_derived, unit=unit(COUNTY), source=upload(data, "附表1.ods")
    )
    assert report.created == 1


# An .xls made with xlwt 1.3: ws.write(0, 0, "序号"); ws.write(0, 1, "活动名称"); ws.write(65535, 255, "x")
# (5.6 KB; python-calamine builds 256 × 65,536 cells for it, a gigabyte).
FAR_CELL_XLS = zlib.decompress(
    base64.b64decode(
        "eNq7cF7wwcKNUg8Z0IAdAzPDv/+cDGxIYoxAzAnjCDAA5f//BzFhNAcQ/x8FQwpwcgAjko2VYTfvGXZQHILi+yEDE8MGloNAkoHh"
        "ERDHMBQw+OXnpSrQETiB3ZDICHKDLZBkZJgDFOFjkAS7SghMJoNJYTC5HqxyD5h0AIv0gklboNoHjFEM5+39tCygqTiCSQksx8cA"
        "Mnc7WM8tsIghgyjDCVAqrp/ACFHLyuBYlJmYMzgl5Fh4GJYwAOPNPTUvtSgx5wGDCDAClzB8/a/AwPAFllMPKIyK01eckQEo/gNV"
        "nB2L+GQmFgaGBob/CeAE3gpMkIeZQTLMjC7TMjoMGf4wyDGABEAYqKI/7nswCwOjde6KIN6QD5XAtFDBBSqSwVlYACUL84KTNg+Q"
        "TGHgB7MFwQlcAFhI/1n58ZJvUoB9PFikAVxsQwp3VZB7GP4zNIJ0ADXzIRX8IEILrEMbTDaBTZUGs6XApAgwWQJptQBRKMOtGaym"
        "BSyrBrTHGAwu26sjsTWA7NbXgTvkWh/bawLZ69wfVomsu26/kEEJWNmkAPWDYDODDqMO46yZILDTHkYzQguCu2BSEqNQ4GASALuf"
        "ieE/1CP8DH8ZuMBMQTAJ4YFChxGqHlyVMaKqB9VvkPCzYxJi2AZiAAsZBOBiGAWjYBSMglEwCkbBKBgFo2BIAEZw8xjSxQA1/lmh"
        "HQh26LjOXyD+NzpMMmxBEEM+EJYAO6auDHlAuoihkqT0I8bAyggzi5FIPbDxQhAIB9pexJDNkAR2RzbJ6RfYAWRE9g/RGgWol4VI"
        "tf8fKe6ksf0ACkzF1Q=="
    )
)


def test_an_xls_with_a_far_cell_is_refused(jilin_2023_derived):
    message, elapsed = refused(import_fubiao1, FAR_CELL_XLS, "附表1.xls", jilin_2023_derived)
    assert "“附表1.xls”的表格有 256 列，超过 50 列的上限" in message
    assert elapsed < FAST


# -- a file of bad rows: 200 listed, then how many more ------------------------------------------


def test_a_fubiao1_of_bad_rows_lists_200_then_counts_the_rest(jilin_2023_derived):
    rows = [[f"活动{i}", "2023-10-15", "甲", "乙", -1, "", ""] for i in range(250)]
    with pytest.raises(RowErrors) as refusal:
        activities_import(actor=None, campaign=jilin_2023_derived, unit=unit(COUNTY), source=fubiao1(rows))
    errors = refusal.value.errors
    assert len(errors) == 201
    assert errors[0] == "第4行 人数: 不能为负数（-1）" and errors[199] == "第203行 人数: 不能为负数（-1）"
    assert errors[-1] == "另有 50 行有误"
    assert not Activity.objects.exists()


def test_the_command_says_how_many_rows_more(jilin_2023_derived, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        fubiao1([[f"活动{i}", "2023-10-15", "甲", "乙", -1, "", ""] for i in range(203)]).getvalue()
    )
    with pytest.raises(CommandError, match="导入失败，未写入任何数据（200 处错误，另有 3 行有误）"):
        call_command("import_activities", str(path), "--campaign", "jl23", "--unit", COUNTY)
    assert capsys.readouterr().err.count("\n") == 201


def test_a_row_with_several_errors_is_one_bad_row(tree):
    lines = "".join(f"{'' if i % 2 else 'A'}-{i},,大学,,\n" for i in range(300))
    table = read_table(
        upload(("机构代码,机构名称,机构类型,所属区划代码,地址\n" + lines).encode(), "机构.csv")
    )
    with pytest.raises(RowErrors) as refusal:
        institutions_import(actor=None, under=unit(COUNTY), table=table)
    errors = refusal.value.errors
    assert errors[-1] == "另有 100 行有误"
    assert len({e.split(" ")[0] for e in errors[:-1]}) == 200  # 200 rows, each with its 2-3 lines
    assert "第201行" in errors[-2] and not any("第202行" in e for e in errors)


def test_books_list_200_bad_rows(tree):
    lines = "".join(f"978702000220{i % 10},,,,,,,\n" for i in range(230))
    with pytest.raises(RowErrors) as refusal:
        reading.books_import(
            actor=None,
            unit=unit(COUNTY),
            source=upload(("ISBN,书名,作者,出版社,出版年,分类,适读人群,简介\n" + lines).encode(), "书目.csv"),
            filename="书目.csv",
        )
    assert refusal.value.errors[-1] == "另有 30 行有误"
    assert not Book.objects.exists()


# -- the pages -----------------------------------------------------------------------------------


def _xlsx_upload(data: bytes, name: str = "活动汇总.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


PAGES = {
    "附表1": ("county_reporter", lambda: reverse("backoffice:activity_import"), {"campaign": "jl23"}),
    "institutions": (
        "county_admin",
        lambda: reverse("backoffice:institution_import", args=[COUNTY]),
        {},
    ),
    "books": ("county_reporter", lambda: reverse("backoffice:book_import"), {}),
}


@pytest.mark.usefixtures("memory_ceiling")
@pytest.mark.parametrize("page", PAGES)
def test_the_upload_pages_show_the_refusal_in_chinese_and_write_nothing(
    client, request, jilin_2023_derived, page
):
    who, url, fields = PAGES[page]
    client.force_login(request.getfixturevalue(who))
    assert client.get(url()).status_code == 200  # the first request of a process loads a lot
    before = written()
    start = time.perf_counter()
    response = client.post(url(), {**fields, "file": _xlsx_upload(far_cell_xlsx())})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "“活动汇总.xlsx”的表格有 1,048,576 行、16,384 列（用到了 XFD1048576 单元格），超过 200,000 行、50 列的上限"
        in text
    )
    assert written() == before
    assert elapsed < FAST


def test_the_import_page_lists_200_bad_rows_then_the_count(client, county_reporter, jilin_2023_derived):
    client.force_login(county_reporter)
    rows = [[f"活动{i}", "2023-10-15", "甲", "乙", -1, "", ""] for i in range(260)]
    data = fubiao1(rows).getvalue()
    response = client.post(
        reverse("backoffice:activity_import"), {"campaign": "jl23", "file": _xlsx_upload(data)}, follow=True
    )
    text = response.content.decode()  # the preview lists them, and refuses 确认导入 until they are right
    assert "第203行 人数" in text and "第204行" not in text
    assert "另有 60 行有误" in text
    # and the first line says how much is wrong before the list begins
    assert text.index("共 260 行有误") < text.index("第4行 人数")
    assert not Activity.objects.exists()
