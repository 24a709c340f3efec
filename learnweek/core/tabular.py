"""Reading an uploaded or local spreadsheet (xlsx, xls, ods, and CSV where a caller takes it).

Every spreadsheet upload goes through ``open_sheet``, which refuses a file before reading it if it
is over ``SPREADSHEET_MAX_BYTES``, if an xlsx/ods inflates past ``SPREADSHEET_MAX_INFLATED_BYTES``
(a zip bomb), or if the used range of its first sheet (the last row and column holding a cell) is
over ``SPREADSHEET_MAX_ROWS`` rows or ``SPREADSHEET_MAX_COLUMNS`` columns. The range is measured
without building the sheet: python-calamine allocates the whole rectangle from A1 to the last cell
at once (32 bytes a cell), so one cell at XFD1048576 asks for 512 GiB and aborts the process, and
openpyxl's read-only mode pads every row to the sheet's width. So: an xlsx's ``<dimension>`` is
read first, then its sheet XML is streamed and stopped at the first cell past the caps (the
dimension is only a claim); an ods's content.xml is streamed the same way, counting repeated rows
and columns; an xls's cells are counted by xlrd; a CSV is streamed. Only then does python-calamine
read the sheet, one row at a time.

The sheet read is the workbook's first visible one: WPS and Excel templates often keep the values
of their drop-down lists on a hidden helper sheet, which may come first.

Pictures placed in cells are never read as text. WPS's 嵌入单元格图片 writes the cell as the formula
``_xlfn.DISPIMG("ID_…",1)`` with the cached text ``=DISPIMG("ID_…",1)``, and the picture in
``xl/cellimages.xml`` (namespace http://www.wps.cn/officeDocument/2017/etCustomData: one
``<etc:cellImage><xdr:pic>`` a picture, its ``<xdr:cNvPr name>`` the formula's ID, its
``<a:blip r:embed>`` a relationship of ``xl/_rels/cellimages.xml.rels`` to ``xl/media/…``), linked
from the workbook by a relationship of type http://www.wps.cn/officeDocument/2020/cellImage (older
WPS: …/2017/relationships/cellimage). Excel 365's 置于单元格内 (Place in cell) writes the cell as an
error ``<c t="e" vm="1"><v>#VALUE!</v></c>`` whose value metadata (``xl/metadata.xml``) points at
a rich value in ``xl/richData/`` holding the picture; ``=IMAGE(url)`` is the same with the formula
``_xlfn.IMAGE(…)``. Such a cell reads as a ``CellPicture`` (its text is empty); a WPS picture
carries its bytes, inflated within the same budget as every other part and checked by content
(``CellPicture.photo``) before anything uses it. cellimages.xml is read with the same refusals as
every part (no entity declarations) and its relationships must stay inside the file.

Excel on Chinese Windows saves CSV as GB18030 (GBK); both that and UTF-8 (with or without BOM)
are read. Row numbers are the ones the user sees in the spreadsheet.
"""

from __future__ import annotations

import copy
import csv
import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO
from xml.parsers import expat

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from learnweek.core.errors import DomainError
from learnweek.core.uploads import CheckedPhoto, check_photo

