"""Curated lists, the catalogue and the lecture hall: ISBNs by check digit, imports whole or not
at all, duplicates refused or merged, links that must be http(s), and what the public sees."""

from __future__ import annotations

import datetime
import io

import isbnlib
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from learnweek.core.errors import DomainError, RowErrors
from learnweek.reading import services
from learnweek.reading.isbn import normalise_isbn
from learnweek.reading.models import Book, BookList, Lecture
from tests.helpers import COUNTY, PROVINCE, unit

pytestmark = pytest.mark.django_db

HONGLOU = "9787020002207"  # 红楼梦, 人民文学出版社


@given(st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: len(set(s)) > 1))
def test_a_valid_isbn13_passes_and_every_wrong_check_digit_fails(tail):
    stem = "978" + tail
    good = stem + isbnlib.check_digit13(stem)
    assert normalise_isbn(good) == good
    assert normalise_isbn("-".join([good[:3], good[3:9], good[9:]])) == good
    for digit in "0123456789":
        if stem + digit != good:
            with pytest.raises(DomainError, match="校验位不对"):
                normalise_isbn(stem + digit)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: len(set(s)) > 1))
def test_an_isbn10_becomes_the_same_books_isbn13(stem):
    ten = stem + isbnlib.check_digit10(stem)
    assert normalise_isbn(ten) == isbnlib.to_isbn13(ten)


def sheet(rows, header=("ISBN", "书名", "作者", "出版社", "出版年", "分类", "适读人群", "简介")):
    workbook = Workbook()
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_merges_a_books_isbn10_and_isbn13_rows(county_admin):
    from learnweek.orgs.roles import Role
    from tests.factories import StaffFactory

    reporter = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    ten = "702000220X"
    result = services.books_import(
        actor=reporter,
        unit=unit(COUNTY),
        source=sheet(
            [
                (ten, "红楼梦", "曹雪芹", "人民文学出版社", "1996", "文学", "社会公众", ""),
                ("978-7-02-000220-7", "红楼梦", "", "", "", "", "", "中国古典长篇小说"),
                (
                    "9787544270878",
                    "解忧杂货店",
                    "东野圭吾",
                    "南海出版公司",
                    "2014",
                    "文学",
                    "青少年、职工",
                    "",
                ),
            ]
        ),
        filename="books.xlsx",
    )
    assert (result.created, result.merged) == (2, 1)
    book = Book.objects.get(isbn="9787020002207")
    assert (book.author, book.summary, book.year) == ("曹雪芹", "中国古典长篇小说", 1996)
    assert Book.objects.get(isbn="9787544270878").audiences == ["youth", "workers"]


def test_an_import_with_bad_rows_stores_nothing_and_names_them(county_admin):
    from learnweek.orgs.roles import Role
    from tests.factories import StaffFactory

    reporter = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    with pytest.raises(RowErrors) as refused:
        services.books_import(
            actor=reporter,
            unit=unit(COUNTY),
            source=sheet(
                [
                    ("9787020002207", "红楼梦", "曹雪芹", "", "1996", "", "", ""),
                    ("9787020002208", "假书", "", "", "", "", "", ""),
                    ("9787544270878", "", "", "", "", "", "", ""),
                    ("9787544270878", "解忧杂货店", "", "", "二〇一四", "", "外星人", ""),
                ]
            ),
            filename="books.xlsx",
        )
    assert refused.value.errors == [
        "第3行 ISBN: ISBN“9787020002208”的校验位不对（按前 12 位应为 7）。",
        "第4行 书名: 不能为空",
        "第5行 出版年: “二〇一四”不是年份",
        "第5行 适读人群: 不认识的适读人群“外星人”（可选：老年人、青少年、家庭亲子、职工、农民、退役军人、社会公众）",
    ]
    assert not Book.objects.exists()


@pytest.fixture
def curator(tree):
    from learnweek.orgs.roles import Role
    from tests.factories import StaffFactory

    return StaffFactory(unit=unit(PROVINCE), roles=[Role.REPORTER])


@pytest.fixture
def president_list(curator):
    book_list = services.book_list_create(
        actor=curator,
        unit=curator.unit,
        kind="president",
        title="百家出版社社长推荐百本好书",
        year=2026,
        publisher="人民文学出版社",
        recommender="社长 某某",
        published=True,
    )
    services.book_list_add(
        actor=curator,
        book_list=book_list,
        isbn=HONGLOU,
        title="红楼梦",
        author="曹雪芹",
        note="中国古典小说的巅峰。",
    )
    return book_list


