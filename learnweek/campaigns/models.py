"""Campaigns (年度活动), their requirements (报送事项) and the submissions that answer them."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from learnweek.core.fields import LineField, TextBlockField
from learnweek.orgs.models import InstitutionType, Unit, UnitKind


def ceremony_outside_week(
    ceremony: datetime.date | None, start: datetime.date | None, end: datetime.date | None
) -> str:
    """The warning shown beside a week whose opening ceremony falls outside it; "" when it does
    not, or when a date is missing."""
    if ceremony is None or start is None or end is None or start <= ceremony <= end:
        return ""
    return f"开幕式（{ceremony.month}月{ceremony.day}日）不在活动周内（{start.month}月{start.day}日—{end.month}月{end.day}日）"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已结束"


# The statuses in which a campaign, and what is organised in it, is shown to the public.
PUBLIC_STATUSES = (CampaignStatus.PUBLISHED, CampaignStatus.CLOSED)


class Campaign(models.Model):
    slug = models.SlugField("标识", max_length=64, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    title = LineField("标题", max_length=200)
    theme = LineField("主题", max_length=200, blank=True, help_text="留空则沿用上级活动的主题。")
    doc_number = LineField("文号", max_length=64, blank=True)
    issuing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="campaigns_issued", verbose_name="发文单位"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级活动",
    )
    issued_on = models.DateField("发文日期", null=True, blank=True)
    reading_start = models.DateField("全民阅读活动开始", null=True, blank=True)
    reading_end = models.DateField("全民阅读活动结束", null=True, blank=True)
    week_start = models.DateField("活动周开始", null=True, blank=True)
    week_end = models.DateField("活动周结束", null=True, blank=True)
    week_note = LineField("活动周时间说明", max_length=100, blank=True, help_text="如：拟定于10月下旬")
    ceremony_host = LineField("开幕式承办单位", max_length=200, blank=True)
    ceremony_cohosts = LineField("开幕式协办单位", max_length=200, blank=True)
    ceremony_venue = LineField("开幕式地点", max_length=200, blank=True)
    ceremony_date = models.DateField("开幕式日期", null=True, blank=True)
    ceremony_note = LineField("开幕式说明", max_length=200, blank=True)
    ceremony_stream_url = models.URLField("开幕式直播链接", max_length=500, blank=True)
    display_start = models.DateField("示范活动展示开始", null=True, blank=True)
    display_end = models.DateField("示范活动展示结束", null=True, blank=True)
    office = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_offices",
        verbose_name="领导小组办公室",
        help_text="承担领导小组办公室的机构（如开放大学）：其工作人员在本活动中代行发文单位的范围。",
    )
    summary = TextBlockField("活动内容", blank=True)
    status = LineField("状态", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度活动"
        verbose_name_plural = "年度活动"
        ordering = ["-year", "issuing_unit__path"]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_theme(self) -> str:
        campaign: Campaign | None = self
        while campaign is not None:
            if campaign.theme:
                return campaign.theme
            campaign = campaign.parent
        return ""

    @property
    def is_published(self) -> bool:
        return self.status == CampaignStatus.PUBLISHED

    @property
    def ceremony_outside_week(self) -> str:
        """“开幕式（X月X日）不在活动周内（X月X日—X月X日）” when both are set and disagree, else ""."""
        return ceremony_outside_week(self.ceremony_date, self.week_start, self.week_end)


class CampaignContact(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    name = LineField("联系人", max_length=50)
    office = LineField("部门", max_length=100, blank=True)
    phone = LineField("电话", max_length=100, blank=True)
    email = models.EmailField("邮箱", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.office} {self.name}".strip()


class CampaignAttachment(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attachments")
    title = LineField("附件名称", max_length=200)
    file = models.FileField("文件", upload_to="campaigns/%Y/", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class RequirementKind(models.TextChoices):
    WORK_PLAN = "work_plan", "活动周工作方案"
    DEMO_TABLE = "demo_table", "示范活动汇总表"
    EXHIBITION_BOARD = "exhibition_board", "成果展展板素材"
    ADVANCED_UNIT = "advanced_unit", "先进单位"
    ADVANCED_INDIVIDUAL = "advanced_individual", "先进个人"
    LEARNING_STAR = "learning_star", "百姓学习之星"
    BRAND_PROJECT = "brand_project", "终身学习品牌项目"
    SMART_ELDERLY = "smart_elderly", "智慧助老"
    ABLE_TEACHER = "able_teacher", "能者为师"
    COMMUNITY_CASE = "community_case", "社区教育工作案例"
    TEACHING_SHOW = "teaching_show", "社区教育（老年教育）教学成果汇报展演"
    DEMO_SCHOOL = "demo_school", "示范性社区教育学校"
    CRAFT_STUDIO = "craft_studio", "百艺雅集工作室"
    STATISTICS = "statistics", "活动开展情况统计表"
    WORK_SUMMARY = "work_summary", "年度工作总结"
    TYPICAL_CASE = "typical_case", "典型案例"
    PUBLICITY = "publicity", "宣传材料"
    OTHER = "other", "其他"


SUBMITTER_KINDS = [UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY, UnitKind.INSTITUTION]

# The rules a requirement may set, with their labels; enforced wherever such material is entered.
RULE_FIELDS = {
    "title_max_chars": "标题最多字数",
    "body_min_chars": "正文最少字数",
    "body_max_chars": "正文最多字数",
    "photo_min": "照片最少张数",
    "photo_max": "照片最多张数",
    "photo_min_long_side": "照片长边最少像素",
    "cases_required": "典型案例个数",
    "quota_per_unit": "每单位限报数",
    "quota_min": "每单位最少报数",
}


class Requirement(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requirements")
    kind = LineField("类别", max_length=32, choices=RequirementKind.choices)
    title = LineField("名称", max_length=200)
    description = TextBlockField("要求", blank=True)
    applies_to = models.JSONField("报送单位层级", default=list, help_text="下级单位中哪些层级须报送")
    # The addressees a notice names besides the levels (长白山管委会教育科技局, 各高等学校 ...):
    # who answers is campaigns.selectors.applicable_q, the one rule.
    addressed_units: models.ManyToManyField[Unit, Any] = models.ManyToManyField(
        Unit, blank=True, related_name="addressed_requirements", verbose_name="点名报送的单位"
    )
    institution_types = models.JSONField(
        "须报送的机构类型",
        default=list,
        blank=True,
        help_text="发文单位之下这些类型的机构都须报送，如 普通高校。",
    )
    deadline = models.DateField("截止日期")
    closed = models.BooleanField("截止后不再接收", default=False)
    parent_requirement = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name="对应的上级报送事项",
        help_text="本级为收齐上级要求的材料而提前设定的截止日期。",
    )
    position = models.PositiveSmallIntegerField(default=0)
    title_max_chars = models.PositiveIntegerField("标题最多字数", null=True, blank=True)
    body_min_chars = models.PositiveIntegerField("正文最少字数", null=True, blank=True)
    body_max_chars = models.PositiveIntegerField("正文最多字数", null=True, blank=True)
    photo_min = models.PositiveIntegerField("照片最少张数", null=True, blank=True)
    photo_max = models.PositiveIntegerField("照片最多张数", null=True, blank=True)
    photo_min_long_side = models.PositiveIntegerField("照片长边最少像素", null=True, blank=True)
    cases_required = models.PositiveIntegerField("典型案例个数", null=True, blank=True)
    quota_per_unit = models.PositiveIntegerField("每单位限报数", null=True, blank=True)
    quota_min = models.PositiveIntegerField("每单位最少报数", null=True, blank=True)
    asks_platform = models.BooleanField(
        "须填活动周平台名称及网址", default=False, help_text="统计表表头加“活动周平台名称及网址”（如山西）。"
    )
    scoring_criteria = models.JSONField(
        "评分项",
        default=list,
        blank=True,
        help_text='推荐评选的评分项，如 [{"name": "事迹典型", "max": 40}]；留空则不评分。',
    )
    publish_winners = models.BooleanField(
        "在公众网站展示评定结果", default=False, help_text="百姓学习之星、品牌项目等评定后在公众网站展示。"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报送事项"
        verbose_name_plural = "报送事项"
        ordering = ["deadline", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def applies_to_labels(self) -> str:
        return "、".join(UnitKind(k).label for k in self.applies_to if k in UnitKind.values)

    @classmethod
    def field_label(cls, name: str) -> str:
        return str(getattr(cls._meta.get_field(name), "verbose_name", name))

    def institution_type_labels(self) -> list[str]:
        return [InstitutionType(t).label for t in self.institution_types if t in InstitutionType.values]

    def rules(self) -> list[tuple[str, int]]:
        return [
            (label, getattr(self, name))
            for name, label in RULE_FIELDS.items()
            if getattr(self, name) is not None
        ]

    def is_past(self, today: datetime.date) -> bool:
        return today > self.deadline


class SubmissionState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    RESUBMITTED = "resubmitted", "已重新提交"
    APPROVED = "approved", "已通过"


AWAITING_REVIEW = (SubmissionState.SUBMITTED, SubmissionState.RESUBMITTED)
HANDED_IN = (*AWAITING_REVIEW, SubmissionState.APPROVED)


class Submission(models.Model):
    """One unit's answer to one requirement."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions")
    state = LineField("状态", max_length=16, choices=SubmissionState.choices, default=SubmissionState.DRAFT)
    title = LineField("标题", max_length=200, blank=True)
    body = TextBlockField("正文", blank=True)
    # The structured parts of a material (a work plan's website and liaison, a case's unit,
    # publicity items), by the keys materials.rules knows for the requirement's kind.
    details = models.JSONField("其他信息", default=dict, blank=True)
    first_submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    is_late = models.BooleanField("逾期提交", default=False)
    approved_at = models.DateTimeField("通过时间", null=True, blank=True)
    return_reason = TextBlockField("退回理由", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报送"
        verbose_name_plural = "报送"
        constraints = [
            models.UniqueConstraint(fields=["requirement", "unit"], name="campaigns_submission_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.requirement}"

    def can_edit(self) -> bool:
        return self.state in (SubmissionState.DRAFT, SubmissionState.RETURNED)

    def can_submit(self) -> bool:
        return self.state in (SubmissionState.DRAFT, SubmissionState.RETURNED)

    def can_review(self) -> bool:
        return self.state in AWAITING_REVIEW

    def can_reopen(self) -> bool:
        return self.state == SubmissionState.APPROVED


class SubmissionEvent(models.Model):
    """The workflow log of a submission: who moved it, when, from what to what, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_state = LineField(max_length=16, choices=SubmissionState.choices, blank=True)
    to_state = LineField(max_length=16, choices=SubmissionState.choices)
    comment = TextBlockField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class WeekSlot(models.Model):
    """From 2024 each province applies for its activity-week dates; the ministry arranges them."""

    class Status(models.TextChoices):
        APPLIED = "applied", "已申请"
        ARRANGED = "arranged", "已安排"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="week_slots")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="week_slots")
    start = models.DateField("开始")
    end = models.DateField("结束")
    status = LineField(max_length=16, choices=Status.choices, default=Status.APPLIED)
    # What the province asked for (empty when the ministry arranged a province that did not apply).
    applied_start = models.DateField("申请开始", null=True, blank=True)
    applied_end = models.DateField("申请结束", null=True, blank=True)

    class Meta:
        ordering = ["start", "province__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "province"], name="campaigns_weekslot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.start:%m-%d}—{self.end:%m-%d}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class WeekSlotChange(models.Model):
    """The history of a province's week: each arrangement by the ministry, with its reason
    (required when the dates differ from those applied for)."""

    slot = models.ForeignKey(WeekSlot, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_start = models.DateField("原开始", null=True, blank=True)
    from_end = models.DateField("原结束", null=True, blank=True)
    start = models.DateField("开始")
    end = models.DateField("结束")
    reason = TextBlockField("理由", blank=True)

    class Meta:
        verbose_name = "活动周安排记录"
        verbose_name_plural = "活动周安排记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.slot.province} {self.start:%m-%d}—{self.end:%m-%d}"


class Reminder(models.Model):
    """A reminder sent to one unit about one requirement: when, by whom, and how it reached the
    unit (``channels``: 站内, 邮件; empty when the unit had no account)."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField("时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    channels = LineField("渠道", max_length=20, blank=True)

    class Meta:
        verbose_name = "催报记录"
        verbose_name_plural = "催报记录"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["requirement", "unit", "at"], name="campaigns_reminder_last")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.requirement} · {self.at:%Y-%m-%d %H:%M}"


class DeadlineNotice(models.Model):
    """That a unit was told a requirement's deadline is ``days`` away (7 or 1): once each."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveSmallIntegerField("提前天数")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "截止提醒记录"
        verbose_name_plural = "截止提醒记录"
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "unit", "days"], name="campaigns_deadlinenotice_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.requirement} · {self.days} 天"
