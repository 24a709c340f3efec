"""Resident (public) accounts: signing in with a mobile number and a one-time code.

A resident is a ``User`` without a unit; the mobile number is the person (one registration per
person and activity keys on it). The first verified sign-in creates the account."""

from __future__ import annotations

import datetime
import hmac
import secrets
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from learnweek.accounts.models import OneTimeCode, User
from learnweek.accounts.services import api_token_create
from learnweek.core.errors import DomainError
from learnweek.core.phones import fold, normalise_mobile
from learnweek.core.sms import send_sms

CODE_TTL = datetime.timedelta(minutes=10)
RESEND_AFTER = datetime.timedelta(seconds=60)
MAX_CODES_PER_DAY = 10
MAX_ATTEMPTS = 5
NAME_MAX = 50


def _digest(phone: str, code: str) -> str:
    return salted_hmac("learnweek.otp", f"{phone}:{code}", algorithm="sha256").hexdigest()


def otp_send(*, phone: str, before_send: Callable[[], None] | None = None) -> str:
    """Send a sign-in code to ``phone``; returns the normalised number. Refused within a minute of
    the last code and after ten codes in a day, so nobody can flood a number. ``before_send`` runs
    once the number's own limits passed and before the code is made (the front doors count the
    device and the network there); if it raises, nothing is written or sent."""
    phone = normalise_mobile(phone)
    now = timezone.now()
    with transaction.atomic():
        recent = list(
            OneTimeCode.objects.select_for_update()
            .filter(phone=phone, created_at__gte=now - datetime.timedelta(days=1))
            .order_by("-created_at")
        )
        if recent and now - recent[0].created_at < RESEND_AFTER:
            wait = int((RESEND_AFTER - (now - recent[0].created_at)).total_seconds()) + 1
            raise DomainError(f"该手机号的验证码已发送，请 {wait} 秒后再试。", code="otp_too_soon")
        if len(recent) >= MAX_CODES_PER_DAY:
            raise DomainError(
                f"该手机号每天最多获取 {MAX_CODES_PER_DAY} 次验证码，今天已用完，请明天再试。",
                code="otp_daily_limit",
            )
        if before_send is not None:
            before_send()
        code = f"{secrets.randbelow(10**6):06d}"
        OneTimeCode.objects.create(
            phone=phone, digest=_digest(phone, code), created_at=now, expires_at=now + CODE_TTL
        )
        transaction.on_commit(
            lambda: send_sms(phone, f"【全民终身学习活动周】验证码 {code}，10 分钟内有效。请勿告诉他人。")
        )
    return phone


def _check_code(phone: str, code: str) -> None:
    now = timezone.now()
    wrong = DomainError("验证码不正确或已过期，请重新获取。", code="otp_invalid")
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if otp is None:
            raise wrong
        if otp.attempts >= MAX_ATTEMPTS:
            raise DomainError("验证码错误次数过多，请重新获取。", code="otp_locked")
        # A code typed in full-width digits (a Chinese input method) is the same code.
        if not hmac.compare_digest(otp.digest, _digest(phone, fold(code).strip())):
            # The failed try is counted even though the sign-in is refused.
            OneTimeCode.objects.filter(pk=otp.pk).update(attempts=otp.attempts + 1)
            ok = False
        else:
            OneTimeCode.objects.filter(pk=otp.pk).update(used_at=now)
            ok = True
    if not ok:
        raise wrong


def resident_sign_in(*, phone: str, code: str, full_name: str = "") -> User:
    """The resident of ``phone`` after checking its code; created on first sign-in. A staff
    account cannot be entered this way. Not one transaction on purpose: a wrong code's try is
    counted (committed) even though the sign-in is refused."""
    phone = normalise_mobile(phone)
    full_name = (full_name or "").strip()
    if len(full_name) > NAME_MAX:
        raise DomainError(f"姓名不能超过 {NAME_MAX} 个字。", code="name_too_long")
    _check_code(phone, code)
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
