"""How the public side hands out a poster image."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_cache_control


def png_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="image/png")
    # Shown in the browser (long-press to save or forward); named for whoever downloads it.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=300)
    return response
