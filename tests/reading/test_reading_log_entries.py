"""Issue 25, item 10: a resident logs any book (by title, or by ISBN with its check digit
checked), moves a book 想读 → 在读 → 读过 and back, deletes an entry after being asked, and every
count that the log feeds (the year's books, the goal, badges, the leaderboard) follows; a book only
wanted is not named as read in recommendations; 想读 tapped before signing in is done after it; the
profile's region is picked province → city → county."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from learnweek.reading import log_services, services
from learnweek.reading.log_selectors import account_reading, leaderboard
from learnweek.reading.models import Book, Finish, ReaderProfile, ReadingLog
from learnweek.reading.recommend import forget_model, recommend_books
from tests.helpers import CITY, COUNTY, PROVINCE, unit

pytestmark = pytest.mark.django_db

ACT = "public:my_reading_act"


@pytest.fixture
def hongloumeng(tree):
    book = Book.objects.create(isbn="9787020002207", title="红楼梦", author="曹雪芹", audiences=["general"])
    shelf = services.book_list_create(
        actor=None, unit=unit(PROVINCE), kind="regional", title="吉林省推荐书目", year=2026, published=True
    )
    services.book_list_add(actor=None, book_list=shelf, isbn=book.isbn)
    return book


@pytest.fixture
def resident(client, make_resident):
    someone = make_resident()
    client.force_login(someone)
    return someone


def _log(client, **sent):
    return client.post(
        reverse(ACT), {"action": "log", "status": "read", **sent}, follow=True
    ).content.decode()


def _view(account):
    return account_reading(account)[0]


def test_a_book_not_in_the_catalogue_is_logged_by_its_title(client, resident):
    page = _log(client, title="《骆驼祥子》", author="老舍")
    assert "已记下《骆驼祥子》，读过（图书库中没有这本书，按你填写的记下）。" in page
    assert "《骆驼祥子》</strong> 老舍" in page
    log = ReadingLog.objects.get(reader__account=resident)
    assert (log.book, log.title, log.author, log.times_read) == (None, "骆驼祥子", "老舍", 1)
    assert _view(resident).finished == 1
    # The same book again is a re-read of the same entry, not a second book.
    _log(client, title="骆驼祥子", author="老舍")
    log.refresh_from_db()
    assert ReadingLog.objects.count() == 1 and log.times_read == 2 and _view(resident).finished == 2


def test_an_isbn_of_the_catalogue_is_its_book_and_links_to_it(client, resident, hongloumeng):
    page = _log(client, isbn="702000220X", status="want")  # its ISBN-10, hyphens or not
    assert "已记下《红楼梦》，想读。" in page
    assert f'href="{reverse("public:book", args=[hongloumeng.isbn])}">《红楼梦》</a>' in page
    assert ReadingLog.objects.get().book == hongloumeng


def test_a_valid_isbn_the_catalogue_lacks_needs_a_title_and_is_kept_with_it(client, resident):
    page = _log(client, isbn="978-7-5063-0012-4")
    assert "图书库中没有 ISBN 9787506300124 的书，请同时填写书名。" in page
    assert not ReadingLog.objects.exists()
    page = _log(client, isbn="978-7-5063-0012-4", title="平凡的世界")
    assert "ISBN 9787506300124" in page
    assert ReadingLog.objects.get().isbn == "9787506300124"


@pytest.mark.parametrize(
    ("sent", "reason"),
    [
        ({"isbn": "9787020002208", "title": "红楼梦"}, "ISBN“9787020002208”的校验位不对（按前 12 位应为 7）"),
        ({"isbn": "7020002201"}, "ISBN“7020002201”的校验位不对（按前 9 位应为 X）"),
        ({"isbn": "12345"}, "ISBN“12345”应为 10 位或 13 位数字"),
        ({"title": "书" * 101}, "书名最多 100 字（现有 101 字）"),
        ({"title": "  "}, "请填写书名或 ISBN。"),
    ],
    ids=["isbn-13 check digit", "isbn-10 check digit", "isbn length", "title too long", "nothing"],
)
def test_a_refused_book_says_which_field_and_why(client, resident, sent, reason):
    page = _log(client, **sent)
    assert reason in page
    assert re.search(r'<span class="field-error" role="alert">[^<]*' + re.escape(reason), page)
    assert not ReadingLog.objects.exists() and not Finish.objects.exists()


def test_two_catalogue_books_of_one_title_ask_for_the_author(client, resident, tree):
    Book.objects.create(isbn="9787020002207", title="家", author="巴金")
    Book.objects.create(isbn="9787530216781", title="家", author="编写组")
    assert "图书库中有多本《家》，请填写作者或 ISBN" in _log(client, title="家")
    _log(client, title="家", author="巴金")
    assert ReadingLog.objects.get().book.author == "巴金"


def test_status_moves_and_every_count_follows(client, resident, hongloumeng, province_admin):
    log_services.profile_save(account=resident, region=unit(COUNTY))
    log_services.scheme_save(actor=province_admin, province=unit(PROVINCE), leaderboard=True)
    me = log_services.reader_self(account=resident)
    log_services.goal_set(account=resident, reader=me, books=1)
    _log(client, title="红楼梦", status="want")
    log = ReadingLog.objects.get()

    def move(status):
        return client.post(
            reverse(ACT), {"action": "status", "log": log.pk, "status": status}, follow=True
        ).content.decode()

    def counts():
        view = _view(resident)
        board = leaderboard(unit(PROVINCE), timezone.localdate().year) or []
        return view.finished, "年度目标达成" in [b.title for b in view.badges], [r.books for r in board]

    assert counts() == (0, False, [])
    assert "《红楼梦》已改为在读。" in move("reading")
    assert counts() == (0, False, [])
    page = move("read")
    assert "《红楼梦》已改为读过（共读过 1 遍）。" in page and "今年读完 <strong>1</strong> 本" in page
    assert counts() == (1, True, [1])
    assert "又读完一遍" in move("read")
    assert counts() == (2, True, [2])
    # Back to 在读: the latest finished reading was a mistake and is taken back.
    assert "撤回了最近一次读完记录" in move("reading")
    log.refresh_from_db()
    assert (log.status, log.times_read) == ("reading", 1) and counts() == (1, True, [1])
    move("want")
    assert counts() == (1, True, [1])  # not read: nothing more to take back
    assert "状态应为想读、在读或读过" in move("lost")


def test_a_book_read_and_logged_again_as_wanted_counts_once(client, resident, hongloumeng):
    """Logging 红楼梦 as 想读 from its page or 记一本书 after reading it this year is the same step
    back as the line's own button: the reading goes, and reading it later counts it once."""
    _log(client, title="红楼梦", status="read")
    assert _view(resident).finished == 1
    _log(client, title="红楼梦", status="want")
    log = ReadingLog.objects.get()
    assert (log.status, log.times_read, _view(resident).finished) == ("want", 0, 0)
    _log(client, title="红楼梦", status="read")
    log.refresh_from_db()
    assert (log.times_read, _view(resident).finished, Finish.objects.count()) == (1, 1, 1)


