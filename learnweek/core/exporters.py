"""Official tables as spreadsheets: a subclass of ``ListExporter`` yields the title, the header
and the rows; the base class writes them (xlsx with openpyxl) and hands them out as a
``core.documents.Document`` under the subclass's ``filename``. The same data never has two
hand-written renderings.

Every cell the system writes goes through ``put``: text people typed is stored as text, whatever
it starts with (``=``, ``+``, ``-``, ``@``, a tab), so no spreadsheet runs it as a formula, and a
character XML cannot hold (Word's Shift+Enter, pasted) cannot stop the file being written."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from learnweek.core.documents import Document
from learnweek.core.text import clean_text, looks_like_formula


def put(cell: Cell, value: Any) -> Cell:
    """Write ``value`` into ``cell``: numbers as numbers, any text as text (never a formula)."""
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would make a formula of a leading "="
        if looks_like_formula(text):
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    else:
        cell.value = value
    return cell


def put_row(sheet: Worksheet, values: Sequence[Any]) -> int:
    """Append ``values`` as the sheet's next row through ``put``; the row's number."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        put(sheet.cell(row, column), value)
    return row


class ListExporter(Document):
    formats = ("xlsx",)
    filename = "export"

    def content(self, fmt: str) -> bytes:
        return self.to_xlsx()

    def title(self) -> str:
        raise NotImplementedError

    def header(self) -> Sequence[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def preamble(self) -> list[list[Any]]:
        """Rows between the title and the header (the region row of an official form)."""
        return []

    def footer(self) -> Sequence[str]:
        return []

    # Wider columns wrap: a long 活动内容 makes a tall row rather than a sheet no page holds.
    MAX_WIDTH = 40

    def to_xlsx(self) -> bytes:
        """The table as officials print it: A4 (landscape past six columns), one page wide, the
        header row repeated on every page, a thin grid, wrapped text and page numbers."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Sheet1"
        header = list(self.header())
        span = max(len(header), 1)
        put(sheet.cell(1, 1), self.title())
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.row_dimensions[1].height = 30
        for preamble_row in self.preamble():
            at = put_row(sheet, preamble_row)
            if len(preamble_row) == 1:
                sheet.merge_cells(start_row=at, start_column=1, end_row=at, end_column=span)
        header_row = put_row(sheet, header)
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = GRID
        widths = [text_width(h) for h in header]
        limits = [max(self.MAX_WIDTH, w) for w in widths]  # a header never wraps
        wrap = Alignment(vertical="top", wrap_text=True)
        figure = Alignment(horizontal="center", vertical="top", wrap_text=True)  # 序号, 人数
        first = header_row + 1
        for row in self.rows():
            values = list(row)
            number = put_row(sheet, values)
            for i, value in enumerate(values[: len(widths)]):
                widths[i] = min(max(widths[i], text_width(value)), limits[i])
            for cell in sheet[number][:span]:
                number_like = isinstance(cell.value, int | float)
                cell.alignment, cell.border = (figure if number_like else wrap), GRID
        last = sheet.max_row
        # Each row as tall as the lines its longest cell wraps to: LibreOffice and WPS keep the
        # height a file gives and do not grow a row for wrapped text by themselves.
        for r in range(first, last + 1):
            lines = max(
                (wrapped_lines(c.value, widths[i]) for i, c in enumerate(sheet[r][: len(widths)])), default=1
            )
            if lines > 1:
                sheet.row_dimensions[r].height = lines * LINE_POINTS + 4
        for line in self.footer():
            at = put_row(sheet, [line])
            sheet.merge_cells(start_row=at, start_column=1, end_row=at, end_column=span)
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = f"A{header_row + 1}"
        print_setup(sheet, landscape=span > 6, title_rows=(header_row, header_row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


LINE_POINTS = 15  # one line of 11 pt text with its leading, in points

# Characters a CJK font sets full width: the CJK blocks and the quotes and dashes Chinese text
# uses (“”‘’—…, which a Chinese font draws as wide as a character).
WIDE_PUNCTUATION = frozenset("“”‘’—…·")


def text_width(value: Any) -> float:
    """The column width ``value`` needs (in Excel's units, about one Latin digit each): a Chinese
    character takes two, a Latin one a little more than one, and a margin either side. The width
    of the longest line where the text has several."""
    text = "" if value is None else str(value)
    return max(_line_width(line) for line in text.split("\n")) + 2


def _line_width(line: str) -> float:
    return sum(2 if ord(c) > 0x2E80 or c in WIDE_PUNCTUATION else 1.1 for c in line)


def wrapped_lines(value: Any, width: float) -> int:
    """How many lines ``value`` takes in a column ``width`` wide (``text_width``'s units) when
    it wraps: at least one."""
    text = "" if value is None else str(value)
    room = max(width - 2, 2.0)
    # LibreOffice sets 19 Chinese characters on a line of a column 40 wide: two units each.
    return sum(max(1, math.ceil(_line_width(line) / room)) for line in text.split("\n"))


THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CM = 1 / 2.54  # openpyxl's page margins are in inches


def print_setup(sheet: Worksheet, *, landscape: bool, title_rows: tuple[int, int] | None) -> None:
    """How every table the system writes prints: A4, portrait or landscape, one page wide and as
    many pages down as it needs, margins of 1.8 cm at the sides and 2 cm at the top and bottom,
    centred, ``title_rows`` (first and last, 1-based) repeated at the top of every page, and
    "第 1 页，共 2 页" in the footer. Only what WPS keeps: page setup, print titles, footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        left=1.8 * CM, right=1.8 * CM, top=2 * CM, bottom=2 * CM, header=0.8 * CM, footer=0.8 * CM
    )
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def plain_xlsx(rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1") -> bytes:
    """A sheet of ``rows`` from A1, the first one bold (a header row an import reads back, as in
    an import template), columns as wide as their text, every cell through ``put``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    widths: list[float] = []
    for values in rows:
        values = list(values)
        put_row(sheet, values)
        widths += [0.0] * (len(values) - len(widths))
        for i, value in enumerate(values):
            widths[i] = max(widths[i], text_width(value))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    print_setup(sheet, landscape=len(widths) > 5, title_rows=(1, 1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
