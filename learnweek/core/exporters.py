"""One exporter contract for official tables: a subclass yields the title, the header and the
rows; the base class writes them (xlsx with openpyxl). The same data never has two hand-written
renderings."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter


class ListExporter:
    filename = "export"

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
        sheet.append([self.title()])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(header), 1))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        for preamble_row in self.preamble():
            sheet.append(preamble_row)
        sheet.append(header)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        widths = [len(h) * 2 + 2 for h in header]
        for row in self.rows():
            values = list(row)
            sheet.append(values)
            for i, value in enumerate(values[: len(widths)]):
                widths[i] = min(max(widths[i], len(str(value or "")) * 2 + 2), 60)
        for line in self.footer():
            sheet.append([line])
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = f"A{header_row + 1}"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
