"""Demo reading for `make demo`: a 社长荐书 list, a reading guidance catalogue for older readers,
a lecture of the coming days and an essay call, published by Jilin through the services."""

from __future__ import annotations

import datetime

import isbnlib
from django.db import transaction
from django.utils import timezone

from learnweek.accounts.models import User
from learnweek.core import clock
from learnweek.reading import services
from learnweek.reading.models import BookList

# Demo books: the ISBN stems are made up; their check digits are computed, so they are valid ISBNs.
BOOKS = [
    ("978702000001", "红楼梦", "曹雪芹", "中国古典小说的巅峰，百读不厌。"),
    ("978702000002", "三国演义", "罗贯中", "读英雄故事，学为人处世。"),
    ("978753020001", "平凡的世界", "路遥", "平凡人的奋斗，写给每一个普通人。"),
    ("978750630001", "活着", "余华", "关于生命与坚持的小书。"),
    ("978711500001", "老年人智能手机一本通", "编写组", "一步步学会手机支付、视频通话和防诈骗。"),
    ("978711500002", "养生与健康生活", "编写组", "读懂身体，科学养生。"),
]


def _isbn(stem: str) -> str:
    return stem + isbnlib.check_digit13(stem)


@transaction.atomic
def demo_reading() -> int:
    """Idempotent: does nothing once the demo list exists. Returns how many lists it made."""
    if BookList.objects.filter(title="2026年出版社社长推荐好书（演示）").exists():
        return 0
    jilin = User.objects.get(username="jilin")
    assert jilin.unit is not None  # every demo account belongs to a unit
    year = clock.today().year
    picks = services.book_list_create(
        actor=jilin,
        unit=jilin.unit,
        kind="president",
        title="2026年出版社社长推荐好书（演示）",
        year=year,
        publisher="演示出版社",
        recommender="社长 演示",
        published=True,
    )
    for stem, title, author, note in BOOKS[:4]:
        services.book_list_add(
            actor=jilin, book_list=picks, isbn=_isbn(stem), title=title, author=author, note=note
        )
    catalogue = services.book_list_create(
        actor=jilin,
        unit=jilin.unit,
        kind="guidance",
        title="老年人阅读指导目录（演示）",
        year=year,
        published=True,
    )
    for stem, title, author, note in BOOKS[4:]:
        services.book_list_add(
            actor=jilin,
            book_list=catalogue,
            isbn=_isbn(stem),
            title=title,
            author=author,
            note=note,
            audience="elderly",
            topic="智慧助老" if "手机" in title else "健康生活",
        )
    start = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=3
    )
    services.lecture_create(
        actor=jilin,
        unit=jilin.unit,
        title="读《平凡的世界》：平凡人的不平凡",
        speaker="演示讲师",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        platform="国家智慧教育公共服务平台",
        link="https://www.smartedu.cn/",
        audiences=["general", "elderly"],
        topic="名著导读",
        published=True,
    )
    services.essay_call_create(
        actor=jilin,
        unit=jilin.unit,
        title="我与一本书的故事（演示）",
        description="写一本影响你的书，不超过 3000 字。",
        deadline=clock.today() + datetime.timedelta(days=30),
        published=True,
    )
    return 2
