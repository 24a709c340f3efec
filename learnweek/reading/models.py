"""Books, curated book lists (社长（总编）荐书, 名家领读, 书香家庭, a province's list, the 阅读指导目录)
and the online lecture hall (线上社会大讲堂)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from learnweek.core.fields import LineField, TextBlockField
from learnweek.orgs.models import Unit


class Audience(models.TextChoices):
    ELDERLY = "elderly", "老年人"
    YOUTH = "youth", "青少年"
    FAMILY = "family", "家庭亲子"
    WORKERS = "workers", "职工"
    FARMERS = "farmers", "农民"
    VETERANS = "veterans", "退役军人"
    GENERAL = "general", "社会公众"


class Book(models.Model):
    isbn = LineField("ISBN", max_length=13, unique=True, help_text="ISBN-13")
    title = LineField("书名", max_length=200)
    author = LineField("作者", max_length=200, blank=True)
    publisher = LineField("出版社", max_length=100, blank=True)
    year = models.PositiveSmallIntegerField("出版年", null=True, blank=True)
    category = LineField("分类", max_length=50, blank=True)
    audiences = models.JSONField("适读人群", default=list, blank=True)
    summary = TextBlockField("简介", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "图书"
        verbose_name_plural = "图书"
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return f"《{self.title}》"


class ListKind(models.TextChoices):
    PRESIDENT = "president", "社长（总编）荐书"
    MASTER = "master", "名家领读"
    FAMILY = "family", "书香家庭"
    REGIONAL = "regional", "地方推荐书单"
    EXPERT = "expert", "专家荐书"
    GUIDED = "guided", "导学导读"
    GUIDANCE = "guidance", "阅读指导目录"


class BookList(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="book_lists", verbose_name="发布单位"
    )
    kind = LineField("类别", max_length=16, choices=ListKind.choices)
    title = LineField("名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    publisher = LineField("出版社", max_length=100, blank=True, help_text="社长（总编）荐书：推荐的出版社")
    recommender = LineField("推荐人", max_length=100, blank=True, help_text="如：社长 王某某")
    description = TextBlockField("说明", blank=True)
    published = models.BooleanField("公开", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "书单"
        verbose_name_plural = "书单"
        ordering = ["-year", "unit__path", "pk"]

    def __str__(self) -> str:
        return self.title


class BookListEntry(models.Model):
    """A book on a list, with its recommendation text (or, in the catalogue, its reading guide),
    and in the catalogue the audience and topic it is grouped under."""

    book_list = models.ForeignKey(BookList, on_delete=models.CASCADE, related_name="entries")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="entries")
    note = TextBlockField("推荐语或导读", blank=True)
    audience = LineField("适读人群", max_length=16, choices=Audience.choices, blank=True)
    topic = LineField("主题", max_length=50, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["book_list", "book"], name="reading_entry_once")]

    def __str__(self) -> str:
        return f"{self.book_list} · {self.book}"


class Lecture(models.Model):
    """A lecture or open course of the online lecture hall."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="lectures", verbose_name="发布单位")
    title = LineField("题目", max_length=200)
    speaker = LineField("主讲人", max_length=100)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)
    platform = LineField("平台", max_length=100, help_text="如：国家智慧教育公共服务平台，或本省平台")
    link = models.URLField("观看链接", max_length=500)
    audiences = models.JSONField("适合人群", default=list, blank=True)
    topic = LineField("主题", max_length=50, blank=True)
    recording_url = models.URLField("回放链接", max_length=500, blank=True)
    description = TextBlockField("简介", blank=True)
    published = models.BooleanField("公开", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "讲座"
        verbose_name_plural = "讲座"
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


# -- residents' reading ------------------------------------------------------------------------


class AgeGroup(models.TextChoices):
    CHILD = "child", "儿童"
    YOUTH = "youth", "青少年"
    ADULT = "adult", "成年人"
    ELDER = "elder", "老年人"


class ReaderProfile(models.Model):
    """What a resident tells about itself for recommendations: where it lives, its age group,
    who it reads for and what interests it. All optional."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_profile"
    )
    region = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="所在地区"
    )
    age_group = LineField("年龄段", max_length=8, choices=AgeGroup.choices, blank=True)
    audiences = models.JSONField("关注人群", default=list, blank=True)
    interests = LineField("兴趣", max_length=200, blank=True, help_text="如：历史、养生、亲子")

    def __str__(self) -> str:
        return f"{self.account} 的阅读资料"


class Reader(models.Model):
    """One reader of a family account (亲子阅读): the resident and, if it likes, its children or
    parents, each with their own log."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readers")
    name = LineField("称呼", max_length=30)
    age_group = LineField("年龄段", max_length=8, choices=AgeGroup.choices, blank=True)
    is_self = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_self", "pk"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="reading_reader_name_once")]

    def __str__(self) -> str:
        return self.name


