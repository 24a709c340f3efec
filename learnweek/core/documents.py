"""One contract for every file the system writes for someone to take away (after pretix's
``BaseExporter``): a ``Document`` knows the formats it comes in and, for each, its bytes, its
content type and the name the user gets. The web pages hand a document to
``core.downloads.download_document``, the command line and the packages ask ``render(fmt)``; no
caller picks a file name or a content type itself.

The documents: the tables of ``core.exporters.ListExporter`` (xlsx), the forms with merged cells
of ``core.grid.GridDocument`` (xlsx and docx: the statistics table, the 申报表 and 汇总表), the
Word drafts of ``core.drafts.Draft`` (the notice, the work summary) and the material's Word file
(``materials.documents.MaterialDocument``); a package (``core.packages.Package``) is a zip of
such files. What a document contains is its own module's
business; this module only says how it is handed out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from learnweek.core.downloads import DOCX, XLSX, ZIP
from learnweek.core.errors import NotFound

# The content type of each format a document may come in.
CONTENT_TYPES: dict[str, str] = {
    "xlsx": XLSX,
    "docx": DOCX,
    "pdf": "application/pdf",
    "zip": ZIP,
}


@dataclass(frozen=True)
class Rendered:
    """A document written in one format: what the response carries."""

    content: bytes
    content_type: str
    filename: str  # with the format's extension


class Document(ABC):
    """A file the system writes. ``formats`` are the formats it comes in (``"xlsx"``,
    ``"docx"``, ``"pdf"``), ``filename`` is the name the user gets without the extension (the
    Chinese name of the form, as the notices call it); ``content`` writes one format."""

    formats: tuple[str, ...] = ()
    filename: str = "export"

    @abstractmethod
    def content(self, fmt: str) -> bytes:
        """The document's bytes in ``fmt`` (one of ``formats``)."""

    def render(self, fmt: str) -> Rendered:
        """The document in ``fmt``; a format it does not come in is not found (a 404 on a page)."""
        if fmt not in self.formats:
            raise NotFound()
        return Rendered(self.content(fmt), CONTENT_TYPES[fmt], f"{self.filename}.{fmt}")