MB = 1024 * 1024
MAX_ZIP_ENTRIES = 5_000  # a workbook has a dozen parts, a few hundred with pictures
DIMENSION_WINDOW = 64 * 1024  # <dimension> comes right after <sheetPr> at the top of the sheet
CHUNK = MB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (BIFF in an OLE compound file)
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Namespaces, as expat joins them to a name: "namespace name".
SPREADSHEETML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships "
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships "
ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
# The workbook relationship to xl/cellimages.xml, as WPS has written it over the years (lower case).
WPS_CELL_IMAGES = {
    "http://www.wps.cn/officedocument/2020/cellimage",
    "http://www.wps.cn/officedocument/2017/relationships/cellimage",
}
EXCEL_RICH_VALUE_RELS = "xl/richData/_rels/richValueRel.xml.rels"  # Excel's in-cell pictures
MAX_FORMULA_CHARS = 8192  # Excel's limit; a longer <f> is not a DISPIMG call
DISPIMG = re.compile(r'=?\s*(?:_xlfn\.)?DISPIMG\(\s*"([^"]{1,200})"\s*(?:,[^)]*)?\)\s*', re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_inflated_bytes: int
    max_rows: int
    max_columns: int


def limits() -> Limits:
    return Limits(
        max_bytes=settings.SPREADSHEET_MAX_BYTES,
        max_inflated_bytes=settings.SPREADSHEET_MAX_INFLATED_BYTES,
        max_rows=settings.SPREADSHEET_MAX_ROWS,
        max_columns=settings.SPREADSHEET_MAX_COLUMNS,
    )


@dataclass(frozen=True)
class CellPicture:
    """A picture placed in a cell (WPS 嵌入单元格图片, Excel 置于单元格内): a cell value that is
    never text. ``content`` is the picture file as stored in the workbook (WPS), unchecked; None
    where the workbook does not hold it (Excel's rich values, an =IMAGE(url))."""

    cell: str  # "F3"
    source: str  # "wps" or "excel"
    image_id: str = ""  # the DISPIMG ID
    content: bytes | None = field(default=None, repr=False)

    def photo(self, *, min_long_side: int | None = None) -> CheckedPhoto:
        """The picture as a photo, checked by its content (``core.uploads.check_photo``)."""
        if not self.content:
            raise DomainError(f"{self.cell} 单元格的图片不在文件中，无法导入。", code="not_image")
        upload = io.BytesIO(self.content)
        upload.name = f"{self.cell}单元格图片"
        return check_photo(upload, min_long_side=min_long_side)


PICTURES_LISTED = 5
# A workbook with more pictures in cells than this is refused before it is read: no import has a
# place for them, and each one is an object held for the whole import.
MAX_CELL_PICTURES = 2_000
# The picture files kept from one workbook, all told; past it a picture's ``content`` is None.
MAX_KEPT_PICTURE_BYTES = 20 * MB
# How much of a column's header a message about its cells repeats (a header is typed text).
HEADER_SHOWN = 40


def pictures_sentence(cells: list[str], hint: str = "") -> str:
    """What an import says of the pictures in cells it has no place for (``cells``: 第3行「简介」)."""
    if not cells:
        return ""
    listed = "、".join(cells[:PICTURES_LISTED]) + ("等" if len(cells) > PICTURES_LISTED else "")
    return f"另有 {len(cells)} 个单元格是图片，未导入（{listed}）：图片不能作为文字导入。{hint}"


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees (1.0 shows as 1); a picture has none."""
    if isinstance(value, str):
        return value.strip()
    if value is None or isinstance(value, CellPicture):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def column_letters(number: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes | str) -> int:
    number = 0
    for char in letters.encode() if isinstance(letters, str) else letters:
        number = number * 26 + char - 64
    return number


# --- the sheet -------------------------------------------------------------------------------


@dataclass
class Sheet:
    """The first visible sheet of a checked upload; ``rows()`` may be called more than once."""

    filename: str
    _rows: Callable[[], Iterator[list[Any]]]
    # (row number, column index from 0) → the picture placed in that cell, found in the sheet XML
    pictures: dict[tuple[int, int], CellPicture] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict, repr=False)  # DISPIMG ID → picture file

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number as the spreadsheet shows it, raw cell values), empty rows included. A
        picture placed in a cell is a ``CellPicture``, never the text of its formula or error."""
        by_row: dict[int, list[tuple[int, CellPicture]]] = {}
        for (row, column), picture in self.pictures.items():
            by_row.setdefault(row, []).append((column, picture))
        try:
            for number, values in enumerate(self._rows(), start=1):
                if number in by_row:
                    values = list(values)
                    for column, picture in by_row[number]:
                        values += [""] * (column + 1 - len(values))
                        values[column] = picture
                for index, value in enumerate(values):
                    # A DISPIMG cell the XML scan did not see (a workbook without cellimages.xml)
                    if isinstance(value, str) and "DISPIMG" in value[:20].upper():
                        if match := DISPIMG.fullmatch(value):
                            values = list(values)
                            values[index] = CellPicture(
                                f"{column_letters(index + 1)}{number}",
                                "wps",
                                match[1],
                                self.images.get(match[1]),
                            )
                yield number, values
        except CalamineError as exc:
            raise _unreadable(self.filename) from exc


def _quoted(filename: str) -> str:
    return f"“{filename}”" if filename else ""


def _unreadable(filename: str, *, allow_csv: bool = False) -> DomainError:
    also = "，或 CSV 文件（UTF-8 或 GBK 编码）" if allow_csv else ""
    return DomainError(
        f"无法读取该文件{_quoted(filename)}：请上传 Excel 表格（.xlsx 或 .xls）或 WPS/LibreOffice 的 "
        f".ods 表格{also}。",
        code="bad_file",
    )


def _display_name(source: Path | IO[bytes], filename: str | None) -> str:
    name = filename or getattr(source, "name", "") or ""
    return Path(str(name)).name if name else ""


def open_sheet(source: Path | BinaryIO, filename: str | None = None, *, allow_csv: bool = False) -> Sheet:
    """Check an upload against the limits and open its first sheet. The format is told by the
    content (a renamed file reads as what it is); a CSV is taken only with ``allow_csv`` and a
    .csv/.txt name."""
    caps = limits()
    name = _display_name(source, filename)
    data = _read_capped(source, name, caps)
    checked = _Checked()
    if data.startswith(ZIP_MAGIC):
        checked = _check_zip(data, name, caps, allow_csv=allow_csv)
    elif data.startswith(OLE_MAGIC):
        checked = _check_xls(data, name, caps, allow_csv=allow_csv)
    elif allow_csv and name.lower().endswith((".csv", ".txt")):
        return _csv_sheet(data, name, caps)
    else:
        raise _unreadable(name, allow_csv=allow_csv)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        index = checked.index
        if index is None:  # an ods: the first table not hidden (content.xml counted them all)
            visible = [m.visible == SheetVisibleEnum.Visible for m in book.sheets_metadata]
            index = visible.index(True) if True in visible else 0
        sheet = book.get_sheet_by_index(index)
    except (CalamineError, IndexError, ValueError) as exc:
        raise _unreadable(name, allow_csv=allow_csv) from exc
    end_row, end_column = sheet.end or (0, 0)  # what calamine built, checked once more
    _check_extent(name, caps, end_row + 1, end_column + 1)
    return Sheet(name, sheet.iter_rows, pictures=checked.pictures, images=checked.images)


@dataclass
class _Checked:
    """What the checks found: the index of the sheet to read (None: choose among calamine's),
    the pictures placed in its cells and the WPS pictures' files by DISPIMG ID."""

    index: int | None = None
    pictures: dict[tuple[int, int], CellPicture] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)


