from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from learnweek.accounts.models import ROLE_FIELDS, ApiToken, PersonalDataExport, User
from learnweek.accounts.security import (
    PASSWORD_FIELDS,
    otp_devices,
    otp_required,
    otp_verify,
    password_change_reason,
    password_reused,
    password_set,
    require_no_duty,
)
from learnweek.audit.services import audit_record
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.phones import normalise_mobile
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import require_role

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")


def _require_admin_of(actor: User | None, unit: Unit) -> None:
    require_role(actor, unit, Role.ADMIN, "管理账号")


def _clean_roles(roles: Iterable[str]) -> set[Role]:
    try:
        cleaned = {Role(role) for role in roles}
    except ValueError as exc:
        raise DomainError("角色只能是 管理员、填报员、审核员。", code="role_invalid") from exc
    if not cleaned:
        raise DomainError("请至少选择一个角色。", code="role_required")
    return cleaned


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("密码不符合要求：" + "；".join(exc.messages), code="password_weak") from exc
    if password_reused(user, password):
        raise DomainError(
            f"新密码不能与最近 {settings.PASSWORD_HISTORY_COUNT} 次使用过的密码相同。", code="password_reused"
        )


@transaction.atomic
def staff_account_create(
    *,
    actor: User | None,
    unit: Unit,
    username: str,
    password: str,
    roles: Iterable[str],
    full_name: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    """An account for ``unit`` (the actor's own unit or one below it)."""
    _require_admin_of(actor, unit)
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise DomainError("用户名应为 3 到 150 个字母、数字或 _ . @ + - 符号。", code="username_invalid")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"用户名 {username} 已被使用。", code="username_taken")
    cleaned = _clean_roles(roles)
    user = User(
        username=username,
        unit=unit,
        full_name=full_name.strip()[:50],
        phone=normalise_mobile(phone) if phone.strip() else "",
        email=email.strip(),
        **{field: role in cleaned for role, field in ROLE_FIELDS.items()},
    )
    _check_password(password, user)
    # An administrator typed this password: the account changes it at its first sign-in (the
    # command line, run by the operator, and the demo accounts are not asked).
    password_set(user, password, must_change=actor is not None)
    user.save()
    audit_record(
        "account.create", actor=actor, target=user, detail={"unit": unit.code, "roles": sorted(cleaned)}
    )
    return user


@transaction.atomic
def staff_roles_set(*, actor: User | None, user: User, roles: Iterable[str]) -> User:
    if user.unit is None:
        raise NotFound()
    _require_admin_of(actor, user.unit)
    cleaned = _clean_roles(roles)
    require_no_duty(user)
    if actor is not None and actor.pk == user.pk and Role.ADMIN not in cleaned and not actor.is_superuser:
        raise DomainError("不能取消自己的管理员角色，请由上级或本单位其他管理员操作。", code="self_demote")
    before = sorted(role.value for role in user.roles)
    for role, field in ROLE_FIELDS.items():
        setattr(user, field, role in cleaned)
    user.save(update_fields=list(ROLE_FIELDS.values()))
    audit_record(
        "account.roles", actor=actor, target=user, detail={"before": before, "after": sorted(cleaned)}
    )
    return user


@transaction.atomic
def staff_active_set(*, actor: User | None, user: User, active: bool) -> User:
    if user.unit is None:
        raise NotFound()
    _require_admin_of(actor, user.unit)
    if actor is not None and actor.pk == user.pk:
        raise DomainError("不能停用自己的账号。", code="self_deactivate")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record("account.enable" if active else "account.disable", actor=actor, target=user)
    if not active:
        _api_tokens_end(user)  # the API checks is_active too; the tokens need not wait for it
    return user


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """The user's own new password (the old one checked by the caller's form). Every API token
    of the account ends with the old password."""
    _check_password(password, user)
    password_set(user, password)
    user.save(update_fields=PASSWORD_FIELDS)
    _api_tokens_end(user)
    audit_record("account.password_change", actor=user, target=user)
    return user


def _api_tokens_end(user: User) -> None:
    """Delete the account's API tokens. (A password set elsewhere — the Django admin — ends them
    too: each token carries a stamp of the password it was issued under.)"""
    ApiToken.objects.filter(user=user).delete()


def api_token_create(*, user: User) -> str:
    """A new bearer token for ``user``, returned once: only its digest is stored, with a stamp of
    the user's password. It lives ``API_TOKEN_TTL_DAYS`` days."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw), password_stamp=ApiToken.stamp_of(user))
    return raw


@transaction.atomic
def api_token_revoke(*, actor: User, pk: int) -> None:
    """Revoke one of the actor's own tokens (another user's, or none, is missing)."""
    deleted, _ = ApiToken.objects.filter(user=actor, pk=pk).delete()
    if not deleted:
        raise NotFound()


def api_token_issue(
    *, username: str, password: str, otp: str = "", request: HttpRequest | None = None
) -> str:
    """A new bearer token for a staff account; only its digest is stored. ``request`` lets the
    sign-in lock-out (django-axes) count the attempt against the client. Not one transaction on
    purpose: a failed attempt is recorded even though the issue is refused.

    The token is a sign-in: an account that signs in with a second factor (``otp_required``, or
    one that enrolled) sends its current code as ``otp``; one that must but has not enrolled does
    so on the web first. An account that must change its password does so on the web first."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_staff_member:
        raise DomainError("用户名或密码不正确。", code="bad_credentials")
    if password_change_reason(user):
        raise DomainError(
            "请先在网页上登录并修改密码（初始密码或已到期的密码），再换取令牌。",
            code="password_change_required",
        )
    if otp_devices(user):
        if not otp.strip():
            raise DomainError(
                "此账号须双因素登录：请在 otp 字段填写验证器应用显示的 6 位动态口令。", code="otp_required"
            )
        otp_verify(user=user, code=otp, request=request)
    elif otp_required(user):
        raise DomainError(
            "此账号须双因素登录：请先在网页上登录并绑定动态口令，再换取令牌。", code="otp_not_enrolled"
        )
    return api_token_create(user=user)


def personal_export_log(*, actor: User, what: str, detail: str) -> PersonalDataExport:
    """Record that ``actor`` took an export holding personal data (who, when, what), in the
    administrators' list and in the audit log."""
    audit_record("export.personal", actor=actor, target_label=what[:200], detail={"what": what, "of": detail})
    return PersonalDataExport.objects.create(
        actor=actor, unit=actor.unit, what=what[:100], detail=detail[:300]
    )
