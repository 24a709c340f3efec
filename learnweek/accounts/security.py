"""等保 2.0 level-3 controls of the application (docs/security.md): the security settings and
what they mean for an account (session timeouts, password age and history, who must sign in
with a second factor), the second factor itself (TOTP and recovery codes through django-otp),
its reset by the administrator above, and the three duties of 三员分立 assigned by the superuser.

Every write here is a service: keyword-only, one transaction, recorded with ``audit_record``."""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from learnweek.accounts.models import ROLE_FIELDS, DutyRole, PasswordHistory, SecuritySettings, User
from learnweek.audit.actions import FAILURE
from learnweek.audit.services import audit_record
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from learnweek.orgs.selectors import is_within

if TYPE_CHECKING:
    from django_otp.models import Device

SETTINGS_CACHE_KEY = "accounts.security_settings.v1"
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "动态口令"
STATIC_DEVICE_NAME = "恢复码"


# -- the settings in force -----------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    session_idle_minutes: int
    session_max_hours: int
    password_max_age_days: int
    otp_required_for_all_staff: bool

    @property
    def idle(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.session_idle_minutes)

    @property
    def max_age(self) -> datetime.timedelta:
        return datetime.timedelta(hours=self.session_max_hours)


def _defaults() -> Policy:
    return Policy(
        session_idle_minutes=settings.SESSION_IDLE_MINUTES,
        session_max_hours=settings.SESSION_MAX_HOURS,
        password_max_age_days=settings.PASSWORD_MAX_AGE_DAYS,
        otp_required_for_all_staff=settings.OTP_REQUIRED_FOR_ALL_STAFF,
    )


def policy() -> Policy:
    """The settings in force: the 安全管理员's where set, the deployment's otherwise. Read from the
    cache (every staff request needs it); a change through ``security_settings_set`` clears it."""
    stored = cache.get(SETTINGS_CACHE_KEY)
    if stored is None:
        row: dict[str, Any] = dict(SecuritySettings.objects.filter(pk=1).values().first() or {})
        stored = {k: v for k, v in row.items() if k in Policy.__dataclass_fields__ and v is not None}
        cache.set(SETTINGS_CACHE_KEY, stored, 300)
    base = _defaults()
    return Policy(**{**base.__dict__, **stored})


def _bounded(value: int | None, low: int, high: int, label: str) -> int | None:
    if value is None:
        return None
    if not low <= value <= high:
        raise DomainError(f"{label}应在 {low} 到 {high} 之间。", code="setting_out_of_range")
    return value


def can_manage_security(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.duty_role == DutyRole.SECURITY)


@transaction.atomic
def security_settings_set(
    *,
    actor: User,
    session_idle_minutes: int | None,
    session_max_hours: int | None,
    password_max_age_days: int | None,
    otp_required_for_all_staff: bool | None,
) -> Policy:
    """The 安全管理员 (or the superuser) changes the security settings; ``None`` keeps the
    deployment's default. Bounded so that nobody switches a control off: idle 5–30 minutes
    (等保 asks for a timeout; 30 is the longest a level-3 assessor accepts), lifetime 1–24 hours,
    password age 30–180 days."""
    if not can_manage_security(actor):
        raise NotFound()
    values = {
        "session_idle_minutes": _bounded(session_idle_minutes, 5, 30, "空闲超时（分钟）"),
        "session_max_hours": _bounded(session_max_hours, 1, 24, "最长登录时长（小时）"),
        "password_max_age_days": _bounded(password_max_age_days, 30, 180, "密码有效期（天）"),
        "otp_required_for_all_staff": otp_required_for_all_staff,
    }
    row, _ = SecuritySettings.objects.select_for_update().get_or_create(pk=1)
    before = {name: getattr(row, name) for name in values}
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = timezone.now()
    row.save()
    audit_record("security.settings", actor=actor, target=row, detail={"before": before, "after": values})
    transaction.on_commit(lambda: cache.delete(SETTINGS_CACHE_KEY))
    cache.delete(SETTINGS_CACHE_KEY)
    return policy()


# -- passwords -----------------------------------------------------------------------------------


def password_expires_at(user: User, current: Policy | None = None) -> datetime.datetime | None:
    """When the account's password must be changed: ``PASSWORD_MAX_AGE_DAYS`` after it was set
    (after the account was made, for passwords older than this control). None: never."""
    days = (current or policy()).password_max_age_days
    if days <= 0 or not user.has_usable_password():
        return None
    since = user.password_changed_at or user.date_joined
    return since + datetime.timedelta(days=days)


def password_change_reason(user: User, now: datetime.datetime | None = None) -> str:
    """Why a staff account must change its password before anything else ("" when it need not):
    a first sign-in with a password its administrator typed, or an expired password."""
    if not user.is_staff_member:
        return ""
    if user.must_change_password:
        return "first"
    expires = password_expires_at(user)
    if expires is not None and expires <= (now or timezone.now()):
        return "expired"
    return ""


