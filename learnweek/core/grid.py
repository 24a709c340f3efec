"""Official forms with merged cells, described once and written as xlsx (openpyxl) and docx
(python-docx): the statistics table and the nomination forms. A form is a title, lines
above the table (the seal line), a grid of cells that may span rows and columns, and lines below
(signature and date). ``GridDocument`` hands a form out as a ``core.documents.Document``."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from learnweek.core import documents
from learnweek.core.exporters import put
from learnweek.core.text import clean_text


@dataclass
class GridCell:
    row: int  # 0-based, within the grid
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False
    number: bool = False  # a figure: a number in the spreadsheet, so that officials can add up
    left: bool = False  # running text (先进事迹), read left to right rather than centred


@dataclass
class FormGrid:
    title: str
    columns: int
    cells: list[GridCell] = field(default_factory=list)
    above: list[str] = field(default_factory=list)
    below: list[str] = field(default_factory=list)
    column_widths: list[float] = field(default_factory=list)  # in characters
    landscape: bool = False
    row_heights: dict[int, float] = field(default_factory=dict)  # at least this many cm, by row

    @property
    def rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    def add(
        self,
        row: int,
        col: int,
        text: object,
        *,
        rowspan: int = 1,
        colspan: int = 1,
        bold=False,
        number=False,
        left=False,
    ) -> None:
        self.cells.append(
            GridCell(row, col, "" if text is None else str(text), rowspan, colspan, bold, number, left)
        )

    def text_at(self, row: int, col: int) -> str:
        for cell in self.cells:
            if cell.row == row and cell.col == col:
                return cell.text
        return ""


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def grid_to_xlsx(grid: FormGrid, sheet_title: str = "Sheet1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    put(sheet.cell(1, 1), grid.title).font = Font(bold=True, size=16)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.columns)
    sheet.row_dimensions[1].height = 30
    top = 2
    for line in grid.above:
        put(sheet.cell(top, 1), line)
        sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=grid.columns)
        top += 1
    for row in range(grid.rows):
        for col in range(grid.columns):
            sheet.cell(top + row, col + 1).border = BOX
        sheet.row_dimensions[top + row].height = 24
    for cell in grid.cells:
        value: int | str = int(cell.text) if cell.number and cell.text.isdigit() else cell.text
        target = put(sheet.cell(top + cell.row, cell.col + 1), value)
        target.alignment = Alignment(
            horizontal="left" if cell.left else "center", vertical="center", wrap_text=True
        )
        if cell.bold:
            target.font = Font(bold=True)
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=top + cell.row,
                start_column=cell.col + 1,
                end_row=top + cell.row + cell.rowspan - 1,
                end_column=cell.col + cell.colspan,
            )
    for row, height in grid.row_heights.items():
        sheet.row_dimensions[top + row].height = height * 28.35  # points per cm
    bottom = top + grid.rows + 1
    for line in grid.below:
        put(sheet.cell(bottom, 1), line)
        sheet.merge_cells(start_row=bottom, start_column=1, end_row=bottom, end_column=grid.columns)
        bottom += 1
    for i, width in enumerate(grid.column_widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    if grid.landscape:
        sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # print on one page wide
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def east_asian_font(style_or_run, name: str) -> None:
    """The font Word uses for the Chinese characters of a style or run (the Latin font is left as
    it is)."""
    style_or_run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def grid_to_docx(grid: FormGrid) -> bytes:
    document = Document()
    # Chinese text in 宋体 (SimSun in Word, a CJK fallback in LibreOffice), Latin in the default.
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    east_asian_font(normal, "宋体")
    section = document.sections[0]
    if grid.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for margin in ("left_margin", "right_margin"):
        setattr(section, margin, Cm(2))
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(clean_text(grid.title))
    run.bold = True
    run.font.size = Pt(16)
    for line in grid.above:
        document.add_paragraph(clean_text(line))
    table = document.add_table(rows=grid.rows, cols=grid.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        target.text = clean_text(cell.text)
        for paragraph in target.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.left else WD_ALIGN_PARAGRAPH.CENTER
        paragraph = target.paragraphs[0]
        if cell.bold:
            for text_run in paragraph.runs:
                text_run.bold = True
    for row, height in grid.row_heights.items():
        table.rows[row].height = Cm(height)
    for line in grid.below:
        document.add_paragraph(clean_text(line))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class GridDocument(documents.Document):
    """A form handed out under ``filename``, as xlsx (one sheet, ``sheet_title``) and docx, or
    only in the ``formats`` given (the 申报表 is Word only)."""

    formats: tuple[str, ...] = ("xlsx", "docx")

    def __init__(
        self,
        grid: FormGrid,
        filename: str,
        *,
        sheet_title: str = "Sheet1",
        formats: tuple[str, ...] | None = None,
    ) -> None:
        self.grid, self.filename, self.sheet_title = grid, filename, sheet_title
        if formats is not None:
            self.formats = formats

    def content(self, fmt: str) -> bytes:
        return self.to_xlsx() if fmt == "xlsx" else self.to_docx()

    def to_xlsx(self) -> bytes:
        return grid_to_xlsx(self.grid, self.sheet_title)

    def to_docx(self) -> bytes:
        return grid_to_docx(self.grid)
