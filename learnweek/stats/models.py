"""The statistics table (活动开展情况统计表): what only a unit can add to the live figures (its
header and the totals it reports instead of listing activities) and the frozen copy it submits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from learnweek.activities.models import Category
from learnweek.campaigns.models import Campaign, Submission
from learnweek.core.fields import LineField
from learnweek.orgs.models import Unit


class Column(models.TextChoices):
    """The five columns of the table, in the notice's order; the keys are those of the JSON."""

    THEME_READING = "theme_reading", "主题阅读活动"
    BOOK_RECOMMENDATION = "book_recommendation", "“社长（总编）荐书”活动"
    ONLINE_LECTURE = "online_lecture", "线上社会大讲堂"
    DIGITAL_READING = "digital_reading", "数字阅读分享活动"
    ACTIVITY_WEEK = "activity_week", "全民终身学习活动周"


# The reading columns count activities by primary category; the week column by the week flag.
READING_COLUMNS = {
    Category.THEMED_READING: Column.THEME_READING,
    Category.PUBLISHER_PICKS: Column.BOOK_RECOMMENDATION,
    Category.ONLINE_LECTURE: Column.ONLINE_LECTURE,
    Category.DIGITAL_READING: Column.DIGITAL_READING,
}


class ReportedTotal(models.Model):
    """Totals a unit reports for itself or a unit below it, instead of listing the activities.

    They add to 活动数 and 参加人次 of their column at the level of ``unit`` and make that unit
    count as having held the column."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="reported_totals", verbose_name="年度活动"
    )
    entered_by_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="填报单位"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reported_totals", verbose_name="开展单位"
    )
    column = LineField("统计栏目", max_length=24, choices=Column.choices)
    activities = models.PositiveIntegerField("活动数")
    person_times = models.PositiveIntegerField("参加人次", default=0)
    note = LineField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "汇总填报数"
        verbose_name_plural = "汇总填报数"
        ordering = ["column", "unit__path", "pk"]
        indexes = [models.Index(fields=["campaign", "unit"], name="stats_total_campaign_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_column_display()} {self.activities}"


class StatsHeader(models.Model):
    """The header of a unit's table, filled once per unit and year's campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    contact_name = LineField("联系人", max_length=50, blank=True)
    department = LineField("所在部门", max_length=100, blank=True)
    office_phone = LineField("办公电话", max_length=40, blank=True)
    mobile = LineField("手机号码", max_length=20, blank=True)
    platform_name = LineField("活动周平台名称", max_length=100, blank=True)
    platform_url = models.URLField("活动周平台网址", max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "统计表表头"
        verbose_name_plural = "统计表表头"
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="stats_header_unique")]

    def __str__(self) -> str:
        return f"{self.unit} 统计表表头"


class StatsSnapshot(models.Model):
    """The table as it stood when the unit submitted it; the approved one is what the level above
    sees as reported, whatever the live figures do afterwards."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="stats_snapshots")
    taken_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        verbose_name = "统计表报送快照"
        verbose_name_plural = "统计表报送快照"
        ordering = ["-taken_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.submission} 快照 {self.taken_at:%Y-%m-%d %H:%M}"
