"""Staff accounts that set their own password: activation of a new account, password reset by its
holder and by the administrator above, and bulk disabling of unused accounts.

Nobody sees or sends a password. A new (imported) account has none (``set_unusable_password``)
and cannot sign in until its holder activates it, either

- by text message: on /accounts/activate/ the person types the account's mobile number, receives
  a six-digit code (``accounts.codes``, purpose 激活账号) and sets its password; or
- by e-mail: an account with an e-mail address is sent a one-time link (``accounts.tokens``).

A forgotten password is reset the same two ways on /accounts/password-reset/ (purpose 重置密码).
The administrator above (``admin_password_reset``) can end an account's password instead: the
account is back to 未激活, its API tokens and sessions end, and it activates again by code or by
the link e-mailed to it. The answer to "send me a code" never says whether an account exists:
a number without an account gets the same answer and the same per-number limits, and no message.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from learnweek.accounts import codes
from learnweek.accounts.models import CodePurpose, User
from learnweek.accounts.security import PASSWORD_FIELDS, password_set
from learnweek.accounts.services import _api_tokens_end, _check_password
from learnweek.accounts.staff_import import may_grant_admin
from learnweek.accounts.tasks import account_link_emails
from learnweek.audit.services import audit_record
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from learnweek.core.phones import normalise_mobile
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import require_role

WRONG_CODE = "验证码不正确或已过期，请重新获取。"  # codes.code_check's words, for every refusal here


def is_activated(user: User) -> bool:
    return user.has_usable_password()


def _staff_with_phone(phone: str) -> User | None:
    """The one active staff account registered with ``phone`` (None for none, or for several:
    the import keeps numbers unique, accounts made by hand before it may not be)."""
    found = list(User.objects.filter(phone=phone, unit__isnull=False, is_active=True)[:2])
    return found[0] if len(found) == 1 else None


def _as_if_sent(phone: str, purpose: str, before_send: Callable[[], None] | None) -> None:
    """The per-number limits of ``codes.code_send`` for a number no code is sent to, with its
    words, so that the answer tells nothing about which numbers have accounts."""
    now = timezone.now().timestamp()
    last_key, day_key = f"lw.nocode.last:{purpose}:{phone}", f"lw.nocode.day:{purpose}:{phone}"
    last = cache.get(last_key)
    resend = codes.RESEND_AFTER.total_seconds()
    codes.refuse_if_over_limits(
        since_last=datetime.timedelta(seconds=now - last) if last is not None else None,
        today=cache.get(day_key, 0),
    )
    if before_send is not None:  # the device and network limits, before anything is counted
        before_send()
    cache.set(last_key, now, int(resend))
    cache.set(day_key, cache.get(day_key, 0) + 1, 24 * 3600)


def code_request(*, phone: str, purpose: str, before_send: Callable[[], None] | None = None) -> str:
    """Send an activation (``CodePurpose.ACTIVATE``: accounts without a password) or reset code
    (``CodePurpose.RESET``: any active staff account) to ``phone`` if it is an account's
    registered number; the same answer and limits either way. Returns the normalised number."""
    phone = normalise_mobile(phone)
    user = _staff_with_phone(phone)
    if user is not None and purpose == CodePurpose.ACTIVATE and is_activated(user):
        user = None
    if user is None:
        _as_if_sent(phone, purpose, before_send)
        return phone
    return codes.code_send(phone=phone, purpose=purpose, before_send=before_send)


def _password_set(user: User, password: str, *, action: str, request: HttpRequest | None, how: str) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        password_set(user, password)  # the replaced password joins the history; its age starts
        user.save(update_fields=PASSWORD_FIELDS)
        _api_tokens_end(user)
        audit_record(action, actor=user, target=user, detail={"by": how}, request=request)
    return user


def _by_code(*, phone: str, code: str, password: str, purpose: str, request: HttpRequest | None) -> User:
    """Not one transaction on purpose: a wrong code's try is counted even though it is refused."""
    phone = normalise_mobile(phone)
    user = _staff_with_phone(phone)
    if user is None or (purpose == CodePurpose.ACTIVATE and is_activated(user)):
        # No code was sent to this number; the password is judged first all the same, so the
        # answer is the one an account's number gets (nothing tells which numbers have one).
        _check_password(password, User(username=phone))
        raise DomainError(WRONG_CODE, code="otp_invalid")
    _check_password(password, user)  # before the code is used: a weak password keeps the code
    try:
        codes.code_check(phone=phone, code=code, purpose=purpose)
    except DomainError as exc:  # too many tries reads as a wrong code, as for a number without one
        raise DomainError(WRONG_CODE, code="otp_invalid") from exc
    action = "account.activate" if purpose == CodePurpose.ACTIVATE else "account.password_reset"
    return _password_set(user, password, action=action, request=request, how="短信验证码")


