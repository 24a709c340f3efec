"""A package is a zip of named files a reviewer can open offline (a unit's materials, its
nomination forms). Every package is written here, so that all of them name their entries the
same way: the entries keep the order they are given in, folders are separated by ``/``, and a
name given twice gets `` (2)``, `` (3)`` … before its extension instead of a second entry of the
same name (which unzip tools overwrite or refuse)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from typing import NamedTuple

from learnweek.core.documents import Document


class PackageEntry(NamedTuple):
    """One file of a package: its path inside the zip and its bytes."""

    path: str
    content: bytes


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


def zip_of(entries: Iterable[PackageEntry | tuple[str, bytes]]) -> bytes:
    """The zip (deflated) of ``entries``, named as the module says. Each entry is written as it
    comes, so a package of photos holds one photo's bytes at a time besides the zip."""
    seen: set[str] = set()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in entries:
            archive.writestr(_unique(path, seen), content)
    return buffer.getvalue()


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
