from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from learnweek.orgs.models import Unit


class Role(models.TextChoices):
    ADMIN = "admin", "管理员"
    REPORTER = "reporter", "填报员"
    REVIEWER = "reviewer", "审核员"


ROLE_FIELDS = {Role.ADMIN: "is_unit_admin", Role.REPORTER: "is_reporter", Role.REVIEWER: "is_reviewer"}


class User(AbstractUser):
    """A staff account (belongs to one unit, holds roles) or a resident (no unit, public data only)."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
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

    def roles_display(self) -> str:
        if self.is_superuser:
            return "超级管理员"
        return "、".join(role.label for role in self.roles) or "（无角色）"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
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


class OneTimeCode(models.Model):
    """A six-digit code sent to a mobile number to sign a resident in. Only a keyed digest of the
    code is stored; a code lives ten minutes, allows five tries and is used once."""

    phone = models.CharField("手机号码", max_length=20)
    digest = models.CharField(max_length=64)
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
    what = models.CharField("导出内容", max_length=100)
    detail = models.CharField("对象", max_length=300)

    class Meta:
        verbose_name = "含个人信息的导出"
        verbose_name_plural = "含个人信息的导出"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} {self.what} {self.detail}"
