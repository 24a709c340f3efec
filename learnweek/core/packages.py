"""A package is a zip of named files a reviewer can open offline (a unit's materials, its
nomination forms). Every package is written here, so that all of them name their entries the
same way: the entries keep the order they are given in, folders are separated by ``/``, and a
name given twice gets `` (2)``, `` (3)`` … before its extension instead of a second entry of the
same name (which unzip tools overwrite or refuse).

A package for printing (``with_pdfs``) holds a PDF beside each Word or Excel file the system
wrote (``printable``), under the same name with ``.pdf``: one LibreOffice run converts them all
(``core.office``). What people uploaded is never handed to LibreOffice: it is packed as it came."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from learnweek.core import office
from learnweek.core.documents import Document


class PackageEntry(NamedTuple):
    """One file of a package: its path inside the zip and its bytes; ``printable`` for a Word or
    Excel file the system wrote (a package for printing gives it a PDF), never for an upload."""

    path: str
    content: bytes
    printable: bool = False


Entries = Iterable[PackageEntry | tuple[str, bytes]]


def _numbered(path: str, number: int) -> str:
    folder, slash, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    return f"{folder}{slash}{stem} ({number}){'.' + ext if ext else ''}"


def _unique(path: str, seen: set[str]) -> str:
    """``path`` made unique among ``seen`` (a repeated path gets its number), and added to it."""
    path = path.replace("\\", "/").lstrip("/")
    candidate, number = path, 1
    while candidate.casefold() in seen:
        number += 1
        candidate = _numbered(path, number)
    seen.add(candidate.casefold())
    return candidate


def zip_of(entries: Entries) -> bytes:
    """The zip (deflated) of ``entries``, named as the module says. Each entry is written as it
    comes, so a package of photos holds one photo's bytes at a time besides the zip."""
    seen: set[str] = set()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            archive.writestr(_unique(entry[0], seen), entry[1])
    return buffer.getvalue()


def _printable_format(entry: PackageEntry | tuple[str, bytes]) -> str | None:
    if not (isinstance(entry, PackageEntry) and entry.printable):
        return None
    fmt = entry.path.rpartition(".")[2].lower()
    return fmt if fmt in office.SOURCE_FORMATS else None


def with_pdfs(entries: Entries) -> Iterator[PackageEntry | tuple[str, bytes]]:
    """``entries`` as they come, then a PDF of each printable Word or Excel file among them, at
    its path with ``.pdf`` (the same folder and name, so it lies beside it), all converted in
    one LibreOffice run; a ``DomainError`` of ``core.office`` where they cannot be. Only the
    Word and Excel files are held until the end, not the photos."""
    if not office.available():
        raise office.OfficeMissing()  # before anything is read or written
    printable: list[tuple[str, bytes, str]] = []
    for entry in entries:
        fmt = _printable_format(entry)
        if fmt is not None:
            printable.append((entry[0], entry[1], fmt))
        yield entry
    pdfs = office.to_pdfs([(content, fmt) for _, content, fmt in printable])
    for (path, _, fmt), pdf in zip(printable, pdfs, strict=True):
        yield PackageEntry(path[: -len(fmt)] + "pdf", pdf)


class Package(Document):
    """A package as a document (``core.documents``): handed out like every other file, named
    ``filename``.zip. ``entries`` is asked for its files only when the zip is written."""

    formats = ("zip",)

    def __init__(
        self, filename: str, entries: Callable[[], Iterable[PackageEntry | tuple[str, bytes]]]
    ) -> None:
        self.filename = filename
        self._entries = entries

    def content(self, fmt: str) -> bytes:
        return zip_of(self._entries())
