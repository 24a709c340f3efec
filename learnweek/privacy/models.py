"""Personal information (个人信息保护法): a resident's consent to the notice, by its version, and
a nominee's separate consent to being shown on the public showcase (Art. 25)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from learnweek.core.fields import LineField


class NoticeConsent(models.Model):
    """A resident agreed (同意) to version ``version`` of the notice (``privacy.notice``). A new
    version asks again; the old rows stay as the record of what was agreed to when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_consents"
    )
    version = LineField("告知版本", max_length=20)
    given_at = models.DateTimeField("同意时间")
    channel = LineField("方式", max_length=8, default="web")  # web or api

    class Meta:
        verbose_name = "个人信息处理同意"
        verbose_name_plural = "个人信息处理同意"
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="privacy_consent_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.version}"


class PublicationMethod(models.TextChoices):
    FORM = "form", "书面同意书"
    SMS = "sms", "短信验证码确认"


class PublicationConsent(models.Model):
    """The nominee's own consent to being shown on the public showcase (its name, photos and
    deeds): a signed form (a PDF or photo checked by content) or a text-message code the nominee
    read out to the staff member. Nothing of a person is published without one."""

    nomination = models.OneToOneField(
        "nominations.Nomination", on_delete=models.CASCADE, related_name="publication_consent"
    )
    method = LineField("方式", max_length=8, choices=PublicationMethod.choices)
    document = models.FileField("同意书", upload_to="privacy/consents/%Y/", blank=True)
    document_name = LineField("同意书文件名", max_length=120, blank=True)
    phone_masked = LineField("确认手机号", max_length=20, blank=True)  # 138****0001
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "公开展示同意"
        verbose_name_plural = "公开展示同意"

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.get_method_display()}"
