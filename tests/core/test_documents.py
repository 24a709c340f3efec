"""Every document the system writes keeps one contract (core.documents.Document): for each of
its formats it gives non-empty bytes of that format, the content type and the file name the user
gets, and the pages hand it out through core.downloads.download_document under those."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

import learnweek.api.api  # noqa: F401  (every front door's documents are imported)
import learnweek.backoffice.urls  # noqa: F401
from learnweek.core.documents import CONTENT_TYPES, Document
from learnweek.core.downloads import DOCX, XLSX, ZIP, download_document
from learnweek.core.drafts import Draft
from learnweek.core.errors import NotFound
from learnweek.core.exporters import ListExporter
from learnweek.core.grid import FormGrid, GridDocument
from learnweek.nominations.models import Nomination
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import COUNTY, PROVINCE, unit

pytestmark = pytest.mark.django_db

# What the bytes of each format start with, and a part only that kind of package holds.
SIGNATURES = {
    "xlsx": (b"PK\x03\x04", "xl/workbook.xml"),
    "docx": (b"PK\x03\x04", "word/document.xml"),
    # the county's package of the fixture: its one material, in the first folder
    "zip": (b"PK\x03\x04", "01-活动周工作方案/朝阳区活动周工作方案.docx"),
}

# Bases that are not documents by themselves: a subclass says what its table holds.
BASES = {ListExporter}
IMPORT_TEMPLATES = {"staff_template"}  # spreadsheets filled in and imported again


def concrete_documents(cls=Document) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("learnweek.") and sub not in BASES:
            found.add(sub)
        found |= concrete_documents(sub)
    return found


def test_every_document_class_is_made_here(made):
    """A new kind of document is added to ``made``, so that it is held to the contract too."""
    assert concrete_documents() == {type(document) for document, _name in made.values()} | {
        GridDocument,
        Draft,
    }


def test_every_document_renders_each_of_its_formats_as_that_format(made):
    formats = {key: document.formats for key, (document, _name) in made.items()}
    assert formats == {
        "audit": ("xlsx",),
        "staff_list": ("xlsx",),
        "staff_template": ("xlsx",),
        "resident_data": ("xlsx",),
        "board": ("xlsx",),
        "fubiao1": ("xlsx",),
        "fubiao1_frozen": ("xlsx",),
        "stats": ("xlsx", "docx"),
        "nomination": ("docx",),
        "summary": ("xlsx", "docx"),
        "notice": ("docx",),
        "work_summary": ("docx",),
        "material": ("docx",),
        "package": ("zip",),
    }
    for key, (document, name) in made.items():
        for fmt in document.formats:
            rendered = document.render(fmt)
            magic, part = SIGNATURES[fmt]
            assert rendered.content.startswith(magic), (key, fmt)
            assert part in zipfile.ZipFile(io.BytesIO(rendered.content)).namelist(), (key, fmt)
            assert (
                rendered.content_type == CONTENT_TYPES[fmt] == {"xlsx": XLSX, "docx": DOCX, "zip": ZIP}[fmt]
            )
            assert rendered.filename == f"{name}.{fmt}", key


def test_a_format_a_document_does_not_come_in_is_not_found(made):
    """The 申报表 is Word (and its PDF), never Excel or CSV; the board is Excel, never Word; a
    zip has no PDF (tests/core/test_pdf_exports.py converts the others)."""
    for key, fmt in (("nomination", "xlsx"), ("nomination", "csv"), ("board", "docx"), ("package", "pdf")):
        document = made[key][0]
        assert not document.offers(fmt), (key, fmt)
        with pytest.raises(NotFound):
            document.render(fmt)
        with pytest.raises(NotFound):
            download_document(document, fmt)
    assert all(made[key][0].offers("pdf") for key in made if key != "package")


def test_download_document_sends_the_documents_name_and_type():
    grid = FormGrid(title="统计表", columns=1)
    grid.add(0, 0, "活动数")
    response = download_document(GridDocument(grid, "2026年统计表-吉林省"), "xlsx")
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''2026%E5%B9%B4%E7%BB%9F%E8%AE%A1%E8%A1%A8-%E5%90%89%E6%9E%97%E7%9C%81.xlsx"
    )
    assert response.content.startswith(b"PK\x03\x04")
    docx = download_document(GridDocument(grid, "统计表"), "docx")
    assert docx["Content-Type"] == DOCX
    assert docx["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('统计表.docx')}"


def disposition(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


def test_the_pages_hand_out_each_document_under_its_name_and_type(
    client, made, jilin_this_year_published, province_admin
):
    province, county = unit(PROVINCE), unit(COUNTY)
    board, _ = made["board"]
    client.force_login(province_admin)
    pages = [
        (reverse("backoffice:board_export", args=[board.board.requirement.pk]), made["board"][1], "xlsx"),
        (
            reverse("backoffice:activity_export") + f"?campaign={jilin_this_year_published.slug}",
            made["fubiao1"][1],
            "xlsx",
        ),
        (
            reverse("backoffice:stats_export", args=[jilin_this_year_published.slug, "xlsx"]),
            made["stats"][1],
            "xlsx",
        ),
        (
            reverse("backoffice:stats_export", args=[jilin_this_year_published.slug, "docx"]),
            made["stats"][1],
            "docx",
        ),
        (
            reverse("backoffice:campaign_notice_draft", args=[jilin_this_year_published.slug]),
            made["notice"][1],
            "docx",
        ),
        (
            reverse("backoffice:stats_summary_draft", args=[jilin_this_year_published.slug]),
            f"{province.name}{jilin_this_year_published.year}年工作总结（草稿）",
            "docx",
        ),
    ]
    for url, name, fmt in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == CONTENT_TYPES[fmt], url
        assert response["Content-Disposition"] == disposition(f"{name}.{fmt}"), url
        assert response.content.startswith(b"PK\x03\x04"), url

    client.force_login(StaffFactory(unit=county, roles=[Role.REPORTER]))
    nominee = Nomination.objects.get()
    response = client.get(reverse("backoffice:nomination_docx", args=[nominee.pk]))
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == disposition(f"{made['nomination'][1]}.docx")
    for fmt in ("xlsx", "docx"):
        response = client.get(reverse("backoffice:nomination_summary", args=[nominee.requirement_id, fmt]))
        assert response["Content-Type"] == CONTENT_TYPES[fmt]
        assert response["Content-Disposition"] == disposition(f"{made['summary'][1]}.{fmt}")


def test_a_statistics_table_in_a_format_it_does_not_come_in_is_not_found(
    client, jilin_this_year_published, province_admin
):
    """Not a Word file named ``.odt``."""
    client.force_login(province_admin)
    for fmt in ("odt", "csv", "zip"):
        response = client.get(reverse("backoffice:stats_export", args=[jilin_this_year_published.slug, fmt]))
        assert response.status_code == 404, fmt


# The Word files another part of the system drafts (the notice, the work summary) keep their own
# page, the official document format; every other document prints as a form on A4.
DRAFTS = {"notice", "work_summary"}


def test_every_spreadsheet_prints_on_a4_one_page_wide_with_page_numbers(made):
    for key, (document, _name) in made.items():
        if "xlsx" not in document.formats:
            continue
        content = document.render("xlsx").content
        sheet = load_workbook(io.BytesIO(content)).active
        setup = sheet.page_setup
        assert setup.paperSize == 9, key  # A4
        assert setup.fitToWidth == 1 and setup.fitToHeight == 0, key
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, key
        assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页", key
        assert sheet.print_options.horizontalCentered, key
        assert round(sheet.page_margins.left * 2.54, 1) == 1.8, key
        assert round(sheet.page_margins.top * 2.54, 1) == 2.0, key
        xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
        # Only what WPS keeps, in the order it reads: merged cells before the page margins.
        for dropped in ("<conditionalFormatting", "<tableParts", "<dataBar", "<extLst"):
            assert dropped not in xml, (key, dropped)
        if key in IMPORT_TEMPLATES:  # read back by an import: the header is row 1, no title above it
            assert "<mergeCells" not in xml and sheet["A1"].value, key
        else:
            assert "<mergeCells" in xml and xml.index("<mergeCells") < xml.index("<pageMargins"), key


def test_every_word_form_is_a4_with_chinese_fonts_on_every_run(made):
    for key, (document, _name) in made.items():
        if "docx" not in document.formats or key in DRAFTS:
            continue
        word = DocxDocument(io.BytesIO(document.render("docx").content))
        section = word.sections[0]
        sides = sorted([round(section.page_width.cm, 1), round(section.page_height.cm, 1)])
        assert sides == [21.0, 29.7], key
        assert (section.page_width > section.page_height) == (section.orientation == WD_ORIENT.LANDSCAPE), key
        assert round(section.top_margin.cm, 1) == 2.5 and round(section.left_margin.cm, 1) == 2.0, key
        runs = [run for p in word.paragraphs for run in p.runs]
        runs += [
            run
            for t in word.tables
            for row in t.rows
            for c in row.cells
            for p in c.paragraphs
            for run in p.runs
        ]
        assert runs, key
        for run in runs:
            fonts = run.element.rPr.rFonts if run.element.rPr is not None else None
            assert fonts is not None and fonts.get(qn("w:eastAsia")), (key, run.text)
        assert word.paragraphs[0].runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体", key
        for table in word.tables:  # no wider than the text between the margins
            width = sum(column.width for column in table.columns)
            assert width <= section.page_width - section.left_margin - section.right_margin, key