def account_activate(*, phone: str, code: str, password: str, request: HttpRequest | None = None) -> User:
    """Activate the not yet activated account of ``phone`` with its code and its own password."""
    return _by_code(phone=phone, code=code, password=password, purpose=CodePurpose.ACTIVATE, request=request)


def password_reset_by_code(
    *, phone: str, code: str, password: str, request: HttpRequest | None = None
) -> User:
    return _by_code(phone=phone, code=code, password=password, purpose=CodePurpose.RESET, request=request)


def password_set_by_link(
    *, user: User, password: str, purpose: str, request: HttpRequest | None = None
) -> User:
    """The password of ``user``, whose one-time link (``accounts.tokens.user_of_link``) the
    caller checked; setting it ends the link."""
    _check_password(password, user)
    action = "account.activate" if purpose == "activate" else "account.password_reset"
    return _password_set(user, password, action=action, request=request, how="邮件链接")


def reset_link_request(*, email: str) -> None:
    """E-mail a reset link to each active staff account registered with ``email``; nothing, and
    the same answer, for an address without one."""
    email = email.strip()
    ids = list(
        User.objects.filter(email__iexact=email, unit__isnull=False, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if ids:
        transaction.on_commit(lambda: account_link_emails.delay(ids, "reset"))


def may_reset(actor: User, user: User) -> bool:
    """The administrator above resets a password: an administrator of the account's unit or one
    above it, and for an account holding 管理员 only one of a unit strictly above (as
    ``staff_import.may_grant_admin``); never its own account (that is the password page)."""
    if user.unit is None or actor.pk == user.pk or not actor.has_role(Role.ADMIN):
        return False
    if user.is_superuser and not actor.is_superuser:
        return False
    return not user.is_unit_admin or may_grant_admin(actor, user.unit)


@transaction.atomic
def admin_password_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> str:
    """End ``user``'s password (it can no longer sign in; its sessions and API tokens end) and
    send it a new way in: the activation link by e-mail when it has an address; by code on
    /accounts/activate/ in any case. The administrator never sees a password. Returns what the
    administrator is told."""
    if user.unit is None:
        raise NotFound()
    require_role(actor, user.unit, Role.ADMIN, "重置密码")
    if actor.pk == user.pk:
        raise DomainError("不能重置自己的密码，请在“修改密码”页面修改。", code="self_reset")
    if not may_reset(actor, user):
        raise PermissionDenied("管理员账号的密码只能由上级单位的管理员重置。")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise DomainError("该账号已停用，请先启用再重置密码。", code="account_disabled")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _api_tokens_end(user)
    audit_record(
        "account.password_reset", actor=actor, target=user, detail={"by": "上级管理员"}, request=request
    )
    ways = []
    if user.email:
        pk = user.pk
        transaction.on_commit(lambda: account_link_emails.delay([pk], "activate"))
        ways.append("激活链接已发到其邮箱")
    if user.phone:
        ways.append("也可在“激活账号”页面用登记的手机号获取验证码")
    how = "；".join(ways) or "该账号没有登记手机号和邮箱，请先为其补充联系方式"
    return f"已重置 {user} 的密码，原密码和 API 令牌已失效。请其重新设定密码：{how}。"


@transaction.atomic
def staff_bulk_disable(*, actor: User, users: Iterable[User]) -> int:
    """Disable the chosen accounts in one go (all or nothing; the actor's own account refuses
    the whole choice). Each is guarded and audited as one ``staff_active_set``."""
    chosen = list(users)
    if not chosen:
        raise DomainError("请先勾选要停用的账号。", code="none_chosen")
    if any(u.pk == actor.pk for u in chosen):
        raise DomainError(
            "所选账号中有您自己的账号，不能停用自己的账号；请取消勾选后重试。", code="self_deactivate"
        )
    disabled: list[User] = []
    for user in chosen:
        if user.unit is None:
            raise NotFound()
        require_role(actor, user.unit, Role.ADMIN, "停用账号")
        if (user.is_superuser and not actor.is_superuser) or (
            user.is_unit_admin and not may_grant_admin(actor, user.unit)
        ):
            raise PermissionDenied(f"{user} 是管理员账号，只能由上级单位的管理员停用。")
        if not user.is_active:
            continue
        user.is_active = False
        user.save(update_fields=["is_active"])
        _api_tokens_end(user)
        disabled.append(user)
    # The audit entries last: the chain's head row is taken once every account row is locked,
    # as a single-account change takes them, so two writers never wait for each other in a circle.
    for user in disabled:
        audit_record("account.disable", actor=actor, target=user, detail={"bulk": True})
    return len(disabled)


def unused_since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=settings.ACCOUNT_UNUSED_DAYS)