def test_reading_again_a_book_of_an_earlier_year_keeps_that_reading(client, resident, hongloumeng):
    me = log_services.reader_self(account=resident)
    last_year = timezone.localdate().replace(month=3, day=1).replace(year=timezone.localdate().year - 1)
    log = log_services.log_set(
        account=resident, reader=me, book=hongloumeng, status="read", finished_on=last_year
    )
    page = client.get(reverse("public:my_reading")).content.decode()
    assert "再读一遍（改为在读）" in page and "撤回读完" not in page
    page = client.post(
        reverse(ACT), {"action": "status", "log": log.pk, "status": "reading"}, follow=True
    ).content.decode()
    assert "《红楼梦》已改为在读，往年读完的记录保留。" in page
    log.refresh_from_db()
    assert (log.status, log.times_read) == ("reading", 1)
    assert list(Finish.objects.values_list("on", flat=True)) == [last_year]


def test_deleting_asks_first_and_takes_the_readings_with_it(client, resident, make_resident, hongloumeng):
    _log(client, title="红楼梦")
    _log(client, title="红楼梦")
    log = ReadingLog.objects.get()
    ask = client.get(reverse("public:my_reading_delete", args=[log.pk])).content.decode()
    assert "从我的书单删除《红楼梦》？" in ask and "这本书有 2 次读完记录（今年 2 次）" in ask
    assert ReadingLog.objects.exists()  # opening the question deletes nothing
    # Someone else's entry is missing, and stays.
    client.force_login(make_resident(phone="13900009999"))
    assert client.post(reverse("public:my_reading_delete", args=[log.pk])).status_code == 404
    assert ReadingLog.objects.filter(pk=log.pk).exists() and Finish.objects.count() == 2
    client.force_login(resident)
    page = client.post(reverse("public:my_reading_delete", args=[log.pk]), follow=True).content.decode()
    assert "已从我的书单删除《红楼梦》，2 次读完记录不再计入统计。" in page
    assert not ReadingLog.objects.exists() and not Finish.objects.exists()
    assert _view(resident).finished == 0 and "今年读完 <strong>0</strong> 本" in page