def _read_capped(source: Path | BinaryIO, name: str, caps: Limits) -> bytes:
    if isinstance(source, Path):
        with source.open("rb") as handle:
            data = handle.read(caps.max_bytes + 1)
    else:
        data = source.read(caps.max_bytes + 1)
    if len(data) > caps.max_bytes:
        raise DomainError(
            f"文件{_quoted(name)}超过 {caps.max_bytes // MB} MB，请拆分后分批导入。", code="file_too_large"
        )
    return data


# --- the caps --------------------------------------------------------------------------------


def _check_extent(name: str, caps: Limits, rows: int, columns: int, cell: str = "") -> None:
    """Refuse a used range of ``rows`` × ``columns`` over the caps; ``cell`` is where it ends."""
    found, limit = [], []
    if rows > caps.max_rows:
        found.append(f"{rows:,} 行")
        limit.append(f"{caps.max_rows:,} 行")
    if columns > caps.max_columns:
        found.append(f"{columns:,} 列")
        limit.append(f"{caps.max_columns:,} 列")
    if found:
        where = f"（用到了 {cell} 单元格）" if cell else ""
        raise DomainError(
            f"文件{_quoted(name)}的表格有 {'、'.join(found)}{where}，超过 {'、'.join(limit)}的上限。"
            "请删去多余的行列（包括看不见内容、只设了格式的单元格）后再上传，或拆成几个文件分批导入。",
            code="sheet_too_large",
        )


# --- CSV -------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(
        "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 xlsx 文件。", code="bad_encoding"
    )


def _csv_sheet(data: bytes, name: str, caps: Limits) -> Sheet:
    text = _decode(data)

    def rows() -> Iterator[list[Any]]:
        try:
            yield from csv.reader(io.StringIO(text))
        except csv.Error as exc:  # a field over csv's 128 KB, a NUL byte
            raise _unreadable(name, allow_csv=True) from exc

    widest = 0
    for number, values in enumerate(rows(), start=1):
        width = len(values)
        while width and not values[width - 1].strip():
            width -= 1
        widest = max(widest, width)
        if number > caps.max_rows or widest > caps.max_columns:
            _check_extent(name, caps, number, widest)
    return Sheet(name, rows)


