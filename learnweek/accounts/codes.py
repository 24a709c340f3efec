"""One-time codes sent by text message, for one purpose each (``CodePurpose``): a resident's
sign-in, a staff account's activation or password reset, a nominee's consent to publication.

A number gets at most one code a minute and ten a day per purpose; a code lives ten minutes,
allows five tries and is used once; only a keyed digest is stored. Every purpose answers a wrong
or expired code with the same words and the same limits."""

from __future__ import annotations

import datetime
import hmac
import secrets
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from learnweek.accounts.models import CodePurpose, OneTimeCode
from learnweek.core.errors import DomainError
from learnweek.core.phones import fold, normalise_mobile
from learnweek.core.sms import send_template

CODE_TTL = datetime.timedelta(minutes=10)
RESEND_AFTER = datetime.timedelta(seconds=60)
MAX_CODES_PER_DAY = 10
MAX_ATTEMPTS = 5

# The text message each purpose sends (core.sms.TEMPLATES).
TEMPLATE_OF: dict[str, str] = {
    CodePurpose.SIGN_IN: "sign_in_code",
    CodePurpose.ACTIVATE: "account_code",
    CodePurpose.RESET: "account_code",
    CodePurpose.PUBLICATION: "publication_consent_code",
}


def _digest(phone: str, code: str) -> str:
    return salted_hmac("learnweek.otp", f"{phone}:{code}", algorithm="sha256").hexdigest()


def refuse_if_over_limits(*, since_last: datetime.timedelta | None, today: int) -> None:
    """The per-number limits, in their words: one code a minute (``since_last``: the time since
    the number's last code, None for none) and ``MAX_CODES_PER_DAY`` a day (``today`` sent)."""
    if since_last is not None and since_last < RESEND_AFTER:
        wait = int((RESEND_AFTER - since_last).total_seconds()) + 1
        raise DomainError(f"该手机号的验证码已发送，请 {wait} 秒后再试。", code="otp_too_soon")
    if today >= MAX_CODES_PER_DAY:
        raise DomainError(
            f"该手机号每天最多获取 {MAX_CODES_PER_DAY} 次验证码，今天已用完，请明天再试。",
            code="otp_daily_limit",
        )


def code_send(
    *, phone: str, purpose: str = CodePurpose.SIGN_IN, before_send: Callable[[], None] | None = None
) -> str:
    """Send a code for ``purpose`` to ``phone``; returns the normalised number. Refused within a minute of
    the last code and after ten codes in a day, so nobody can flood a number. ``before_send`` runs
    once the number's own limits passed and before the code is made (the front doors count the
    device and the network there); if it raises, nothing is written or sent."""
    phone = normalise_mobile(phone)
    now = timezone.now()
    with transaction.atomic():
        recent = list(
            OneTimeCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, created_at__gte=now - datetime.timedelta(days=1))
            .order_by("-created_at")
        )
        refuse_if_over_limits(since_last=now - recent[0].created_at if recent else None, today=len(recent))
        if before_send is not None:
            before_send()
        code = f"{secrets.randbelow(10**6):06d}"
        OneTimeCode.objects.create(
            phone=phone,
            purpose=purpose,
            digest=_digest(phone, code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        # Sent before the commit, inside the transaction: a provider that refuses (SmsNotSent, a
        # DomainError) rolls the code back, so the next try is not told to wait for a code that
        # never came.
        send_template(phone, TEMPLATE_OF[purpose], code=code, minutes=int(CODE_TTL.total_seconds() // 60))
    return phone


def code_check(*, phone: str, code: str, purpose: str = CodePurpose.SIGN_IN) -> None:
    """Accept ``code`` for ``purpose`` sent to ``phone``, once; a wrong try is counted (committed)
    even though it is refused, so the caller must not wrap this in its own transaction."""
    now = timezone.now()
    wrong = DomainError("验证码不正确或已过期，请重新获取。", code="otp_invalid")
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if otp is None:
            raise wrong
        if otp.attempts >= MAX_ATTEMPTS:
            raise DomainError("验证码错误次数过多，请重新获取。", code="otp_locked")
        # A code typed in full-width digits (a Chinese input method) is the same code.
        if not hmac.compare_digest(otp.digest, _digest(phone, fold(code).strip())):
            # The failed try is counted even though the code is refused.
            OneTimeCode.objects.filter(pk=otp.pk).update(attempts=otp.attempts + 1)
            ok = False
        else:
            OneTimeCode.objects.filter(pk=otp.pk).update(used_at=now)
            ok = True
    if not ok:
        raise wrong