def password_reused(user: User, password: str) -> bool:
    """``password`` is the account's current password or one of its last
    ``PASSWORD_HISTORY_COUNT`` - 1 earlier ones (five in all by default)."""
    keep = settings.PASSWORD_HISTORY_COUNT
    if keep <= 0 or user.pk is None:
        return False
    if user.has_usable_password() and user.check_password(password):
        return True
    earlier = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: keep - 1]
    return any(check_password(password, encoded) for encoded in earlier)


def password_set(user: User, password: str, *, must_change: bool = False) -> None:
    """Set ``password`` on ``user`` (saved by the caller): the password it replaces joins the
    history, the date starts the password's age, ``must_change`` asks for a new one at the next
    sign-in. Only the last ``PASSWORD_HISTORY_COUNT`` earlier hashes are kept."""
    if user.pk is not None and user.has_usable_password() and user.password:
        PasswordHistory.objects.create(user=user, password=user.password, replaced_at=timezone.now())
        keep = max(settings.PASSWORD_HISTORY_COUNT, 1)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change


PASSWORD_FIELDS = ["password", "password_changed_at", "must_change_password"]


# -- the second factor ---------------------------------------------------------------------------


def otp_required(user: User, current: Policy | None = None) -> bool:
    """Staff who must sign in with a second factor: 管理员 (and superusers) always, every staff
    account when the deployment or the 安全管理员 says so."""
    if not user.is_staff_member:
        return False
    if user.is_superuser or user.is_unit_admin:
        return True
    return (current or policy()).otp_required_for_all_staff


def otp_devices(user: User) -> list[Device]:
    """The account's confirmed second factors: its TOTP device, then its recovery codes."""
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def otp_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_enrol_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for ``user`` (the one already started, if any): its key is
    shown as a QR code and as text until the first code confirms it."""
    if otp_enrolled(user):
        raise DomainError("此账号已绑定动态口令。如需更换，请由上级单位管理员重置。", code="otp_enrolled")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def otp_config_url(device: TOTPDevice) -> str:
    """The otpauth:// address an authenticator app reads, with the installation's name."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{device.user.get_username()}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&digits={device.digits}&period={device.step}"


def otp_secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def demo_totp_code(user: User) -> str:
    """In the demo only (``LEARNWEEK_DEMO``), the code the account's authenticator would show
    now, so that a visitor without an app can try the second step (as the sign-in page shows
    the demo's text message); empty elsewhere."""
    if not settings.LEARNWEEK_DEMO:
        return ""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    if device is None:
        return ""
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"


