"""Small checks of what people type that several domains share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_HTTP_URL = URLValidator(schemes=["http", "https"])


def is_http_url(value: str) -> bool:
    """An http(s) address, the only kind a link on our pages may point to (no javascript:)."""
    try:
        _HTTP_URL(value)
    except ValidationError:
        return False
    return True


def http_url_problem(value: object, label: str) -> str | None:
    """What is wrong with ``value`` as the link field ``label`` — ``线上链接“javascript:…”不是
    http(s) 网址`` — or None (empty is no problem here: whether the field is required is the
    caller's rule). ``label`` may be empty where the caller names the field itself. Services check
    every link they write with it, so the forms, the API and the imports refuse it alike."""
    text = str(value or "").strip()
    if not text or is_http_url(text):
        return None
    return f"{label}“{text[:60]}”不是 http(s) 网址"