# --- xlsx and ods: a zip -----------------------------------------------------------------------


def _check_zip(data: bytes, name: str, caps: Limits, *, allow_csv: bool) -> _Checked:
    unreadable = _unreadable(name, allow_csv=allow_csv)
    entries = _zip_entry_count(data)
    if entries is None or entries > MAX_ZIP_ENTRIES:
        raise unreadable  # zipfile would build a ZipInfo for each of a few hundred thousand
    checked = _Checked()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > caps.max_inflated_bytes:
            raise _inflates_too_far(name, caps)
        names = {info.filename for info in infos}
        budget = _Budget(caps, name)
        done: set[str] = set()
        media: dict[str, list[str]] = {}  # picture part → the DISPIMG IDs showing it
        kept_bytes = 0
        if "xl/workbook.xml" in names:
            workbook = _workbook(archive)
            checked.index, part = workbook.first_visible()
            try:
                pictures_part = workbook.cell_images(names)
            except _HostilePictures as exc:
                raise _hostile_pictures(name, "xl/cellimages.xml", exc.reason) from exc
            if pictures_part:
                media = _cell_images(archive, pictures_part, names, name, budget, done)
            excel_pictures = EXCEL_RICH_VALUE_RELS in names
            collect = checked.pictures if (pictures_part or excel_pictures) else None
            _check_xlsx_sheet(archive, archive.getinfo(part), name, caps, budget, collect, excel_pictures)
        elif "content.xml" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
            part = "content.xml"
            _check_ods(_inflate(archive, archive.getinfo(part), budget), name, caps)
        else:
            raise unreadable  # a docx, an xlsb, a plain zip
        done.add(part)
        for info in infos:  # the other parts: calamine reads the shared strings and styles whole
            if info.filename in done:
                continue
            kept: list[bytes] | None = [] if info.filename in media else None
            for chunk in _inflate(archive, info, budget):
                if kept is not None:
                    kept.append(chunk)
            if kept is not None and kept_bytes + info.file_size <= MAX_KEPT_PICTURE_BYTES:
                content = b"".join(kept)
                kept_bytes += len(content)
                checked.images.update(dict.fromkeys(media[info.filename], content))
    except DomainError:
        raise
    except (
        zipfile.BadZipFile,
        KeyError,
        expat.ExpatError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as exc:
        # damaged, an unknown compression method, encrypted, malformed XML
        raise unreadable from exc
    for key, picture in list(checked.pictures.items()):
        if picture.source == "wps":
            checked.pictures[key] = CellPicture(
                picture.cell, "wps", picture.image_id, checked.images.get(picture.image_id)
            )
    return checked


def _zip_entry_count(data: bytes) -> int | None:
    """The entry count in the zip's end record, read before zipfile parses the whole directory."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, end + 10)
    return count if count != 0xFFFF else None  # zip64: no workbook needs it under 20 MB


def _inflates_too_far(name: str, caps: Limits) -> DomainError:
    return DomainError(
        f"文件{_quoted(name)}解压后超过 {caps.max_inflated_bytes // MB} MB 的上限，未读取。",
        code="file_too_large",
    )


class _Budget:
    """What is left of SPREADSHEET_MAX_INFLATED_BYTES as the parts are inflated."""

    def __init__(self, caps: Limits, filename: str) -> None:
        self.left, self.caps, self.filename = caps.max_inflated_bytes, caps, filename


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    """A part, inflated chunk by chunk and counted: the sizes in the zip's directory are only
    claims, and calamine's zip reader inflates past a size that lies."""
    probe = copy.copy(info)
    probe.file_size = budget.left + 1  # let zipfile read on past the claimed size, to see it
    size = 0
    with archive.open(probe) as part:
        while chunk := part.read(CHUNK):
            size += len(chunk)
            if size > budget.left:
                raise _inflates_too_far(budget.filename, budget.caps)
            yield chunk
    if size != info.file_size:
        raise zipfile.BadZipFile(f"{info.filename}: {size} bytes, not {info.file_size}")
    budget.left -= size


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A small part read before its size is checked (zipfile stops at the size claimed)."""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            yield chunk


def _no_entities(*_: object) -> int:
    raise ValueError("entity declarations are not read")


def _stream_xml(
    chunks: Iterable[bytes],
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream an XML part through expat, calling ``start(name, attributes)`` and ``end(name)``
    for each element (names are "namespace name"); nothing is kept, so the memory is the same
    for any size. Entity declarations are refused, as defusedxml refuses them (a billion-laughs
    file), and no external entity is fetched."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.EntityDeclHandler = _no_entities
    parser.UnparsedEntityDeclHandler = _no_entities
    parser.ExternalEntityRefHandler = _no_entities
    for chunk in chunks:
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


@dataclass
class _Workbook:
    sheets: list[tuple[str, str]]  # (relationship id, state) in the workbook's order
    relationships: dict[str, tuple[str, str, str]]  # id → (type, target, target mode)

    def first_visible(self) -> tuple[int, str]:
        """The index (as calamine counts) and part of the first sheet not hidden: a template's
        drop-down values are often kept on a hidden sheet, which may come first."""
        for index, (rid, state) in enumerate(self.sheets):
            if state not in ("hidden", "veryHidden"):
                return index, self.part(rid)
        raise KeyError("no visible sheet")

    def part(self, rid: str) -> str:
        _, target, mode = self.relationships.get(rid, ("", "", ""))
        resolved = _resolve("xl", target, mode)
        if not resolved:
            raise KeyError(f"sheet {rid}")
        return resolved

    def cell_images(self, names: set[str]) -> str:
        """The part holding WPS's cell pictures, "" when there is none."""
        for kind, target, mode in self.relationships.values():
            if kind.lower() in WPS_CELL_IMAGES:
                resolved = _resolve("xl", target, mode)
                if resolved is None:
                    raise _HostilePictures(f"指向文件之外的位置（{target[:80]}）")
                if resolved in names:
                    return resolved
        return "xl/cellimages.xml" if "xl/cellimages.xml" in names else ""


def _resolve(base: str, target: str, mode: str = "") -> str | None:
    """A relationship's target as a part name inside the zip; None when it points elsewhere (an
    external target, a URL, a path climbing out with ../). WPS writes absolute part names
    (``/xl/worksheets/sheet1.xml``), Excel relative ones."""
    if mode.lower() == "external" or ":" in target or "\\" in target:
        return None
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
    path = posixpath.normpath(path) if path else ""
    if not path or path == "." or path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


def _workbook(archive: zipfile.ZipFile) -> _Workbook:
    sheets: list[tuple[str, str]] = []

    def sheet(name: str, attributes: dict[str, str]) -> None:
        if name == f"{SPREADSHEETML}sheet":
            sheets.append((attributes.get(f"{RELATIONSHIPS}id", ""), attributes.get("state", "visible")))

    _stream_xml(_chunks(archive, "xl/workbook.xml"), sheet)
    return _Workbook(sheets, _relationships(_chunks(archive, "xl/_rels/workbook.xml.rels")))


def _relationships(chunks: Iterable[bytes]) -> dict[str, tuple[str, str, str]]:
    found: dict[str, tuple[str, str, str]] = {}

    def relationship(name: str, attributes: dict[str, str]) -> None:
        if name == f"{PACKAGE_RELATIONSHIPS}Relationship":
            found[attributes.get("Id", "")] = (
                attributes.get("Type", ""),
                attributes.get("Target", ""),
                attributes.get("TargetMode", ""),
            )

    _stream_xml(chunks, relationship)
    return found


class _HostilePictures(Exception):
    """cellimages.xml or its relationships are not what WPS writes."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _hostile_pictures(filename: str, part: str, reason: str) -> DomainError:
    return DomainError(
        f"文件{_quoted(filename)}中的单元格图片（{part}）{reason}，未读取，没有导入任何内容。"
        "请在 WPS 中删去单元格图片（或改为浮动图片）后另存，再上传。",
        code="bad_cell_images",
    )


def _cell_images(
    archive: zipfile.ZipFile, part: str, names: set[str], filename: str, budget: _Budget, done: set[str]
) -> dict[str, list[str]]:
    """WPS's cell pictures: picture part → the DISPIMG IDs showing it. cellimages.xml and its relationships are
    inflated within the budget and parsed without entities; every picture must be a part of
    this file (no URL, no ../ out of it)."""
    rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    embeds: dict[str, str] = {}  # relationship id → DISPIMG ID
    current = {"id": "", "embed": ""}

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition(" ")[2]
        if local == "cellImage":
            current["id"] = current["embed"] = ""
        elif local == "cNvPr" and not current["id"]:
            current["id"] = attributes.get("name", "")[:200]
        elif local == "blip":
            current["embed"] = attributes.get(f"{RELATIONSHIPS}embed", "")

    def end(tag: str) -> None:
        if tag.rpartition(" ")[2] == "cellImage" and current["id"] and current["embed"]:
            embeds.setdefault(current["embed"], current["id"])

    try:
        _stream_xml(_inflate(archive, archive.getinfo(part), budget), start, end)
        done.add(part)
        relationships: dict[str, tuple[str, str, str]] = {}
        if rels_part in names:
            relationships = _relationships(_inflate(archive, archive.getinfo(rels_part), budget))
            done.add(rels_part)
    except ValueError as exc:  # an entity declaration: a billion-laughs file
        raise _hostile_pictures(filename, part, "含有实体声明（可能是恶意构造的文件）") from exc
    except expat.ExpatError as exc:
        raise _hostile_pictures(filename, part, "已损坏，无法读取") from exc
    media: dict[str, list[str]] = {}
    for rid, image_id in embeds.items():
        _, target, mode = relationships.get(rid, ("", "", ""))
        if not target:
            raise _hostile_pictures(filename, part, f"引用的图片 {rid[:40]} 在文件中没有登记")
        resolved = _resolve(posixpath.dirname(part), target, mode)
        if resolved is None:
            raise _hostile_pictures(filename, part, f"指向文件之外的位置（{target[:80]}）")
        if resolved not in names:
            raise _hostile_pictures(filename, part, f"引用的图片 {target[:80]} 在文件中不存在")
        media.setdefault(resolved, []).append(image_id)
    return media


# The sheet XML is first scanned with regexes, not parsed, for speed (expat takes seconds on the
# 100,000 rows of the import benchmark): that holds for sheets written the way Excel, WPS,
# LibreOffice and openpyxl write them, every <c> and <row> opening with r="..." and no namespace
# prefix. Anything else (a cell without r, a prefix, r not first) sends the sheet to the exact
# count with expat, which places cells as calamine does.
_REF = re.compile(r"\$?([A-Z]{1,4})\$?(\d{1,9})")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\sref\s*=\s*[\"']([^\"']*)[\"']")
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")


class _NotPlain(Exception):
    """The sheet is not written the plain way the byte scan reads."""


def _check_xlsx_sheet(
    archive: zipfile.ZipFile,
    part: zipfile.ZipInfo,
    name: str,
    caps: Limits,
    budget: _Budget,
    pictures: dict[tuple[int, int], CellPicture] | None = None,
    excel_pictures: bool = False,
) -> None:
    """The sheet's used range against the caps. A workbook holding cell pictures (``pictures``
    given) is read by the exact scan alone, which also finds the cells showing a picture."""
    with archive.open(part) as sheet:
        head = sheet.read(DIMENSION_WINDOW)
    dimension = _DIMENSION.search(head)
    last = _REF.fullmatch(dimension[1].rpartition(b":")[2].decode("latin-1")) if dimension else None
    if last:  # only a claim, but one that lets a 1,048,576-row sheet be refused at once
        _check_extent(name, caps, int(last[2]), _column_number(last[1]), last[1] + last[2])
    if pictures is not None:
        _scan_sheet_exactly(_inflate(archive, part, budget), name, caps, pictures, excel_pictures)
        return
    left = budget.left
    try:
        _scan_plain_sheet(_inflate(archive, part, budget), name, caps)
    except _NotPlain:
        budget.left = left
        _scan_sheet_exactly(_inflate(archive, part, budget), name, caps)


def _scan_plain_sheet(chunks: Iterable[bytes], name: str, caps: Limits) -> None:
    """One regex pass a chunk finds every <c> and <row> that is not a plain reference within the
    caps (``<c r="B12"``, ``<row r="12"``); only those few are looked at. A prefixed <x:c> or <x:row> anywhere, or one of
    the found tags not plain, and the sheet goes to the exact count."""
    near_column = _up_to(column_letters(caps.max_columns), letters=True)
    near_row = _up_to(str(caps.max_rows), letters=False)
    unusual = re.compile(rb'<(?:c(?! r="%s%s")|row(?! r="%s"))[\s/>]' % (near_column, near_row, near_row))
    cell_ref, row_ref = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"'), re.compile(rb'<row r="(\d{1,7})"')
    tail = b""
    for chunk in _then_empty(chunks):
        buffer = tail + chunk
        if chunk:  # hold back the last tag, which may go on in the next chunk
            cut = buffer.rfind(b"<")
            buffer, tail = buffer[:cut], buffer[cut:]
        if _PREFIXED.search(buffer):
            raise _NotPlain
        for match in unusual.finditer(buffer):
            if buffer.startswith(b"<c", match.start()):
                ref = cell_ref.match(buffer, match.start())
                if ref is None:
                    raise _NotPlain
                _check_extent(name, caps, int(ref[2]), _column_number(ref[1]), (ref[1] + ref[2]).decode())
            else:
                ref = row_ref.match(buffer, match.start())
                if ref is None:
                    raise _NotPlain
                _check_extent(name, caps, int(ref[1]), 0)


def _then_empty(chunks: Iterable[bytes]) -> Iterator[bytes]:
    yield from chunks
    yield b""  # the held-back tail is scanned last


def _up_to(cap: str, *, letters: bool) -> bytes:
    """A regex for the references from 1 to ``cap`` ("200000", or "AX" for the column), so that
    the scan can skip them all: shorter ones, then those of the same length below the cap,
    place by place, then the cap itself."""
    first, least = ("A", "A") if letters else ("1", "0")
    any_char = "[A-Z]" if letters else r"\d"
    parts = [f"{any_char}{{1,{len(cap) - 1}}}"] if len(cap) > 1 else []
    for place, char in enumerate(cap):
        low = first if place == 0 else least
        if char > low:
            rest = len(cap) - place - 1
            parts.append(
                f"{cap[:place]}[{low}-{chr(ord(char) - 1)}]" + (f"{any_char}{{{rest}}}" if rest else "")
            )
    parts.append(cap)
    return ("(?:" + "|".join(parts) + ")").encode()


def _scan_sheet_exactly(
    chunks: Iterable[bytes],
    name: str,
    caps: Limits,
    pictures: dict[tuple[int, int], CellPicture] | None = None,
    excel_pictures: bool = False,
) -> None:
    """Every <row> and <c>, placed as calamine places them: by r, else after the previous one.
    With ``pictures``, each cell whose formula is a DISPIMG call (WPS) or, with
    ``excel_pictures``, whose value is a rich value (``vm``, Excel's in-cell picture) or an
    =IMAGE() is recorded there."""
    row = column = cell_row = 0
    in_cell = in_formula = False
    rich = False
    formula: list[str] = []
    length = 0

    def text(data: str) -> None:
        nonlocal length
        if in_formula and length < MAX_FORMULA_CHARS:
            formula.append(data)
            length += len(data)

    def end(tag: str) -> None:
        nonlocal in_cell, in_formula
        local = tag.rpartition(" ")[2]
        if local == "f":
            in_formula = False
        elif local == "c" and in_cell and pictures is not None:
            in_cell = False
            written = "".join(formula)
            ref = f"{column_letters(column)}{cell_row}"
            if match := DISPIMG.fullmatch(written):
                picture = CellPicture(ref, "wps", match[1])
            elif excel_pictures and (rich or written.lstrip().upper().startswith("_XLFN.IMAGE(")):
                picture = CellPicture(ref, "excel")
            else:
                return
            if len(pictures) >= MAX_CELL_PICTURES:
                raise _hostile_pictures(name, "xl/cellimages.xml", f"超过 {MAX_CELL_PICTURES} 张")
            pictures[(cell_row, column - 1)] = picture

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal row, column, cell_row, in_cell, in_formula, rich, length
        local = tag.rpartition(" ")[2]
        if local == "f" and in_cell:
            in_formula = True
            return
        if local == "c":
            in_cell, rich, length, cell_row = True, bool(attributes.get("vm")), 0, row
            formula.clear()
        if local == "row":
            reference = attributes.get("r", "")
            row = int(reference) if reference.isdigit() else row + 1
            column = 0
            if row > caps.max_rows:
                _check_extent(name, caps, row, 0)
        elif local == "c":
            reference = attributes.get("r", "")
            if not reference:
                column += 1
                _check_extent(name, caps, row, column, f"{column_letters(column)}{row}")
                return
            match = _REF.fullmatch(reference.strip())
            if match is None:
                raise DomainError(
                    f"文件{_quoted(name)}中有无法识别的单元格位置“{reference[:20]}”。", code="bad_file"
                )
            column = _column_number(match[1])
            cell_row = int(match[2])
            _check_extent(name, caps, max(row, cell_row), column, reference)

    if pictures is None:
        _stream_xml(chunks, start)
    else:
        _stream_xml(chunks, start, end, text)


def _check_ods(content: Iterable[bytes], name: str, caps: Limits) -> None:
    """content.xml, every table in it (calamine reads them all on opening). A row or cell
    repeated N times counts N times, and the used range ends at the last cell holding something:
    LibreOffice ends each sheet with a million repeated empty rows, which calamine drops."""
    table, row_tag = f"{ODF_TABLE}table", f"{ODF_TABLE}table-row"
    cells = {f"{ODF_TABLE}table-cell", f"{ODF_TABLE}covered-table-cell"}
    rows_repeated, columns_repeated = (
        f"{ODF_TABLE}number-rows-repeated",
        f"{ODF_TABLE}number-columns-repeated",
    )
    holds_value = (f"{ODF_OFFICE}value-type", f"{ODF_TABLE}formula")
    above = repeat = column = 0  # rows above this one in its table; how often this row repeats
    depth, filled = 0, False  # how deep inside a cell; whether the cell holds anything

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal above, repeat, column, depth, filled
        if depth:
            depth += 1
            filled = True  # a paragraph, a note, a nested table
        elif tag in cells:
            column += _count(attributes.get(columns_repeated))
            depth, filled = 1, any(attributes.get(a) for a in holds_value)
        elif tag == row_tag:
            repeat, column = _count(attributes.get(rows_repeated)), 0
        elif tag == table:
            above = repeat = 0

    def end(tag: str) -> None:
        nonlocal above, depth
        if depth:
            depth -= 1
            if not depth and filled:  # this row reaches at least this cell
                _check_extent(name, caps, above + repeat, column)
        elif tag == row_tag:
            above += repeat

    _stream_xml(content, start, end)


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1


# --- xls -------------------------------------------------------------------------------------


def _check_xls(data: bytes, name: str, caps: Limits, *, allow_csv: bool) -> _Checked:
    """xlrd keeps only the cells there are (calamine allocates 256 × 65,536 of them for one at
    IV65536); it reads the first visible sheet's value cells, which are what calamine's range
    spans."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=io.StringIO())
        shown = [i for i, hidden in enumerate(getattr(book, "_sheet_visibility", [])) if not hidden]
        index = shown[0] if shown else 0
        sheet = book.sheet_by_index(index)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError... on damage
        raise _unreadable(name, allow_csv=allow_csv) from exc
    _check_extent(name, caps, sheet.nrows, sheet.ncols)
    return _Checked(index=index)


# --- a table keyed by its header ------------------------------------------------------------


@dataclass
class ImportTable:
    """An uploaded table keyed by its header row (institutions, books): what ``read_table`` gives."""

    headers: list[str]
    rows: TableRows  # (spreadsheet row number, {header: cell text}), read again on each pass


class TableRows:
    def __init__(self, sheet: Sheet, header_row: int, headers: list[str]) -> None:
        self._sheet, self._header_row, self._headers = sheet, header_row, headers

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        headers = self._headers
        for number, values in self._sheet.rows():
            if number <= self._header_row:
                continue
            texts = [cell_text(v) for v in values]
            if not any(texts):
                continue
            texts += [""] * (len(headers) - len(texts))
            yield number, {h: texts[i] for i, h in enumerate(headers) if h}

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None

    def pictures(self) -> list[str]:
        """The cells below the header that hold a picture, as 第3行「简介」: they read as empty."""
        found = []
        for number, values in self._sheet.rows():
            if number > self._header_row:
                for index, value in enumerate(values):
                    if isinstance(value, CellPicture):
                        header = self._headers[index][:HEADER_SHOWN] if index < len(self._headers) else ""
                        found.append(f"第{number}行「{header or column_letters(index + 1) + '列'}」")
        return found


def read_table(source: Path | BinaryIO, filename: str | None = None) -> ImportTable:
    """A CSV or spreadsheet whose first non-empty row is the header."""
    sheet = open_sheet(source, filename, allow_csv=True)
    for number, values in sheet.rows():
        headers = [cell_text(v) for v in values]
        if any(headers):
            return ImportTable(headers=headers, rows=TableRows(sheet, number, headers))
    raise DomainError("文件是空的：第 1 行应为表头。", code="empty_file")
