"""Official forms with merged cells, described once and written as xlsx (openpyxl) and docx
(python-docx): the statistics table and the nomination forms. A form is a title, lines
above the table (the seal line), a grid of cells that may span rows and columns, and lines below
(signature and date). ``GridDocument`` hands a form out as a ``core.documents.Document``.

Both print on A4: the xlsx through ``core.exporters.print_setup`` (the one print setup of every
table), the docx through ``a4_section`` (the one page setup of every Word file but the drafted
notice, which follows the official document format)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Emu, Pt
from docx.table import _Row
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from learnweek.core import documents
from learnweek.core.exporters import GRID as BOX
from learnweek.core.exporters import LINE_POINTS, print_setup, put, text_width, wrapped_lines
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
    # The grid rows (first, last; 0-based) that head its columns, repeated on every page it
    # runs onto: the statistics table's two head rows, a 汇总表's header row.
    header_rows: tuple[int, int] | None = None

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


# Columns widen to fit a header or a figure up to this width (Excel's units); longer text wraps.
MAX_COLUMN_WIDTH = 30
DEFAULT_COLUMN_WIDTH = 12
POINTS_PER_CM = 28.35
MIN_ROW_POINTS = 24


def column_widths(grid: FormGrid) -> list[float]:
    """The width of each column: the form's own, widened to fit every header and figure that
    sits in one cell (up to ``MAX_COLUMN_WIDTH``). Running text (``left``) and a cell spanning
    rows (a block label, 地市级及以上城市开展情况) wrap instead."""
    widths = [
        float(grid.column_widths[i]) if i < len(grid.column_widths) else DEFAULT_COLUMN_WIDTH
        for i in range(grid.columns)
    ]
    for cell in grid.cells:
        if cell.colspan == 1 and cell.rowspan == 1 and not cell.left:
            widths[cell.col] = max(widths[cell.col], min(text_width(cell.text), MAX_COLUMN_WIDTH))
    return widths


def row_points(grid: FormGrid, widths: list[float]) -> list[float]:
    """The height of each grid row in points: tall enough for the lines its cells wrap to (a
    cell spanning rows shares its lines among them), and at least the form's own height."""
    heights = [
        max(float(MIN_ROW_POINTS), grid.row_heights.get(row, 0) * POINTS_PER_CM) for row in range(grid.rows)
    ]
    for cell in sorted(grid.cells, key=lambda c: c.rowspan):
        width = sum(widths[cell.col : cell.col + cell.colspan])
        needed = wrapped_lines(cell.text, width) * LINE_POINTS + 8
        rows = range(cell.row, cell.row + cell.rowspan)
        have = sum(heights[r] for r in rows)
        if needed > have:
            for r in rows:
                heights[r] += (needed - have) / cell.rowspan
    return heights


