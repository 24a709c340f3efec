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
