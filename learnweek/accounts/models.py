from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from simple_history.models import HistoricalRecords

from learnweek.core.fields import LineField
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role

TOKEN_STAMP_SALT = "learnweek.accounts.ApiToken.password_stamp"  # noqa: S105 - an HMAC salt, not a secret


ROLE_FIELDS = {Role.ADMIN: "is_unit_admin", Role.REPORTER: "is_reporter", Role.REVIEWER: "is_reviewer"}


class DutyRole(models.TextChoices):
    """三员分立 (等保 2.0 level 3): the three security duties, each held by its own account and
    assigned by the superuser. One field, so an account holds at most one of them; none of them
    carries a business role (``ROLE_FIELDS``) or gains one by it."""

    SYSTEM = "system", "系统管理员"  # accounts and units
    SECURITY = "security", "安全管理员"  # roles and security settings
    AUDIT = "audit", "审计管理员"  # reads and exports the audit log, changes nothing


class User(AbstractUser):
    """A staff account (belongs to one unit, holds roles) or a resident (no unit, public data only)."""

    full_name = LineField("姓名", max_length=50, blank=True)
    phone = LineField("手机号码", max_length=20, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="所属单位",
    )
    is_unit_admin = models.BooleanField("管理员", default=False)
    is_reporter = models.BooleanField("填报员", default=False)
    is_reviewer = models.BooleanField("审核员", default=False)
    duty_role = LineField(
        "三员角色", max_length=10, choices=DutyRole.choices, blank=True, default="", db_default=""
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False, db_default=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_staff_member(self) -> bool:
        """Back-office users: superusers and accounts of a unit."""
        return self.is_active and (self.is_superuser or self.unit_id is not None)

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if self.has_role(role)]

    def has_role(self, role: Role | str) -> bool:
        if self.is_superuser:
            return True
        return bool(getattr(self, ROLE_FIELDS[Role(role)]))

    @property
    def is_auditor(self) -> bool:
        return self.duty_role == DutyRole.AUDIT

    def roles_display(self) -> str:
        if self.is_superuser:
            return "超级管理员"
        return "、".join(role.label for role in self.roles) or "（无角色）"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once. It lives
    ``API_TOKEN_TTL_DAYS`` from its creation, and only while its user is active and keeps the
    password it had when the token was issued (``password_stamp``): a new password set by any
    means — the password page, the Django admin, ``set_password`` — ends it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = LineField(max_length=64, unique=True)
    password_stamp = LineField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} 的令牌（{self.created:%Y-%m-%d}）"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def stamp_of(user: User, secret: str | bytes | None = None) -> str:
        """A keyed digest of the user's password hash (as Django's session hash is): it changes
        whenever the password does."""
        return salted_hmac(TOKEN_STAMP_SALT, user.password, secret=secret, algorithm="sha256").hexdigest()

    def password_unchanged(self) -> bool:
        """The user's password is still the one the token was issued under (the current secret
        key or one of ``SECRET_KEY_FALLBACKS``, so that rotating the key keeps the tokens)."""
        secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        return any(constant_time_compare(self.password_stamp, self.stamp_of(self.user, s)) for s in secrets)

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created + datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)

    def refusal(self, now: datetime.datetime) -> tuple[str, str] | None:
        """Why the token may not be used at ``now`` — (code, message) — or None."""
        if not self.user.is_active:
            return "token_revoked", "账号已停用，令牌已失效。"
        if not self.password_unchanged():
            return "token_revoked", "账号的密码已修改，此前换取的令牌已失效，请重新换取。"
        if self.expires_at <= now:
            until = timezone.localtime(self.expires_at)
            return (
                "token_expired",
                f"令牌已过期（有效期 {settings.API_TOKEN_TTL_DAYS} 天，于 {until:%Y-%m-%d %H:%M} 到期），请重新换取。",
            )
        return None

    @property
    def state_label(self) -> str:
        refusal = self.refusal(timezone.now())
        return "有效" if refusal is None else {"token_expired": "已过期"}.get(refusal[0], "已失效")


class CodePurpose(models.TextChoices):
    SIGN_IN = "sign_in", "居民登录"
    ACTIVATE = "activate", "激活账号"
    RESET = "reset", "重置密码"
    PUBLICATION = "publication", "公开展示同意"


class OneTimeCode(models.Model):
    """A six-digit code sent to a mobile number, for one purpose (a resident's sign-in, a staff
    account's activation or password reset, a nominee's consent). Only a keyed digest of the code
    is stored; a code lives ten minutes, allows five tries and is used once."""

    phone = LineField("手机号码", max_length=20)
    purpose = LineField(
        "用途",
        max_length=12,
        choices=CodePurpose.choices,
        default=CodePurpose.SIGN_IN,
        db_default=CodePurpose.SIGN_IN,
    )
    digest = LineField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "验证码"
        verbose_name_plural = "验证码"
        indexes = [models.Index(fields=["phone", "created_at"], name="accounts_otp_phone_created")]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.created_at:%Y-%m-%d %H:%M}"


class PersonalDataExport(models.Model):
    """A staff export that holds personal data (phones, e-mail, birth dates of nominees and
    residents): who took it, when, which export and of what. Kept for the unit's administrators."""

    actor = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="导出人单位"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    what = LineField("导出内容", max_length=100)
    detail = LineField("对象", max_length=300)

    class Meta:
        verbose_name = "含个人信息的导出"
        verbose_name_plural = "含个人信息的导出"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} {self.what} {self.detail}"


class PasswordHistory(models.Model):
    """An earlier password of a staff account, as its hash: a new password may not be one of the
    last ``PASSWORD_HISTORY_COUNT`` (等保 2.0). Written when a password is replaced."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = LineField(max_length=128)
    replaced_at = models.DateTimeField()

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.replaced_at:%Y-%m-%d}"


class SecuritySettings(models.Model):
    """The security settings the 安全管理员 changes in the back office (one row). An empty field
    falls back to the deployment's setting of the same name (``settings.SESSION_IDLE_MINUTES``…)."""

    session_idle_minutes = models.PositiveIntegerField("空闲超时（分钟）", null=True, blank=True)
    session_max_hours = models.PositiveIntegerField("最长登录时长（小时）", null=True, blank=True)
    password_max_age_days = models.PositiveIntegerField("密码有效期（天）", null=True, blank=True)
    otp_required_for_all_staff = models.BooleanField("全体工作人员须双因素登录", null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "安全设置"
        verbose_name_plural = "安全设置"

    def __str__(self) -> str:
        return "安全设置"
