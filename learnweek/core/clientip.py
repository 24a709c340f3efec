"""The client's network address: the one rule that the sign-in lock-out (django-axes), every rate
limit and the probes' loopback check use.

``PROXY_COUNT`` is how many reverse proxies stand before the app, each appending the address it
was reached from to ``CLIENT_IP_HEADER`` (X-Forwarded-For, as nginx's
``$proxy_add_x_forwarded_for`` does). The client is then the entry ``PROXY_COUNT`` places from the
right: whatever a client writes into the header itself stays to the left of it and is never read.
With ``PROXY_COUNT=0`` (the default: the app is reached directly) the header is ignored and the
address is the connection's own, ``REMOTE_ADDR``.

The header is split on commas and only that one entry is read, as a bare address (``ipaddress``);
anything else in it — a port, brackets, ``for=`` tokens, quotes — makes the entry unreadable and
the connection's own address counts. (python-ipware was tried first: its lenient parser let a
client's unclosed quote swallow the entry the proxy appended, so a forged address counted.)"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def forwarded(request: HttpRequest) -> bool:
    """Whether the request names a forwarded client at all (it came through a proxy)."""
    return bool(request.META.get(_meta_key(settings.CLIENT_IP_HEADER)))


def _address(entry: str) -> str | None:
    entry = entry.strip()
    if entry.startswith("[") and "]" in entry:  # [2001:db8::1]:443, as some proxies write IPv6
        entry = entry[1 : entry.index("]")]
    elif entry.count(":") == 1:  # 203.0.113.9:51234
        entry = entry.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(entry)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request``, as the trusted proxies saw it."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    entries = request.META.get(_meta_key(settings.CLIENT_IP_HEADER), "").split(",")
    if len(entries) < proxies:  # a request that skipped a proxy
        return remote
    return _address(entries[-proxies]) or remote


def client_network(request: HttpRequest) -> str:
    """The client's address as limits count it: an IPv4 address, or the /64 an IPv6 subscriber
    is given (its addresses are all one household). Used by axes and every rate limit."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
