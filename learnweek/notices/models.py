"""In-app notices to staff accounts (and the e-mail copy where the account has an address)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from learnweek.core.fields import LineField, TextBlockField
from learnweek.orgs.models import Unit


class NoticeKind(models.TextChoices):
    PASSED_DOWN = "passed_down", "新的报送事项"
    DEADLINE = "deadline", "截止临近"
    RETURNED = "returned", "被退回"
    APPROVED = "approved", "已通过"
    REOPENED = "reopened", "重新打开"
    REMINDED = "reminded", "催报提醒"
    WEEK_MOVED = "week_moved", "活动周调整"
    CHANGED = "changed", "报送事项变更"
    SUBMITTED = "submitted", "下级报送"


class Notice(models.Model):
    """One notice to one account of a unit. ``email`` is the address it was to be e-mailed to
    (blank: in-app only); ``emailed_at`` when the e-mail went out."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name="收件人"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    kind = LineField("类别", max_length=16, choices=NoticeKind.choices)
    title = LineField("标题", max_length=200)
    body = TextBlockField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    email = models.EmailField("邮箱", blank=True)
    emailed_at = models.DateTimeField("邮件发出时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notices_recipient_read")]

    def __str__(self) -> str:
        return self.title
