"""Per-client limits (django-ratelimit, counted in the cache) on what one client could otherwise
use up: text-message codes, sign-ups, the Chinese search and poster drawing. A client over its limit is refused
with ``RateLimited`` (HTTP 429 on every front door) and a message that says when to try again."""

from __future__ import annotations

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from learnweek.core.errors import DomainError

LIMITS = {
    "code": ("20/h", "本设备获取验证码过于频繁，请一小时后再试。"),
    "signup": ("30/h", "本设备报名过于频繁，请一小时后再试。"),
    "search": ("120/m", "搜索过于频繁，请稍候一分钟再试。"),
    "poster": ("60/m", "海报生成过于频繁，请稍候一分钟再试。"),
}


class RateLimited(DomainError):
    code = "rate_limited"


def limit(request: HttpRequest, what: str) -> None:
    """Count one ``what`` for the client of ``request``; refused past its limit."""
    rate, message = LIMITS[what]
    if is_ratelimited(request, group=f"learnweek.{what}", key="ip", rate=rate, increment=True):
        raise RateLimited(message)