def test_a_book_only_wanted_is_never_given_as_read(make_resident, tree):
    forget_model()
    books = {
        title: Book.objects.create(isbn=isbn, title=title, author="", category="古典文学")
        for isbn, title in (
            ("9787020002207", "红楼梦"),
            ("9787020008735", "三国演义"),
            ("9787020008728", "水浒传"),
        )
    }
    for i in range(6):
        other = make_resident(phone=f"1390000{i:04d}")
        reader = log_services.reader_self(account=other)
        for title in books:
            log_services.log_set(account=other, reader=reader, book=books[title], status="read")
    resident = make_resident(phone="13700000000")
    me = log_services.reader_self(account=resident)
    log = log_services.log_set(account=resident, reader=me, book=books["红楼梦"], status="want")
    forget_model()
    reasons = [s.reason for s in recommend_books(resident)]
    assert not any("红楼梦" in reason for reason in reasons)
    assert "《红楼梦》" not in [s.title for s in recommend_books(resident)]  # already wanted
    log_services.log_status_set(account=resident, log=log, status="reading")
    assert "因为你在读《红楼梦》" in [s.reason for s in recommend_books(resident)]
    log_services.log_status_set(account=resident, log=log, status="read")
    assert "因为你读过《红楼梦》" in [s.reason for s in recommend_books(resident)]


def test_want_before_signing_in_is_done_after_it(
    client, hongloumeng, sms_outbox, django_capture_on_commit_callbacks
):
    book_page = reverse("public:book", args=[hongloumeng.isbn])
    assert 'name="isbn" value="9787020002207"' in client.get(book_page).content.decode()
    tapped = client.post(reverse(ACT), {"action": "log", "isbn": hongloumeng.isbn, "status": "want"})
    assert tapped["Location"] == f"{reverse('public:sign_in')}?next={reverse('public:my_reading')}"
    sign_in = client.get(tapped["Location"]).content.decode()
    assert "登录后就把《红楼梦》记为想读。" in sign_in
    with django_capture_on_commit_callbacks(execute=True):
        client.post(tapped["Location"], {"name": "李阿姨", "phone": "13812345678"})
    code = re.search(r"(\d{6})", sms_outbox[-1][1]).group(1)
    signed_in = client.post(
        tapped["Location"], {"phone": "13812345678", "name": "李阿姨", "code": code, "next": "/me/reading/"}
    )
    assert signed_in["Location"] == reverse("public:my_reading")
    page = client.get(signed_in["Location"], follow=True).content.decode()
    assert "已把《红楼梦》记为想读。" in page
    log = ReadingLog.objects.get()
    assert (log.book, log.status, log.reader.account.phone) == (hongloumeng, "want", "13812345678")
    # Done once: reopening the page does not log it again.
    client.get(reverse("public:my_reading"))
    assert ReadingLog.objects.count() == 1 and log.times_read == 0


def test_sign_in_goes_only_to_local_pages(client, sms_outbox, db, django_capture_on_commit_callbacks):
    url = reverse("public:sign_in") + "?next=https://evil.example/me/reading/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"name": "", "phone": "13812345678"})
    code = re.search(r"(\d{6})", sms_outbox[-1][1]).group(1)
    response = client.post(url, {"phone": "13812345678", "code": code, "next": "https://evil.example/"})
    assert response["Location"] == reverse("public:me")


def test_the_profile_region_is_picked_province_city_county(client, resident):
    page = client.get(reverse("public:my_reading")).content.decode()
    assert "如 220104" not in page and 'name="region"' not in page
    assert '<select name="province"' in page and '<select name="city"' not in page
    client.post(reverse(ACT), {"action": "profile", "province": PROVINCE})
    assert ReaderProfile.objects.get().region == unit(PROVINCE)
    page = client.get(reverse("public:my_reading")).content.decode()
    assert '<option value="220000" selected>吉林省</option>' in page
    assert '<option value="220100">长春市</option>' in page and '<select name="county"' not in page
    client.post(reverse(ACT), {"action": "profile", "province": PROVINCE, "city": CITY, "county": COUNTY})
    assert ReaderProfile.objects.get().region == unit(COUNTY)
    # A county that is not in the city chosen above it is not taken.
    client.post(reverse(ACT), {"action": "profile", "province": PROVINCE, "city": "220200", "county": COUNTY})
    assert ReaderProfile.objects.get().region == unit("220200")
