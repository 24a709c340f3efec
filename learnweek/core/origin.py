"""Whether a POST comes from one of this site's own pages, by what the browser says of it.

For a form whose only effect is a display preference of the browser that sends it (长辈模式),
this replaces the CSRF token: the page that carries the form is then the same for every visitor
and can be served whole from the cache (learnweek/public/page_cache.py). Browsers of the last
years say where a request comes from in ``Sec-Fetch-Site`` and, for every cross-origin POST, in
``Origin``; a request that says it comes from elsewhere is refused, as Django's CSRF check would.
A very old browser that sends neither is let through: the most a forged request could do is
switch someone's display mode."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def from_elsewhere(request: HttpRequest) -> bool:
    """True when the browser says the request was sent by another site's page."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        # "none": typed or bookmarked; "same-site" is a sibling host, which is another origin.
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS
