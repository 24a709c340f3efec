"""Handing out a document from a back-office page. A document that cannot be written — a PDF
LibreOffice could not make (not installed, too slow, too many at once) — is not a server error:
the official is sent back to the page the link was on, with the message saying why and that the
Word or Excel file can be printed instead."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from learnweek.core.documents import Document
from learnweek.core.downloads import download_document
from learnweek.core.errors import DomainError, NotFound


def send_document(
    request: HttpRequest,
    document: Document,
    fmt: str,
    *,
    back: str,
    written: Callable[[], object] | None = None,
) -> HttpResponse:
    """``document`` in ``fmt`` as an attachment; ``written`` is called once it is (the personal
    export log). Where it cannot be written, back to the page the request came from (``back``
    when that is not one of ours) with the reason; a format it does not come in stays a 404."""
    try:
        response = download_document(document, fmt)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        came_from = request.headers.get("referer", "")
        if came_from and url_has_allowed_host_and_scheme(
            came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(came_from)
        return redirect(back)
    if written is not None:
        written()
    return response
