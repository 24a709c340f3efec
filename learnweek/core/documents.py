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
business; this module only says how it is handed out.

Every document written as Word or Excel also comes as PDF, for printing and sealing:
``render("pdf")`` converts its Word file (else its Excel file) with LibreOffice
(``core.office``). A form written both ways (the statistics table, the 推荐汇总表) is printed
from its Word file: rendered side by side, Writer spreads the table over the page's width, wraps
each cell within its column and prints in the form's 宋体, where Calc printed a narrow sheet in
a sans face, clipped the 汇总表's title at the edges of its two columns and cut the header
“社长（总编）荐书”活动 short."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from learnweek.core import office
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
    """A file the system writes. ``formats`` are the formats it is written in (``"xlsx"``,
    ``"docx"``), ``filename`` is the name the user gets without the extension (the Chinese name
    of the form, as the notices call it); ``content`` writes one format. One written as Word or
    Excel comes as ``"pdf"`` too (``pdf_source``)."""

    formats: tuple[str, ...] = ()
    filename: str = "export"

    @abstractmethod
    def content(self, fmt: str) -> bytes:
        """The document's bytes in ``fmt`` (one of ``formats``)."""

    def pdf_source(self) -> str | None:
        """The format its PDF is converted from; None for a document that has no PDF (a zip)."""
        return next((fmt for fmt in office.SOURCE_FORMATS if fmt in self.formats), None)

    def offers(self, fmt: str) -> bool:
        """Whether the document comes in ``fmt``."""
        return fmt in self.formats or (fmt == "pdf" and self.pdf_source() is not None)

    def render(self, fmt: str) -> Rendered:
        """The document in ``fmt``; a format it does not come in is not found (a 404 on a page).
        A PDF is converted by LibreOffice, which may refuse with a ``DomainError`` naming why
        (not installed, too slow, too many at once)."""
        if not self.offers(fmt):
            raise NotFound()
        if fmt == "pdf" and "pdf" not in self.formats:
            source = self.pdf_source()
            assert source is not None  # noqa: S101 - offers() said so
            content = office.to_pdf(self.content(source), source)
        else:
            content = self.content(fmt)
        return Rendered(content, CONTENT_TYPES[fmt], f"{self.filename}.{fmt}")
