"""Official tables as spreadsheets: a subclass of ``ListExporter`` yields the title, the header
and the rows; the base class writes them (xlsx with openpyxl) and hands them out as a
``core.documents.Document`` under the subclass's ``filename``. The same data never has two
hand-written renderings.

Every cell the system writes goes through ``put``: text people typed is stored as text, whatever
it starts with (``=``, ``+``, ``-``, ``@``, a tab), so no spreadsheet runs it as a formula, and a
character XML cannot hold (Word's Shift+Enter, pasted) cannot stop the file being written."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
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

    def to_xlsx(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Sheet1"
        header = list(self.header())
        put(sheet.cell(1, 1), self.title())
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(header), 1))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        for preamble_row in self.preamble():
            put_row(sheet, preamble_row)
        header_row = put_row(sheet, header)
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        widths = [len(h) * 2 + 2 for h in header]
        for row in self.rows():
            values = list(row)
            put_row(sheet, values)
            for i, value in enumerate(values[: len(widths)]):
                widths[i] = min(max(widths[i], len(str(value or "")) * 2 + 2), 60)
        for line in self.footer():
            put_row(sheet, [line])
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = f"A{header_row + 1}"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
