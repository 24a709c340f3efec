"""Activities: what every level organises, registers, imports from 附表1 and counts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from learnweek.activities.search import SearchTextField
from learnweek.campaigns.models import Campaign
from learnweek.core.fields import LineField, TextBlockField
from learnweek.orgs.models import Unit


class Category(models.TextChoices):
    """The primary category; the first four are the reading columns of the statistics table."""

    THEMED_READING = "themed_reading", "主题阅读活动"
    PUBLISHER_PICKS = "publisher_picks", "社长（总编）荐书"
    ONLINE_LECTURE = "online_lecture", "线上社会大讲堂"
    DIGITAL_READING = "digital_reading", "数字阅读分享"
    SMART_ELDERLY = "smart_elderly", "智慧助老"
    SKILLED_TEACHERS = "skilled_teachers", "能者为师"
    OPENING = "opening", "开幕式"
    SHOWCASE = "showcase", "成果展示"
    LIGHT_UP = "light_up", "亮灯活动"
    SEMINAR = "seminar", "终身教育研讨"
    OPEN_DAY = "open_day", "开放参观"
    OTHER = "other", "其他"


class Mode(models.TextChoices):
    OFFLINE = "offline", "线下"
    ONLINE = "online", "线上"
    BOTH = "both", "线上线下"


class LinkAccess(models.TextChoices):
    """Who sees an activity's online link on the public side."""

    EVERYONE = "everyone", "所有人可见"
    REGISTERED = "registered", "仅已报名（获得名额）者可见"


class Audience(models.TextChoices):
    WORKERS = "workers", "企业职工"
    SERVICE = "service", "现代服务业员工"
    MIGRANTS = "migrants", "进城务工人员"
    VETERANS = "veterans", "退役军人"
    FARMERS = "farmers", "高素质农民"
    RESIDENTS = "residents", "城乡社区居民"
    ELDERLY = "elderly", "老年人群"
    EDUCATORS = "educators", "成人继续教育工作者"
    STUDENTS = "students", "青少年学生"
    FAMILIES = "families", "家庭"


