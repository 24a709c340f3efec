"""The answer to a sign-in refused by the lock-out (django-axes' ``AXES_LOCKOUT_CALLABLE``): the
lock-out page, or for the API a JSON error in its usual shape. Either way HTTP 429, and the message
says what was counted: this account's wrong passwords from this network address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def lockout_message() -> str:
    return (
        f"该账号在您所在网络连续输错密码次数过多（{settings.AXES_FAILURE_LIMIT} 次），"
        f"已暂停从这里登录 {settings.AXES_COOLOFF_TIME} 小时。"
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": lockout_message()}, status=429)
    until = f"{settings.AXES_COOLOFF_TIME} 小时"
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, {"message": lockout_message(), "until": until}, status=429
    )
