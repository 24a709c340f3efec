"""Files handed out by every front door: the documents we write (``download_document``, any
``core.documents.Document``; ``download`` for bytes already written, the packages' zips) and the
files people uploaded (``stored_file``).

An uploaded file is served as the format it was checked to be when it came in, read again from
its first bytes, never as what its uploader named it: a JPEG named ``x.js`` or ``x.html`` is
still ``image/jpeg``. Every such response also carries ``nosniff`` and a sandboxing
Content-Security-Policy, so that no browser runs anything a file holds, and originals, scans and
documents are attachments; only the copies we re-encoded ourselves (public photos, thumbnails)
are shown inline."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse

if TYPE_CHECKING:
    from learnweek.core.documents import Document

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"

# The formats an upload may have been checked to be (core.uploads), by their first bytes, with
# the extension a downloaded copy is given.
_STORED_FORMATS = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
    (b"PK\x03\x04", DOCX, "docx"),
)
# Nothing a served file holds may run, load or submit anything, wherever it is opened.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


def _disposition(kind: str, filename: str) -> str:
    return f"{kind}; filename*=UTF-8''{quote(filename)}"


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _disposition("attachment", filename)
    return response


def download_document(document: Document, fmt: str) -> HttpResponse:
    """``document`` in ``fmt`` as an attachment, under the name and content type it gives
    itself (a format it does not come in is not found)."""
    rendered = document.render(fmt)
    return download(rendered.content, rendered.filename, rendered.content_type)


def stored_format(head: bytes) -> tuple[str, str]:
    """(content type, extension) of a stored upload from its first bytes (a PDF may start after
    whitespace, as ``check_pdf`` accepts); anything else is opaque bytes to download."""
    for magic, content_type, extension in _STORED_FORMATS:
        if head.startswith(magic) or (extension == "pdf" and head.lstrip().startswith(magic)):
            return content_type, extension
    return "application/octet-stream", "bin"


def stored_name(name: str, head: bytes) -> str:
    """The name a stored upload is handed out under: the uploader's, with the extension of what
    its bytes are (a docx named ``x.hta`` is ``x.docx``)."""
    return _named(name, stored_format(head)[1])


def _named(name: str, extension: str) -> str:
    """The uploader's name with the extension of what the file is (``x.js`` → ``x.jpg``)."""
    stem, dot, ext = os.path.basename(name).rpartition(".")
    if not dot or not stem:
        stem = os.path.basename(name) or "file"
    return f"{stem}.{extension}"


def stored_file(field: FieldFile, *, name: str, inline: bool = False) -> FileResponse:
    """Serve an uploaded file as the format its content is. ``inline`` only for the copies the
    system re-encoded itself (public photos and thumbnails)."""
    handle = field.open("rb")
    head = handle.read(1024)
    handle.seek(0)
    content_type, extension = stored_format(head)
    response = FileResponse(handle, content_type=content_type)
    show = inline and content_type in ("image/jpeg", "image/png")
    response["Content-Disposition"] = _disposition(
        "inline" if show else "attachment", _named(name, extension)
    )
    response["Content-Security-Policy"] = FILE_CSP  # nosniff: SecurityMiddleware, on every response
    return response