def _clean_code(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic
def otp_enrol_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> list[str]:
    """Confirm the started TOTP device with its first code, and make the account's ten recovery
    codes. Returns the recovery codes: they are shown once."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise DomainError("请重新开始绑定动态口令。", code="otp_not_started")
    if not device.verify_token(_clean_code(code)):
        raise DomainError("动态口令不正确，请输入验证器应用当前显示的 6 位数字。", code="otp_invalid")
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = recovery_codes_make(user)
    audit_record("account.otp_enrol", actor=user, target=user, request=request)
    return codes


def recovery_codes_make(user: User) -> list[str]:
    """Ten new recovery codes for ``user`` (the earlier ones end), each usable once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=STATIC_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def recovery_codes_renew(*, user: User, request: HttpRequest | None = None) -> list[str]:
    if not otp_enrolled(user):
        raise DomainError("请先绑定动态口令。", code="otp_not_enrolled")
    codes = recovery_codes_make(user)
    audit_record(
        "account.otp_enrol", actor=user, target=user, request=request, detail={"recovery_codes": "renewed"}
    )
    return codes


def otp_failures(user: User) -> tuple[int, datetime.datetime | None]:
    """Wrong second-step codes in a row (across the TOTP device and the recovery codes; a right
    code clears them) and the time of the last one."""
    count, last = 0, None
    for device in otp_devices(user):
        count = max(count, device.throttling_failure_count)
        stamp = device.throttling_failure_timestamp
        last = stamp if last is None or (stamp is not None and stamp > last) else last
    return count, last


def otp_locked_until(user: User, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """The second step is locked ``AXES_COOLOFF_TIME`` hours from the ``OTP_FAILURE_LIMIT``-th
    wrong code in a row (the same hour as a password lock-out). None: not locked."""
    count, last = otp_failures(user)
    if count < settings.OTP_FAILURE_LIMIT or last is None:
        return None
    until = last + datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return until if until > (now or timezone.now()) else None


OTP_LOCKED_MESSAGE = (
    "动态口令连续输错 {limit} 次，账号已锁定，请 1 小时后再试。如遗失验证器且恢复码已用完，"
    "请联系上级单位管理员重置动态口令。"
)


def otp_verify(*, user: User, code: str, request: HttpRequest | None = None) -> Device:
    """The second step of signing in: ``code`` is the TOTP device's current code or one of the
    recovery codes (used up by this). A wrong code is recorded ("auth.otp_failed"); the
    ``OTP_FAILURE_LIMIT``-th in a row locks the step for an hour ("auth.locked_out"), whatever
    the session. Not one transaction on purpose: the failure stays recorded."""
    if otp_locked_until(user) is not None:
        raise DomainError(OTP_LOCKED_MESSAGE.format(limit=settings.OTP_FAILURE_LIMIT), code="otp_locked")
    token = _clean_code(code)
    devices = otp_devices(user)
    for device in devices:
        if token and device.verify_token(token):
            for other in devices:
                if other.pk != device.pk or type(other) is not type(device):
                    other.throttle_reset()
            return device
    if not token:
        for device in devices:
            device.throttle_increment()
    audit_record("auth.otp_failed", actor=user, target=user, outcome=FAILURE, request=request)
    if otp_locked_until(user) is not None:
        audit_record(
            "auth.locked_out", actor=user, target=user, outcome=FAILURE, request=request,
            detail={"username": user.get_username(), "step": "otp"},
        )  # fmt: skip
        raise DomainError(OTP_LOCKED_MESSAGE.format(limit=settings.OTP_FAILURE_LIMIT), code="otp_locked")
    raise DomainError(
        "动态口令不正确，请输入验证器应用当前显示的 6 位数字，或一个未用过的恢复码。", code="otp_invalid"
    )


def can_reset_otp(actor: User, user: User) -> bool:
    """The superuser, or a 管理员 of a unit strictly above ``user``'s: nobody resets their own
    factor or a colleague's of the same unit."""
    if not actor.is_active or actor.pk == user.pk:
        return False
    if actor.is_superuser:
        return True
    if not actor.is_unit_admin or actor.unit is None or user.unit is None:
        return False
    return is_within(actor.unit, user.unit) and user.unit_id != actor.unit_id


@transaction.atomic
def otp_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Remove the second factor (and recovery codes) of a staff member who lost it; at the next
    sign-in the account enrols again."""
    if user.unit is None and not user.is_superuser:
        raise NotFound()
    if not can_reset_otp(actor, user):
        raise NotFound()
    removed = (
        TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    )
    if not removed:
        raise DomainError(f"{user} 尚未绑定动态口令，无需重置。", code="otp_not_enrolled")
    audit_record("account.otp_reset", actor=actor, target=user, request=request)


# -- 三员分立 ------------------------------------------------------------------------------------


def has_business_roles(user: User) -> bool:
    return any(getattr(user, field) for field in ROLE_FIELDS.values())


def require_no_duty(user: User) -> None:
    """Business roles go only to accounts without a duty (called by ``staff_roles_set``; the
    duty read from the database, not from a copy loaded before it was assigned)."""
    duty = User.objects.filter(pk=user.pk).values_list("duty_role", flat=True).first() or user.duty_role
    if duty:
        user.duty_role = duty
        raise DomainError(
            f"{user} 是{DutyRole(user.duty_role).label}（三员分立），不能同时担任业务角色；"
            "请由超级管理员先取消其三员角色。",
            code="duty_conflict",
        )


@transaction.atomic
def duty_role_set(*, actor: User, user: User, duty: str, request: HttpRequest | None = None) -> User:
    """The superuser makes ``user`` the 系统管理员, 安全管理员 or 审计管理员 (``duty`` "" takes it
    away). A duty account holds no business role, and a superuser no duty."""
    if not actor.is_superuser:
        raise PermissionDenied("只有超级管理员可以分配三员角色。")
    if duty and duty not in DutyRole.values:
        raise DomainError("三员角色只能是 系统管理员、安全管理员、审计管理员。", code="duty_invalid")
    given, user = user, User.objects.select_for_update().get(pk=user.pk)
    if user.unit is None and not user.is_superuser:
        raise DomainError(f"{user} 不是工作人员账号。", code="not_staff")
    if duty and user.is_superuser:
        raise DomainError("超级管理员不能兼任三员角色。", code="duty_conflict")
    if duty and has_business_roles(user):
        raise DomainError(
            f"{user} 担任 {user.roles_display()}，三员账号不能兼任业务角色；请先取消其业务角色，"
            "或为三员另建账号。",
            code="duty_conflict",
        )
    before = user.duty_role
    if before == duty:
        return user
    user.duty_role = duty
    user.save(update_fields=["duty_role"])
    given.duty_role = duty
    audit_record(
        "account.duty_role",
        actor=actor,
        target=user,
        request=request,
        detail={"before": before, "after": duty},
    )
    return user


def duty_holders() -> list[User]:
    return list(User.objects.exclude(duty_role="").select_related("unit").order_by("duty_role", "username"))