class Activity(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="activities", verbose_name="年度活动"
    )
    organiser = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="activities", verbose_name="主办单位"
    )
    # The organiser's tree path, copied when the activity is written: the subtree filter of a
    # million-row list is then one index range on this table, without a join.
    unit_path = LineField(max_length=255)
    # The campaign's year, copied when the activity is written: on PostgreSQL the table is
    # partitioned by it (core.partitioning), and a query that names it reads one year's partition.
    year = models.PositiveSmallIntegerField("年度", editable=False)
    organiser_name = LineField("主办单位（原文）", max_length=200, blank=True)
    co_organisers = LineField("协办单位", max_length=300, blank=True)
    name = LineField("活动名称", max_length=200)
    category = LineField("活动类别", max_length=24, choices=Category.choices)
    forms = LineField("活动形式", max_length=200, blank=True, help_text="如 读书节、读书沙龙、公开课")
    is_week = models.BooleanField("活动周活动", default=False)
    is_demonstration = models.BooleanField("示范活动", default=False)
    start = models.DateTimeField("开始时间")
    end = models.DateTimeField("结束时间")
    time_known = models.BooleanField("含具体时刻", default=True)
    mode = LineField("活动方式", max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    address = LineField("活动地点", max_length=300, blank=True)
    division = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在区划"
    )
    online_link = models.URLField("线上链接", max_length=500, blank=True)
    # Restricted, the link is left out of every public read (activities.selectors.PublicActivityRows)
    # and shown only to a resident holding a seat (registrations.selectors).
    online_link_access = LineField(
        "线上链接向谁显示", max_length=12, choices=LinkAccess.choices, default=LinkAccess.EVERYONE
    )
    audiences = models.JSONField("面向人群", default=list, blank=True)
    headcount = models.PositiveIntegerField("人数", null=True, blank=True)
    capacity = models.PositiveIntegerField("名额", null=True, blank=True)
    registration_phone = LineField("报名电话", max_length=40, blank=True)
    content = TextBlockField("活动内容", blank=True)
    person_times = models.PositiveIntegerField("参加人次", null=True, blank=True)
    is_internal = models.BooleanField("内部活动（不公开）", default=False)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = LineField("取消原因", max_length=200, blank=True)
    # Seats given and places on the waiting list, kept by registrations.services under the
    # activity's row lock: every change of a registration's status moves them in the same
    # transaction, so a sign-up counts nothing (migration 0090 filled them from the rows).
    confirmed_count = models.PositiveIntegerField("已报名人数", default=0, db_default=0, editable=False)
    waitlisted_count = models.PositiveIntegerField("候补人数", default=0, db_default=0, editable=False)
    # The search tokens of the public finder (activities.search), written with the activity.
    search_text = SearchTextField(blank=True, default="", editable=False)
    import_key = LineField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "unit_path",
            "year",
            "import_key",
            "search_text",
            "confirmed_count",
            "waitlisted_count",
        ]
    )

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        # The back-office list: one campaign, a subtree (a LIKE 'prefix%' on unit_path: the
        # pattern operator class lets PostgreSQL use the index under any collation), newest first.
        indexes = [
            models.Index(
                fields=["campaign", "unit_path", "start"],
                name="act_campaign_path_start",
                opclasses=["int8_ops", "varchar_pattern_ops", "timestamptz_ops"],
                include=["end", "id", "year"],
            ),
            models.Index(
                fields=["campaign", "category", "unit_path", "start"],
                name="act_campaign_cat_path_start",
                opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops", "timestamptz_ops"],
                # "end", the id and the year ride along: counting a filtered list and finding
                # the ids of one page are then index-only scans (see core.paging). Without the
                # year they are not: PostgreSQL keeps the list's year = … as a filter even in
                # the partition that holds only that year, and would read every row's heap.
                include=["end", "id", "year"],
            ),
            models.Index(fields=["start"], name="act_start"),
            # What has not ended yet (the finder's default): a range on "end".
            models.Index(fields=["end"], name="act_end"),
            # The public finder: a region (subtree) across campaigns, by date.
            models.Index(
                fields=["unit_path", "start"],
                name="act_path_start",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            # The GIN index of the Chinese search is PostgreSQL-only: migration 0003.
        ]
        constraints = [
            # Every unique constraint carries the year: PostgreSQL enforces uniqueness per partition.
            models.UniqueConstraint(
                fields=["campaign", "import_key", "year"],
                condition=~models.Q(import_key=""),
                name="act_import_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="act_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def audience_labels(self) -> str:
        return "、".join(Audience(a).label for a in self.audiences if a in Audience.values)


class DemoTableSnapshot(models.Model):
    """A 附表1 as it was handed in: its rows in the notice's columns and its 填表联系人, frozen
    at the hand-in (activities.demo_table). The reviewer reads it and its export is made from it;
    a later change to the activities does not reach it."""

    submission = models.ForeignKey(
        "campaigns.Submission", on_delete=models.CASCADE, related_name="demo_table_snapshots"
    )
    taken_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        ordering = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission} · {self.taken_at:%Y-%m-%d %H:%M}"


class ImportPreview(models.Model):
    """An uploaded 附表1 as it will be written, kept between the upload and 确认导入 so nothing
    is lost between the two steps. Only the account that uploaded it sees it
    (``selectors.import_preview_get``); ``rows`` holds one entry per data row (see
    ``services.import_preview_create``): its row number, organiser, values, what was inferred and
    why, and what is wrong with it."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name="年度活动"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="填报单位")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = LineField("文件名", max_length=200, blank=True)
    demonstration = models.BooleanField("均为示范活动", default=True)
    rows = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    result = LineField("导入结果", max_length=300, blank=True)

    class Meta:
        verbose_name = "导入预览"
        verbose_name_plural = "导入预览"

    def __str__(self) -> str:
        return self.file_name or f"导入预览 {self.pk}"
