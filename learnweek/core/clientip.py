"""The client's network address: the one rule that the sign-in lock-out (django-axes), every rate
limit and the probes' loopback check use.

``PROXY_COUNT`` is how many reverse proxies stand before the app, each appending the address it
was reached from to ``CLIENT_IP_HEADER`` (X-Forwarded-For, as nginx's
``$proxy_add_x_forwarded_for`` does). The client is then the entry ``PROXY_COUNT`` places from the
right: whatever a client writes into the header itself stays to the left of it and is never read.
With ``PROXY_COUNT=0`` (the default: the app is reached directly) the header is ignored and the
address is the connection's own, ``REMOTE_ADDR``. python-ipware parses the header (ports, IPv6
brackets, IPv4-mapped addresses, junk entries)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from python_ipware import IpWare


def _meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def forwarded(request: HttpRequest) -> bool:
    """Whether the request names a forwarded client at all (it came through a proxy)."""
    return bool(request.META.get(_meta_key(settings.CLIENT_IP_HEADER)))


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request``, as the trusted proxies saw it."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    # python-ipware counts the proxies listed in the header after the client; the nearest proxy
    # is REMOTE_ADDR, not in the header, so that is one fewer than PROXY_COUNT. Too short a chain
    # (a request that skipped a proxy) falls back to the connection's address.
    ipware = IpWare(precedence=(_meta_key(settings.CLIENT_IP_HEADER),), proxy_count=proxies - 1)
    ip, _trusted = ipware.get_client_ip(request.META, strict=False)
    return str(ip) if ip is not None else remote