def grid_to_xlsx(grid: FormGrid, sheet_title: str = "Sheet1") -> bytes:
    """The form as one sheet that prints as the notice's attachment: A4 (landscape where the form
    is), one page wide, a thin border on every cell of the grid (merged ones too), wrapped text
    in rows tall enough for it, the grid's header rows repeated on every page and page numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    widths = column_widths(grid)
    total = sum(widths)
    put(sheet.cell(1, 1), grid.title).font = Font(bold=True, size=16)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.columns)
    # A 16 pt character is about 16/11 of an 11 pt one.
    sheet.row_dimensions[1].height = wrapped_lines(grid.title, total * 11 / 16) * 22 + 10
    line = Alignment(horizontal="left", vertical="center", wrap_text=True)
    top = 2
    for text in grid.above:
        put(sheet.cell(top, 1), text).alignment = line
        sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=grid.columns)
        sheet.row_dimensions[top].height = wrapped_lines(text, total) * LINE_POINTS + 8
        top += 1
    for cell in grid.cells:
        value: int | str = int(cell.text) if cell.number and cell.text.isdigit() else cell.text
        target = put(sheet.cell(top + cell.row, cell.col + 1), value)
        target.alignment = Alignment(
            horizontal="left" if cell.left else "center",
            vertical="top" if cell.left else "center",
            wrap_text=True,
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
    # After the merges: openpyxl borders only the edges of a merged range from its first cell,
    # and LibreOffice and WPS draw each cell's own; so every cell of the grid gets the box.
    for row in range(grid.rows):
        for col in range(grid.columns):
            sheet.cell(top + row, col + 1).border = BOX
    for row, points in enumerate(row_points(grid, widths)):
        sheet.row_dimensions[top + row].height = round(points, 1)
    bottom = top + grid.rows + 1
    for text in grid.below:
        put(sheet.cell(bottom, 1), text).alignment = line
        sheet.merge_cells(start_row=bottom, start_column=1, end_row=bottom, end_column=grid.columns)
        sheet.row_dimensions[bottom].height = wrapped_lines(text, total) * LINE_POINTS + 8
        bottom += 1
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    titles = None
    if grid.header_rows is not None:
        titles = (top + grid.header_rows[0], top + grid.header_rows[1])
    print_setup(sheet, landscape=grid.landscape, title_rows=titles)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Word's fonts for Chinese: 宋体 for text, 黑体 for titles (SimSun and SimHei in Word and WPS; on
# a machine without them LibreOffice takes the CJK serif and sans it has, e.g. Noto CJK).
TEXT_FONT, TITLE_FONT = "宋体", "黑体"
A4_WIDTH, A4_HEIGHT = Cm(21.0), Cm(29.7)
DOCX_MIN_ROW_CM = 0.8


def east_asian_font(style_or_run, name: str, *, every_script: bool = False) -> None:
    """The font Word uses for the Chinese characters of a style or run (the Latin font is left as
    it is); ``every_script`` names it for Latin and digits too, so that nothing falls back to a
    Latin font (the notice, set wholly in 仿宋_GB2312)."""
    fonts = style_or_run.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    if every_script:
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attribute), name)
        fonts.set(qn("w:hint"), "eastAsia")


def east_asian_fonts(document: DocumentObject, name: str = TEXT_FONT) -> None:
    """``name`` as the Chinese font of every run of ``document`` (body and tables) that names
    none, so that no Chinese text falls back to a Latin font."""
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    for paragraph in paragraphs:
        for run in paragraph.runs:
            fonts = run.element.get_or_add_rPr().get_or_add_rFonts()
            if not fonts.get(qn("w:eastAsia")):
                fonts.set(qn("w:eastAsia"), name)


def a4_section(
    section: Section,
    *,
    landscape: bool = False,
    margins: tuple[float, float, float, float] = (2.5, 2.0, 2.5, 2.0),
) -> None:
    """``section`` as an A4 page (21.0 × 29.7 cm, the sides swapped for landscape) with
    ``margins`` in cm: top, right, bottom, left (as CSS reads them). Every Word file the system
    writes sets its page through this one function."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (A4_HEIGHT, A4_WIDTH) if landscape else (A4_WIDTH, A4_HEIGHT)
    section.page_width, section.page_height = width, height
    top, right, bottom, left = margins
    section.top_margin, section.right_margin = Cm(top), Cm(right)
    section.bottom_margin, section.left_margin = Cm(bottom), Cm(left)
    section.header_distance = section.footer_distance = Cm(1.5)


def add_field(paragraph, instruction: str, run_of: Callable[[str], Any]) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) at the end of ``paragraph``, its runs made by
    ``run_of(text)`` so that they carry the paragraph's font; "1" stands until Word or
    LibreOffice computes it."""
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = run_of("1" if kind == "result" else "")
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        elif kind != "result":
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)


def page_numbers(section: Section, *, font: str = TEXT_FONT, size: float = 9) -> None:
    """“第 1 页，共 2 页” centred in the footer of a form's pages, as its Excel version prints."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def run_of(text: str):
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        east_asian_font(run, font)
        return run

    run_of("第 ")
    add_field(paragraph, "PAGE", run_of)
    run_of(" 页，共 ")
    add_field(paragraph, "NUMPAGES", run_of)
    run_of(" 页")


