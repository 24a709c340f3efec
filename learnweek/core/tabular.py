"""Reading an uploaded or local table (CSV or xlsx) into rows keyed by header.

Excel on Chinese Windows saves CSV as GB18030 (GBK); both that and UTF-8 (with or without BOM)
are read. Row numbers are the ones the user sees in the spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from learnweek.core.errors import DomainError


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, {header: cell text})


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees (1.0 shows as 1)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(
        "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 xlsx 文件。", code="bad_encoding"
    )


def _from_matrix(matrix: list[list[str]]) -> Table:
    while matrix and not any(matrix[0]):
        matrix.pop(0)
    if not matrix:
        raise DomainError("文件是空的：第 1 行应为表头。", code="empty_file")
    headers = [h.strip() for h in matrix[0]]
    rows = []
    for index, values in enumerate(matrix[1:], start=2):
        if not any(values):
            continue
        padded = list(values) + [""] * (len(headers) - len(values))
        rows.append((index, {h: padded[i] for i, h in enumerate(headers) if h}))
    return Table(headers=headers, rows=rows)


def read_table(source: Path | BinaryIO, filename: str | None = None) -> Table:
    name = (filename or getattr(source, "name", "") or str(source)).lower()
    data = source.read_bytes() if isinstance(source, Path) else source.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
            raise DomainError("无法读取该 xlsx 文件，请确认它是 Excel 工作簿。", code="bad_file") from exc
        sheet = workbook.worksheets[0]
        matrix = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return _from_matrix(matrix)
    if name.endswith(".csv") or name.endswith(".txt"):
        text = _decode(data)
        return _from_matrix([[c.strip() for c in row] for row in csv.reader(io.StringIO(text))])
    raise DomainError("只支持 CSV 或 xlsx 文件。", code="bad_file_type")