def test_a_book_twice_on_a_list_is_refused(president_list, curator):
    with pytest.raises(DomainError, match="《红楼梦》已在本书单中"):
        services.book_list_add(actor=curator, book_list=president_list, isbn="978-7-02-000220-7")
    with pytest.raises(DomainError, match="请填写书名"):
        services.book_list_add(actor=curator, book_list=president_list, isbn="9787544270878")
    with pytest.raises(DomainError, match="社长（总编）荐书请填写出版社"):
        services.book_list_create(
            actor=curator, unit=curator.unit, kind="president", title="无社名", year=2026
        )
    assert president_list.entries.count() == 1


def test_lecture_links_must_be_http(curator):
    start = timezone.now() + datetime.timedelta(days=2)
    values = {
        "title": "老年人智能手机使用",
        "speaker": "王老师",
        "starts_at": start,
        "platform": "国家智慧教育公共服务平台",
    }
    with pytest.raises(DomainError, match="观看链接“javascript:alert\\(1\\)”不是 http\\(s\\) 网址"):
        services.lecture_create(actor=curator, unit=curator.unit, link="javascript:alert(1)", **values)
    with pytest.raises(DomainError, match="结束时间早于开始时间"):
        services.lecture_create(
            actor=curator,
            unit=curator.unit,
            link="https://x.example.cn",
            ends_at=start - datetime.timedelta(hours=1),
            **values,
        )
    assert not Lecture.objects.exists()


def test_the_public_sees_published_lists_catalogue_lectures_and_book_pages(
    client, president_list, curator, make_activity
):
    guidance = services.book_list_create(
        actor=curator,
        unit=curator.unit,
        kind="guidance",
        title="2026年阅读指导目录",
        year=2026,
        published=True,
    )
    services.book_list_add(
        actor=curator, book_list=guidance, isbn=HONGLOU, audience="elderly", topic="经典", note="每天读一回。"
    )
    with pytest.raises(DomainError, match="须注明适读人群"):
        services.book_list_add(actor=curator, book_list=guidance, isbn="9787544270878", title="解忧杂货店")
    hidden = services.book_list_create(
        actor=curator, unit=curator.unit, kind="regional", title="草稿书单", year=2026
    )
    start = timezone.now() + datetime.timedelta(days=2)
    lecture = services.lecture_create(
        actor=curator,
        unit=curator.unit,
        title="《红楼梦》里的诗词",
        speaker="李教授",
        starts_at=start,
        platform="吉林省终身学习平台",
        link="https://learn.example.cn/live/1",
        audiences=["elderly"],
        published=True,
    )
    make_activity("红楼梦读书会")

    home = client.get(reverse("public:reading")).content.decode()
    assert "百家出版社社长推荐百本好书" in home and "草稿书单" not in home and "《红楼梦》里的诗词" in home
    assert client.get(reverse("public:book_list", args=[hidden.pk])).status_code == 404
    catalogue = client.get(reverse("public:catalogue") + "?audience=elderly").content.decode()
    assert "老年人" in catalogue and "经典" in catalogue and "每天读一回。" in catalogue
    book = client.get(reverse("public:book", args=[HONGLOU])).content.decode()
    assert "百家出版社社长推荐百本好书" in book and "2026年阅读指导目录" in book and "红楼梦读书会" in book
    feed = client.get(reverse("public:lecture_feed"))
    assert (
        feed["Content-Type"].startswith("text/calendar")
        and "《红楼梦》里的诗词（李教授）" in feed.content.decode()
    )
    assert client.get(reverse("public:lecture", args=[lecture.pk])).status_code == 200

    lists = client.get("/api/v1/reading/lists").json()
    assert [item["title"] for item in lists] == ["百家出版社社长推荐百本好书"]
    detail = client.get(f"/api/v1/reading/lists/{president_list.pk}").json()
    assert detail["entries"][0]["book"]["isbn"] == HONGLOU and detail["unit"] == "吉林省"
    groups = client.get("/api/v1/reading/catalogue").json()
    assert groups[0]["label"] == "老年人" and groups[0]["topics"]["经典"][0]["note"] == "每天读一回。"
    lectures = client.get("/api/v1/reading/lectures").json()
    assert lectures[0]["link"] == "https://learn.example.cn/live/1"


def test_staff_curate_on_the_pages_within_their_scope(client, curator, president_list, sibling_county_admin):
    client.force_login(curator)
    page = client.get(reverse("backoffice:book_list", args=[president_list.pk])).content.decode()
    assert "红楼梦" in page
    refused = client.post(
        reverse("backoffice:book_list", args=[president_list.pk]), {"isbn": "9787020002208"}
    )
    assert "校验位不对" in refused.content.decode()
    client.force_login(sibling_county_admin)
    assert client.get(reverse("backoffice:book_list", args=[president_list.pk])).status_code == 404
    assert BookList.objects.count() == 1
