"""Per-client limits (django-ratelimit, counted in the cache) on what one client could otherwise
use up: text-message codes, sign-ups, the Chinese search and poster drawing. A client over its limit is refused
with ``RateLimited`` (HTTP 429 on every front door) and a message that says what was counted and
when to try again.

Each action is counted twice. First against one person: one device (``DEVICE_COOKIE``, a signed
random cookie the public pages hand out, when the client keeps it) or one resident (a signed-in
mobile number); a code is besides counted per mobile number in the database
(learnweek/accounts/residents.py). Then against one network address (learnweek/core/clientip.py;
an IPv6 client's /64), with a ceiling ten times higher: a community help desk, a school's computer
room or a carrier's shared address sends for many people at once and must not be refused for
one busy device.

While the counters cannot be read (the cache is down; learnweek/core/cache.py logs it), sending
text-message codes is refused with ``CountersUnavailable``: each message costs money, and without
the counters only the per-number limits would stand between a script and any number of numbers.
Everything else is let through: searches and posters are reads the database serves anyway, and a
sign-up is one per resident and activity, checked in the database."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage

from learnweek.core.clientip import client_network
from learnweek.core.errors import DomainError

# Counted first: (whose, rate, message). "device" is skipped for a client without the cookie,
# "resident" for one not signed in; the network's ceiling below still counts them.
FIRST = {
    "code": ("device", "30/h", "本设备获取验证码过于频繁（每小时最多 {n} 次），请一小时后再试。"),
    "signup": ("resident", "30/h", "该手机号报名过于频繁（每小时最多 {n} 次），请一小时后再试。"),
    "search": ("device", "120/m", "本设备搜索过于频繁（每分钟最多 {n} 次），请稍候一分钟再试。"),
    "poster": ("device", "60/m", "本设备生成海报过于频繁（每分钟最多 {n} 次），请稍候一分钟再试。"),
}
# Then the ceiling of one network address: (rate, message).
LIMITS = {
    "code": ("200/h", "您所在网络获取验证码过于频繁（每小时最多 {n} 次），请一小时后再试。"),
    "signup": ("300/h", "您所在网络报名过于频繁（每小时最多 {n} 次），请一小时后再试。"),
    "search": ("1200/m", "您所在网络搜索过于频繁（每分钟最多 {n} 次），请稍候一分钟再试。"),
    "poster": ("600/m", "您所在网络生成海报过于频繁（每分钟最多 {n} 次），请稍候一分钟再试。"),
}
# Refused while the counters cannot be read; every other action is let through.
WITHOUT_COUNTERS = {"code": "短信验证码服务暂时不可用，请稍后再试。"}

DEVICE_COOKIE = "lw_device"
DEVICE_SALT = "learnweek.device"
DEVICE_MAX_AGE = 2 * 365 * 24 * 3600  # seconds


class RateLimited(DomainError):
    code = "rate_limited"


class CountersUnavailable(DomainError):
    """The counters of a limit that must hold cannot be read (HTTP 503)."""

    code = "limits_unavailable"


def device_id(request: HttpRequest) -> str | None:
    """The device's id from its signed cookie; None without one, or with a forged one."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    return value or None


def remember_device(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Hands a client without a device cookie a new one with the page. On the public pages from
    which counted actions start (the finder, an activity, a region, signing in); never on a
    response shared caches keep (the posters)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if device_id(request) is None:
            device_cookie(response)
        return response

    return wrapper


def device_cookie(response: HttpResponse) -> None:
    """Gives the client a new device cookie of its own with ``response``."""
    response.set_signed_cookie(
        DEVICE_COOKIE,
        secrets.token_urlsafe(16),
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _network(request: HttpRequest) -> str:
    return f"net:{client_network(request)}"


def _whose(request: HttpRequest, scope: str) -> str | None:
    if scope == "device":
        device = device_id(request)
        return f"device:{device}" if device else None
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else None


def _count(request: HttpRequest, what: str, key: str, rate: str, message: str) -> None:
    usage = get_usage(
        request, group=f"learnweek.{what}", key=lambda _group, _request: key, rate=rate, increment=True
    )
    if usage is None:  # rate limits switched off
        return
    if usage["limit"] == 0:  # django-ratelimit's answer when its cache could not count
        if what in WITHOUT_COUNTERS:
            raise CountersUnavailable(WITHOUT_COUNTERS[what])
        return
    if usage["should_limit"]:
        raise RateLimited(message.format(n=usage["limit"]))


def limit(request: HttpRequest, what: str) -> None:
    """Count one ``what`` for the client of ``request``, first for the device or resident, then
    for its network; refused past either limit, by a message naming which."""
    scope, rate, message = FIRST[what]
    whose = _whose(request, scope)
    if whose is not None:
        _count(request, what, whose, rate, message)
    rate, message = LIMITS[what]
    _count(request, what, _network(request), rate, message)
