"""Sign-in events into the audit log: Django's and django-axes' signals each call one recorder.
The receivers hold no rule of their own; what is recorded is decided in ``audit_record``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from learnweek.accounts.models import User
from learnweek.audit.actions import FAILURE
from learnweek.audit.services import audit_record


def _known(username: str) -> User | None:
    return User.objects.select_related("unit").filter(username__iexact=username).first() if username else None


def signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record("auth.sign_in", actor=user, request=request)


def signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        reason = getattr(request, "sign_out_reason", "")
        audit_record("auth.session_expired" if reason else "auth.sign_out", actor=user, request=request,
                     detail={"reason": reason} if reason else None)  # fmt: skip


def sign_in_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    account = _known(username)
    audit_record(
        "auth.sign_in_failed",
        outcome=FAILURE,
        actor_label=f"未登录（{username}）",
        target=account,
        target_label=username,
        unit=account.unit if account is not None else None,
        request=request,
        detail={"username": username, "known": account is not None},
    )


def locked_out(sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any) -> None:
    account = _known(username)
    audit_record(
        "auth.locked_out",
        outcome=FAILURE,
        actor_label=f"未登录（{username}）",
        target=account,
        target_label=username,
        unit=account.unit if account is not None else None,
        request=request,
        ip=ip_address or "",
        detail={"username": username},
    )


def connect() -> None:
    from axes.signals import user_locked_out

    auth_signals.user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    auth_signals.user_logged_out.connect(signed_out, dispatch_uid="audit.signed_out")
    auth_signals.user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
