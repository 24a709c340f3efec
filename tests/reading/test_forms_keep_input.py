"""Every form of the reading pages keeps what was typed when it is refused: the page comes back
with the typed values in the fields and the reason (issue 23, item 9). One bad value is sent with
good ones in the other fields; the good ones must come back."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from learnweek.orgs.roles import Role
from learnweek.reading import log_services, services
from learnweek.reading.models import Book, BookList, EssayCall, Lecture, ReadingLog
from tests.factories import StaffFactory
from tests.helpers import PROVINCE, unit

pytestmark = pytest.mark.django_db

LAST_WEEK = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()


@pytest.fixture
def curator(tree):
    return StaffFactory(unit=unit(PROVINCE), roles=[Role.ADMIN, Role.REPORTER])


@pytest.fixture
def book_list(curator):
    return services.book_list_create(
        actor=curator, unit=unit(PROVINCE), kind="regional", title="吉林省全民阅读推荐书目", year=2026
    )


@pytest.mark.parametrize(
    ("url", "sent", "reason", "kept"),
    [
        pytest.param(
            "book_list_new",
            {
                "kind": "president",
                "title": "2026年社长荐书",
                "year": "2026",
                "recommender": "社长 王某某",
                "description": "面向青少年的十本好书",
            },
            "社长（总编）荐书请填写出版社",
            ['value="2026年社长荐书"', 'value="社长 王某某"', "面向青少年的十本好书</textarea>"],
            id="book list",
        ),
        pytest.param(
            "book_list",
            {"isbn": "9787000000001", "note": "写给孩子的家乡史", "topic": "乡土"},
            "图书库中还没有 ISBN 9787000000001 的书",
            ['value="9787000000001"', "写给孩子的家乡史</textarea>", 'value="乡土"'],
            id="book list entry",
        ),
        pytest.param(
            "lecture_new",
            {
                "title": "数字时代的阅读",
                "speaker": "李教授",
                "starts_at": "2026-09-20T19:00",
                "platform": "吉林省终身学习平台",
                "link": "吉林学习网",
            },
            "观看链接“吉林学习网”不是 http(s) 网址",
            [
                'value="数字时代的阅读"',
                'value="李教授"',
                'value="2026-09-20T19:00"',
                'value="吉林省终身学习平台"',
            ],
            id="lecture",
        ),
        pytest.param(
            "essay_call_new",
            {
                "title": "我与一本书的故事",
                "description": "不超过三千字",
                "deadline": LAST_WEEK,
                "max_chars": "3000",
            },
            "已过",
            ['value="我与一本书的故事"', "不超过三千字</textarea>", f'value="{LAST_WEEK}"'],
            id="essay call",
        ),
        pytest.param(
            "incentive_scheme",
            {"goal_badge": "on", "streak_days": "400", "leaderboard": "on"},
            "",
            [
                'name="goal_badge" id="id_goal_badge" checked',
                'value="400"',
                'name="leaderboard" id="id_leaderboard" checked',
            ],
            id="incentive scheme",
        ),
    ],
)
def test_a_refused_reading_form_of_the_back_office_keeps_what_was_typed(
    client, curator, book_list, url, sent, reason, kept
):
    client.force_login(curator)
    address = reverse(f"backoffice:{url}", args=[book_list.pk] if url == "book_list" else [])
    response = client.post(address, sent)
    page = response.content.decode()
    assert response.status_code == 200
    assert reason in page
    for text in kept:
        assert text in page
    assert BookList.objects.count() == 1 and not Lecture.objects.exists() and not EssayCall.objects.exists()
    assert not book_list.entries.exists()


def test_a_refused_book_file_is_asked_for_again(client, curator):
    client.force_login(curator)
    bad = SimpleUploadedFile("书目.csv", "书名\n红楼梦\n".encode(), "text/csv")
    response = client.post(reverse("backoffice:book_import"), {"file": bad})
    page = response.content.decode()
    assert response.status_code == 200
    assert "缺少列" in page and "请重新选择文件" in page


# -- the resident's reading page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "reason", "kept"),
    [
        pytest.param(
            {
                "action": "log",
                "reader": "self",
                "title": "骆驼祥子",
                "author": "老舍",
                "isbn": "978-7-02-000220-8",
                "status": "reading",
                "notes": "第三章很好看",
            },
            "ISBN“978-7-02-000220-8”的校验位不对（按前 12 位应为 7）",
            [
                'value="骆驼祥子"',
                'value="老舍"',
                'value="978-7-02-000220-8"',
                'value="reading" class="choices" required id="id_status_1" checked',
                "第三章很好看</textarea>",
            ],
            id="a book with a wrong ISBN",
        ),
        pytest.param(
            {"action": "goal", "reader": "self", "books": "两千"},
            "年度目标应为 1—1000 本",
            ['name="books" inputmode="numeric" size="4" value="两千"'],
            id="a goal that is not a number",
        ),
        pytest.param(
            {"action": "reader", "name": "女儿", "age_group": "baby"},
            "请选择年龄段",
            ['placeholder="如：女儿" value="女儿"'],
            id="a family reader without an age group",
        ),
        pytest.param(
            {"action": "profile", "province": "220000", "age_group": "baby", "interests": "历史、养生"},
            "请检查所填内容",
            ['<option value="220000" selected>吉林省</option>', 'value="历史、养生"'],
            id="a profile with an unknown age group",
        ),
    ],
)
def test_a_refused_form_of_my_reading_keeps_what_was_typed(client, make_resident, tree, sent, reason, kept):
    Book.objects.create(isbn="9787020002207", title="红楼梦", author="曹雪芹", audiences=["general"])
    resident = make_resident()
    me = log_services.reader_self(account=resident)
    if sent.get("reader") == "self":
        sent = sent | {"reader": str(me.pk)}
    client.force_login(resident)
    response = client.post(reverse("public:my_reading_act"), sent)
    page = response.content.decode()
    assert response.status_code == 200
    assert reason in page
    for text in kept:
        assert text in page
    assert not ReadingLog.objects.exists()


def test_a_refused_essay_keeps_its_title_and_text(client, make_resident, tree):
    call = services.essay_call_create(
        actor=None,
        unit=unit(PROVINCE),
        title="我与一本书的故事",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        max_chars=200,
        published=True,
    )
    client.force_login(make_resident())
    response = client.post(
        reverse("public:essay_call", args=[call.pk]), {"title": "读《红楼梦》", "body": "好" * 201}
    )
    page = response.content.decode()
    assert response.status_code == 400  # this page's existing answer to refused input
    assert "正文不超过 200 字（现有 201 字）" in page
    assert 'value="读《红楼梦》"' in page and "好" * 201 + "</textarea>" in page
