"""Residents' sign-ups for activities: seats, the waiting list and check-in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from learnweek.activities.models import Activity
from learnweek.core.fields import LineField


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "已报名"
    WAITLISTED = "waitlisted", "候补中"
    CANCELLED = "cancelled", "已取消"


ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    """One person's sign-up for one activity. The person is the mobile number: one active
    registration per number and activity."""

    # On PostgreSQL both tables are partitioned by year, and the database enforces the composite
    # key (activity_id, year) -> activity (id, year) that Django cannot declare (activities 0006).
    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name="活动",
        db_constraint=False,
    )
    # The activity's year, copied when the registration is written.
    year = models.PositiveSmallIntegerField("年度", editable=False)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name="居民账号",
    )
    name = LineField("姓名", max_length=50)
    phone = LineField("手机号码", max_length=20)
    status = LineField("状态", max_length=12, choices=RegistrationStatus.choices)
    # The check-in code the QR code carries: ten characters of Crockford's base 32.
    # Unique with the year in the database (registration_code_unique); registration_create draws
    # again on a code used in any year, so a code finds one registration.
    code = LineField("签到码", max_length=16)
    created_at = models.DateTimeField("报名时间")
    confirmed_at = models.DateTimeField("获得名额时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["code", "year"])

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "phone", "year"],
                condition=models.Q(status__in=["confirmed", "waitlisted"]),
                name="registration_one_per_person",
            ),
            models.UniqueConstraint(fields=["code", "year"], name="registration_code_unique"),
        ]
        indexes = [models.Index(fields=["activity", "status", "id"], name="registration_activity_status")]

    def __str__(self) -> str:
        return f"{self.name} · {self.activity}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def code_display(self) -> str:
        return f"{self.code[:4]}-{self.code[4:8]}-{self.code[8:]}"

    def can_cancel(self) -> bool:
        return self.is_active and self.checked_in_at is None
