"""A package is a zip of named files a reviewer can open offline (a unit's materials, its
nomination forms). Every package is written here, so that all of them name their entries the
same way: the entries keep the order they are given in, folders are separated by ``/``, and a
name given twice gets `` (2)``, `` (3)`` … before its extension instead of a second entry of the
same name (which unzip tools overwrite or refuse)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import NamedTuple


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


def unique_paths(paths: Iterable[str]) -> list[str]:
    """``paths`` in their order, each made unique: a repeated path gets its number."""
    seen: set[str] = set()
    unique = []
    for path in paths:
        path = path.replace("\\", "/").lstrip("/")
        candidate, number = path, 1
        while candidate.casefold() in seen:
            number += 1
            candidate = _numbered(path, number)
        seen.add(candidate.casefold())
        unique.append(candidate)
    return unique


def zip_of(entries: Iterable[PackageEntry | tuple[str, bytes]]) -> bytes:
    """The zip (deflated) of ``entries``, named as the module says."""
    items = [PackageEntry(*entry) for entry in entries]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, item in zip(unique_paths(i.path for i in items), items, strict=True):
            archive.writestr(path, item.content)
    return buffer.getvalue()
