"""A resident's reading: the log with re-reads, goals, streaks, badges by the province's scheme,
family readers, the leaderboard, and recommendations with reasons."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learnweek.core.errors import DomainError, NotFound
from learnweek.reading import log_services, services
from learnweek.reading.log_selectors import account_reading, leaderboard
from learnweek.reading.models import Book, Reader
from learnweek.reading.recommend import forget_model, recommend_books, recommend_for
from tests.helpers import COUNTY, PROVINCE, unit

pytestmark = pytest.mark.django_db

BOOKS = [
    ("9787020002207", "红楼梦", "曹雪芹", "古典文学", ["general"]),
    ("9787020008735", "三国演义", "罗贯中", "古典文学", ["general"]),
    ("9787020008728", "水浒传", "施耐庵", "古典文学", ["general"]),
    ("9787544270878", "解忧杂货店", "东野圭吾", "小说", ["youth"]),
    ("9787521600353", "老年人智能手机使用指南", "编写组", "生活", ["elderly"]),
    ("9787530216781", "平凡的世界", "路遥", "当代文学", ["general"]),
]


@pytest.fixture
def books(db):
    return {
        title: Book.objects.create(isbn=isbn, title=title, author=a, category=c, audiences=aud)
        for isbn, title, a, c, aud in BOOKS
    }


def test_log_rereads_goal_streak_and_badges(make_resident, books):
    resident = make_resident()
    me = log_services.reader_self(account=resident)
    today = timezone.localdate()
    log_services.goal_set(account=resident, reader=me, books=2)
    log_services.log_set(account=resident, reader=me, book=books["红楼梦"], status="read")
    log = log_services.log_set(
        account=resident, reader=me, book=books["红楼梦"], status="read", notes="第二遍"
    )
    assert log.times_read == 2
    for days_ago in range(7):
        log_services.day_mark(account=resident, reader=me, on=today - datetime.timedelta(days=days_ago))
    view = account_reading(resident, today=today)[0]
    assert (view.finished, view.goal, view.percent, view.streak) == (2, 2, 100, 7)
    assert [b.title for b in view.badges] == ["年度目标达成", "连续阅读 7 天"]
    with pytest.raises(DomainError, match="在今天之后"):
        log_services.log_set(
            account=resident,
            reader=me,
            book=books["三国演义"],
            status="read",
            finished_on=today + datetime.timedelta(days=1),
        )
    with pytest.raises(DomainError, match="年度目标应为 1—1000 本"):
        log_services.goal_set(account=resident, reader=me, books=0)


def test_family_reading_and_a_provinces_scheme(make_resident, books, province_admin):
    resident = make_resident()
    log_services.profile_save(account=resident, region=unit(COUNTY))
    me = log_services.reader_self(account=resident)
    daughter = log_services.reader_add(account=resident, name="女儿", age_group="child")
    with pytest.raises(DomainError, match="已有称呼为“女儿”的读者"):
        log_services.reader_add(account=resident, name="女儿")
    for reader in (me, daughter):
        log_services.log_set(account=resident, reader=reader, book=books["解忧杂货店"], status="read")
    views = {v.reader.name: v for v in account_reading(resident)}
    assert "亲子共读" in [b.title for b in views["女儿"].badges]
    log_services.scheme_save(
        actor=province_admin, province=unit(PROVINCE), family_badge=False, leaderboard=True
    )
    views = {v.reader.name: v for v in account_reading(resident)}
    assert "亲子共读" not in [b.title for b in views["女儿"].badges]
    board = leaderboard(unit(PROVINCE), timezone.localdate().year)
    assert [(row.unit.code, row.books) for row in board] == [(COUNTY, 2)]
    other = make_resident(phone="13900001111")
    with pytest.raises(NotFound):
        log_services.log_set(account=other, reader=daughter, book=books["红楼梦"], status="want")


def test_recommendations_come_with_reasons(make_resident, books, tree):
    forget_model()
    # Others who read 红楼梦 also read 三国演义 and 水浒传.
    for i in range(6):
        reader = log_services.reader_self(account=make_resident(phone=f"1390000{i:04d}"))
        for title in ("红楼梦", "三国演义", "水浒传"):
            log_services.log_set(account=reader.account, reader=reader, book=books[title], status="read")
    newcomer = make_resident(phone="13700000000")
    curator_list = services.book_list_create(
        actor=None, unit=unit(PROVINCE), kind="guidance", title="阅读指导目录", year=2026, published=True
    )
    services.book_list_add(
        actor=None, book_list=curator_list, isbn=BOOKS[4][0], audience="elderly", note="跟着学"
    )
    log_services.profile_save(account=newcomer, age_group="elder")
    fresh = recommend_books(newcomer)
    assert fresh[0].title == "《老年人智能手机使用指南》" and fresh[0].reason == "适合老年人"

    me = log_services.reader_self(account=newcomer)
    log_services.log_set(account=newcomer, reader=me, book=books["红楼梦"], status="read")
    forget_model()
    suggested = recommend_books(newcomer)
    titles = [s.title for s in suggested]
    assert "《红楼梦》" not in titles
    assert set(titles[:2]) == {"《三国演义》", "《水浒传》"}
    assert suggested[0].reason == "因为你读过《红楼梦》"
    assert any(s.reason == "适合老年人" for s in suggested)


def test_the_reading_page_for_a_resident(client, make_resident, books, make_activity):
    resident = make_resident()
    client.force_login(resident)
    page = reverse("public:my_reading")
    assert "我的阅读" in client.get(page).content.decode()
    act = reverse("public:my_reading_act")
    client.post(act, {"action": "log", "title": "红楼梦", "status": "read"})
    client.post(act, {"action": "goal", "books": "1"})
    client.post(act, {"action": "day"})
    response = client.get(page).content.decode()
    assert "《红楼梦》" in response and "年度目标达成" in response
    assert Reader.objects.filter(account=resident).count() == 1
    client.logout()
    assert client.get(page)["Location"].startswith(reverse("public:sign_in"))


def test_recommend_for_lists_nearby_activities(make_resident, books, make_activity):
    resident = make_resident()
    log_services.profile_save(account=resident, region=unit(COUNTY))
    make_activity("朝阳区读书沙龙")
    suggestions = recommend_for(resident)
    nearby = [s for s in suggestions if s.kind == "activity"]
    assert nearby and nearby[0].title == "朝阳区读书沙龙" and nearby[0].reason.endswith("本周举办")


def test_a_province_sets_its_scheme_on_a_page(client, province_admin, city_admin):
    from learnweek.reading.models import IncentiveScheme

    client.force_login(city_admin)
    assert client.get(reverse("backoffice:incentive_scheme")).status_code == 404
    client.force_login(province_admin)
    page = client.get(reverse("backoffice:incentive_scheme")).content.decode()
    assert "连续阅读徽章天数" in page
    client.post(
        reverse("backoffice:incentive_scheme"), {"goal_badge": "on", "streak_days": "21", "leaderboard": "on"}
    )
    scheme = IncentiveScheme.objects.get(province=unit(PROVINCE))
    assert (scheme.streak_days, scheme.leaderboard, scheme.family_badge) == (21, True, False)


def test_a_residents_sign_ups_stand_for_its_district(make_resident, make_activity):

    from learnweek.registrations.services import registration_create

    resident = make_resident()
    first = make_activity("朝阳区书法体验课")
    registration_create(activity_id=first.pk, phone=resident.phone, name="李阿姨", resident=resident)
    make_activity("朝阳区读书沙龙")
    nearby = [s for s in recommend_for(resident) if s.kind == "activity"]
    assert "朝阳区读书沙龙" in [s.title for s in nearby]
    assert nearby[0].reason == "你报名过活动的朝阳区本周举办"


def test_a_whole_list_read_earns_its_badge(make_resident, books, tree):
    resident = make_resident()
    me = log_services.reader_self(account=resident)
    picks = services.book_list_create(
        actor=None, unit=unit(PROVINCE), kind="regional", title="四大名著", year=2026, published=True
    )
    for isbn in (BOOKS[0][0], BOOKS[1][0]):
        services.book_list_add(actor=None, book_list=picks, isbn=isbn)
    log_services.log_set(account=resident, reader=me, book=books["红楼梦"], status="read")
    assert "读完书单《四大名著》" not in [b.title for b in account_reading(resident)[0].badges]
    log_services.log_set(account=resident, reader=me, book=books["三国演义"], status="read")
    assert "读完书单《四大名著》" in [b.title for b in account_reading(resident)[0].badges]


def test_the_reading_page_opens_before_any_book_is_in_the_catalogue(client, make_resident):
    forget_model()
    client.force_login(make_resident())
    response = client.get(reverse("public:my_reading"))
    assert response.status_code == 200 and "我的阅读" in response.content.decode()
