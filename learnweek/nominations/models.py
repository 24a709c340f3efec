"""Nominations (推荐评选): advanced units and individuals, learning stars, brand projects and the
other showcases, reviewed up the tree one level at a time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from learnweek.campaigns.models import Requirement
from learnweek.core.fields import LineField, TextBlockField
from learnweek.core.models import StoredPhoto
from learnweek.orgs.models import Unit


class NominationState(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "退回修改"
    DECLINED = "declined", "未获推荐"
    APPROVED = "approved", "已评定"


# Standing: counts against the quotas of the levels it has passed.
STANDING = (NominationState.IN_REVIEW, NominationState.APPROVED)
# Handed in by the nominating unit (the completeness board counts these).
HANDED_IN = (*STANDING, NominationState.DECLINED)


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class Nomination(models.Model):
    """One nominee put forward by one unit under one requirement. ``at_unit`` is the level whose
    decision is awaited; ``reached_depth`` the tree depth of the highest level the nomination has
    reached in this round (a level sees it only once the level below has recommended it)."""

    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, related_name="nominations", verbose_name="报送事项"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="nominations", verbose_name="推荐单位"
    )
    rank = models.PositiveSmallIntegerField("推荐序号", default=1)
    state = LineField("状态", max_length=12, choices=NominationState.choices, default=NominationState.DRAFT)
    at_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="当前审核单位"
    )
    reached_depth = models.PositiveSmallIntegerField(default=0)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    # The nominee; which of these a kind asks for is in nominations.kinds.
    name = LineField("名称", max_length=200)
    supervisor = LineField("上级主管部门", max_length=200, blank=True)
    head_name = LineField("负责人", max_length=50, blank=True)
    head_title = LineField("负责人职务", max_length=100, blank=True)
    address = LineField("通讯地址", max_length=200, blank=True)
    phone = LineField("联系电话", max_length=50, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    gender = LineField("性别", max_length=2, choices=Gender.choices, blank=True)
    ethnicity = LineField("民族", max_length=20, blank=True)
    workplace = LineField("工作单位", max_length=200, blank=True)
    position = LineField("职务", max_length=100, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    deeds = TextBlockField("事迹", blank=True)
    story = TextBlockField("详细材料", blank=True)
    video_url = models.URLField("视频链接", max_length=500, blank=True)
    resources = TextBlockField("教学资源", blank=True)
    contact_name = LineField("填表联系人", max_length=50, blank=True)
    contact_phone = LineField("联系电话", max_length=50, blank=True)
    unit_opinion = TextBlockField("单位意见", blank=True)
    scan = models.FileField("盖章扫描件", upload_to="nominations/scans/%Y/", blank=True)
    scan_name = LineField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "推荐对象"
        verbose_name_plural = "推荐对象"
        ordering = ["requirement", "unit__path", "rank", "pk"]
        indexes = [models.Index(fields=["requirement", "unit", "state"], name="nom_req_unit_state")]

    def __str__(self) -> str:
        return self.name

    def can_edit(self) -> bool:
        return self.state in (NominationState.DRAFT, NominationState.RETURNED)


class DecisionAction(models.TextChoices):
    SUBMIT = "submit", "推荐上报"
    RECOMMEND = "recommend", "同意推荐"
    RETURN = "return", "退回修改"
    DECLINE = "decline", "不予推荐"


class Decision(models.Model):
    """One level's word on a nomination in one round: the nominating unit's own opinion when it
    submits (单位意见), then each level above (市(州)教育行政部门意见, 省教育厅意见 ...). It takes
    the place of the seal box in the exported form. ``rank`` is the level's own order among what it
    recommends upward."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="审核单位")
    action = LineField("决定", max_length=12, choices=DecisionAction.choices)
    comment = TextBlockField("意见", blank=True)
    rank = models.PositiveSmallIntegerField("本级推荐序号", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField("时间")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["unit", "action", "round"], name="nom_decision_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_action_display()}"


class NominationPhoto(StoredPhoto):
    FOLDER = "nominations"

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="photos")

    class Meta(StoredPhoto.Meta):
        constraints = [
            models.UniqueConstraint(fields=["nomination", "sha256"], name="nominations_photo_once")
        ]


class NominationSheet(models.Model):
    """A level's summary table (汇总表) under one requirement: its contact lines and the stamped
    scan it uploads."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    contact_name = LineField("填表联系人", max_length=50, blank=True)
    contact_phone = LineField("联系电话", max_length=50, blank=True)
    scan = models.FileField("盖章扫描件", upload_to="nominations/scans/%Y/", blank=True)
    scan_name = LineField(max_length=120, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requirement", "unit"], name="nominations_sheet_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.requirement}"


class Score(models.Model):
    """One reviewer's scores of one nomination against the requirement's criteria."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.JSONField("各项得分", default=dict)
    total = models.DecimalField("总分", max_digits=6, decimal_places=1)
    comment = TextBlockField("评语", blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "reviewer"], name="nominations_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.nomination} {self.total}"