class ReadingStatus(models.TextChoices):
    WANT = "want", "想读"
    READING = "reading", "在读"
    READ = "read", "读过"


class ReadingLog(models.Model):
    """A book on a reader's log: a book of the catalogue, or one the resident typed in (title,
    author, ISBN as given) that the catalogue does not hold."""

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="logs")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="logs", null=True, blank=True)
    title = LineField("书名", max_length=200, blank=True, help_text="图书库中没有的书：居民填写的书名")
    author = LineField("作者", max_length=200, blank=True)
    isbn = LineField("ISBN", max_length=13, blank=True, help_text="居民填写的 ISBN（ISBN-13）")
    status = LineField("状态", max_length=8, choices=ReadingStatus.choices)
    notes = TextBlockField("笔记", blank=True)
    times_read = models.PositiveSmallIntegerField("读过遍数", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reader", "book"], name="reading_log_once"),
            models.UniqueConstraint(
                fields=["reader", "title", "author"],
                condition=models.Q(book__isnull=True),
                name="reading_log_own_once",
            ),
            models.CheckConstraint(
                condition=models.Q(book__isnull=False) | ~models.Q(title=""), name="reading_log_names_a_book"
            ),
        ]
        indexes = [models.Index(fields=["book", "status"], name="reading_log_book")]

    def __str__(self) -> str:
        return f"《{self.book_title}》"

    @property
    def book_title(self) -> str:
        return self.book.title if self.book is not None else self.title

    @property
    def book_author(self) -> str:
        return self.book.author if self.book is not None else self.author


class Finish(models.Model):
    """One finished reading of a book (a re-read is another row): what goals, badges and the
    leaderboard count. It belongs to its line of the log and goes with it."""

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="finishes")
    log = models.ForeignKey(ReadingLog, on_delete=models.CASCADE, related_name="finishes")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="finishes", null=True, blank=True)
    on = models.DateField("读完日期")

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["reader", "on"], name="reading_finish_reader")]

    def __str__(self) -> str:
        return f"{self.reader} 读完 {self.log}（{self.on}）"


class ReadingDay(models.Model):
    """A day the reader marked as read (打卡): streaks count these."""

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="days")
    on = models.DateField()

    class Meta:
        ordering = ["-on"]
        constraints = [models.UniqueConstraint(fields=["reader", "on"], name="reading_day_once")]

    def __str__(self) -> str:
        return f"{self.reader} {self.on}"


class ReadingGoal(models.Model):
    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="goals")
    year = models.PositiveSmallIntegerField()
    books = models.PositiveSmallIntegerField("目标本数")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reader", "year"], name="reading_goal_once")]

    def __str__(self) -> str:
        return f"{self.reader} {self.year}年 {self.books} 本"


class IncentiveScheme(models.Model):
    """A province's reading incentive scheme (阅读激励机制): which badges it awards and whether its
    community leaderboard is shown. Provinces without one use the defaults."""

    province = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="incentive_scheme")
    goal_badge = models.BooleanField("年度目标徽章", default=True)
    streak_days = models.PositiveSmallIntegerField("连续阅读徽章天数", default=7, help_text="0 为不设此徽章")
    list_badge = models.BooleanField("读完书单徽章", default=True)
    family_badge = models.BooleanField("亲子共读徽章", default=True)
    leaderboard = models.BooleanField("显示各区县阅读榜", default=False)

    def __str__(self) -> str:
        return f"{self.province} 阅读激励"


class EssayCall(models.Model):
    """An essay call (读书征文) of the digital-reading sharing: residents send one essay each."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="essay_calls", verbose_name="发布单位"
    )
    title = LineField("征文名称", max_length=200)
    description = TextBlockField("征文要求", blank=True)
    deadline = models.DateField("截止日期")
    max_chars = models.PositiveIntegerField("正文最多字数", default=3000)
    published = models.BooleanField("公开", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deadline", "pk"]

    def __str__(self) -> str:
        return self.title


class Essay(models.Model):
    call = models.ForeignKey(EssayCall, on_delete=models.CASCADE, related_name="essays")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="essays")
    title = LineField("题目", max_length=50)
    body = TextBlockField("正文")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["call", "account"], name="reading_essay_once")]

    def __str__(self) -> str:
        return self.title