def text_block_width(section: Section) -> int:
    """The width between the margins, in EMU."""
    return (
        int(section.page_width or A4_WIDTH) - int(section.left_margin or 0) - int(section.right_margin or 0)
    )


def repeat_as_header(row: _Row) -> None:
    """Word repeats the row at the top of every page the table runs onto (w:tblHeader)."""
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn("w:tblHeader")) is None:
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        properties.append(header)


# In Word, one of ``text_width``'s units (half a Chinese character of 10.5 pt, and the cell's
# padding) is about 0.2 cm.
DOCX_UNIT = Cm(0.2)


def docx_column_widths(grid: FormGrid, block: int) -> list[int]:
    """The columns' widths in EMU, adding up to ``block``: in the form's proportions, except
    that a column is never narrower than a header or figure in one of its cells needs (推荐序号
    on one line); the room it takes comes from the columns that have some to spare."""
    widths = column_widths(grid)
    share = [block * w / sum(widths) for w in widths]
    need = [0.0] * grid.columns
    for cell in grid.cells:
        if cell.colspan == 1 and cell.rowspan == 1 and not cell.left:
            wanted = min(text_width(cell.text), MAX_COLUMN_WIDTH) * DOCX_UNIT
            need[cell.col] = max(need[cell.col], wanted)
    if sum(need) >= block:
        return [int(w) for w in share]
    short = sum(max(n - w, 0) for n, w in zip(need, share, strict=True))
    spare = sum(max(w - n, 0) for n, w in zip(need, share, strict=True))
    return [
        int(n if n > w else w - short * (w - n) / spare if spare else w)
        for n, w in zip(need, share, strict=True)
    ]


def grid_to_docx(grid: FormGrid) -> bytes:
    """The form as a Word document: A4 (landscape where the form is), the title in 黑体, the text
    in 宋体, the grid as wide as the text block with the form's column proportions, and the
    grid's header rows repeated on every page."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)  # 五号, as the notices' forms
    east_asian_font(normal, TEXT_FONT)
    section = document.sections[0]
    a4_section(section, landscape=grid.landscape)
    page_numbers(section)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(clean_text(grid.title))
    run.bold = True
    run.font.size = Pt(16)  # 三号
    east_asian_font(run, TITLE_FONT)
    for line in grid.above:
        document.add_paragraph(clean_text(line))
    table = document.add_table(rows=grid.rows, cols=grid.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Whole twips (Word's unit), rounded down, so that the columns never add up past the block.
    emu = [Emu(int(w) // 635 * 635 - 635) for w in docx_column_widths(grid, text_block_width(section))]
    for col, width in enumerate(emu):
        table.columns[col].width = width
        for row in range(grid.rows):
            table.cell(row, col).width = width  # before the merges, which add the widths up
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        target.text = clean_text(cell.text)
        target.vertical_alignment = (
            WD_CELL_VERTICAL_ALIGNMENT.TOP if cell.left else WD_CELL_VERTICAL_ALIGNMENT.CENTER
        )
        for paragraph in target.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.left else WD_ALIGN_PARAGRAPH.CENTER
        paragraph = target.paragraphs[0]
        if cell.bold:
            for text_run in paragraph.runs:
                text_run.bold = True
    for row in range(grid.rows):  # at least a line and a half: room to write in by hand
        table.rows[row].height = Cm(max(DOCX_MIN_ROW_CM, grid.row_heights.get(row, 0)))
    if grid.header_rows is not None:
        # Word repeats only rows at the top of a table: from the first to the header's last.
        for row in range(grid.header_rows[1] + 1):
            repeat_as_header(table.rows[row])
    for line in grid.below:
        document.add_paragraph(clean_text(line)).paragraph_format.space_before = Pt(6)
    east_asian_fonts(document)
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
