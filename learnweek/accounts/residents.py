"""Resident (public) accounts: signing in with a mobile number and a one-time code.

A resident is a ``User`` without a unit; the mobile number is the person (one registration per
person and activity keys on it). The first verified sign-in creates the account."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from learnweek.accounts.codes import code_check, code_send
from learnweek.accounts.models import CodePurpose, User
from learnweek.accounts.services import api_token_create
from learnweek.core.errors import DomainError
from learnweek.core.phones import normalise_mobile

NAME_MAX = 50


def otp_send(*, phone: str, before_send: Callable[[], None] | None = None) -> str:
    """Send a sign-in code to ``phone`` (``accounts.codes.code_send``); the normalised number."""
    return code_send(phone=phone, purpose=CodePurpose.SIGN_IN, before_send=before_send)


def resident_sign_in(*, phone: str, code: str, full_name: str = "") -> User:
    """The resident of ``phone`` after checking its code; created on first sign-in. A staff
    account cannot be entered this way. Not one transaction on purpose: a wrong code's try is
    counted (committed) even though the sign-in is refused."""
    phone = normalise_mobile(phone)
    full_name = (full_name or "").strip()
    if len(full_name) > NAME_MAX:
        raise DomainError(f"姓名不能超过 {NAME_MAX} 个字。", code="name_too_long")
    code_check(phone=phone, code=code, purpose=CodePurpose.SIGN_IN)
    return _resident_for(phone, full_name)


@transaction.atomic
def _resident_for(phone: str, full_name: str) -> User:
    user = User.objects.select_for_update().filter(username=f"m{phone}").first()
    if user is None:
        user = User(username=f"m{phone}", phone=phone, full_name=full_name)
        user.set_unusable_password()
        user.save()
    elif user.unit_id is not None or user.is_superuser:
        raise DomainError("该号码属于工作人员账号，请用用户名和密码登录工作台。", code="staff_phone")
    elif full_name and full_name != user.full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    return user


def resident_token_issue(*, phone: str, code: str, full_name: str = "") -> str:
    """An API token for the resident of ``phone`` (see ``resident_sign_in``)."""
    user = resident_sign_in(phone=phone, code=code, full_name=full_name)
    return api_token_create(user=user)
