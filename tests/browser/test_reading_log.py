"""A resident signs in on a phone, logs a book as read, sets a yearly goal, marks the day, and
sees the progress and badges; an elderly resident taps 想读 on a book's page before signing in and
finds it done after, logs a book the catalogue lacks, moves it to 读过 and deletes it — in a real
Chromium, in 长辈模式, with every control of the page at least 44 px and no text under 18 px."""

import re
import shutil

import pytest

from learnweek.reading import services
from learnweek.reading.models import Book, Finish, ReadingLog
from tests.helpers import PROVINCE, unit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package"),
]


@pytest.mark.django_db(transaction=True)
def test_log_goal_day_and_badges(live_server, monkeypatch, sms_outbox, tree):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    Book.objects.create(isbn="9787020002207", title="红楼梦", author="曹雪芹")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
        ).new_page()
        page.goto(f"{live_server.url}/me/reading/")
        page.get_by_label("姓名").fill("李阿姨")
        page.get_by_label("手机号码").fill("13812345678")
        page.get_by_role("button", name="获取验证码").click()
        page.get_by_text("验证码已发送至 138****5678").wait_for()
        code = re.search(r"验证码为(\d{6})", sms_outbox[-1][1]).group(1)
        page.get_by_label("短信验证码").fill(code)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="我的阅读").wait_for()

        page.get_by_label("书名", exact=True).fill("红楼梦")
        page.get_by_role("button", name="记下").click()
        page.get_by_text("已记下《红楼梦》，读过。").wait_for()
        page.get_by_label("年度目标").fill("1")
        page.get_by_role("button", name="设定").click()
        page.get_by_text("年度目标已设定。").wait_for()
        page.get_by_role("button", name="今天读了").click()
        page.get_by_text("今天已打卡。").wait_for()

        section = page.get_by_role("region", name="我的阅读", exact=True)
        assert "今年读完 1 本，目标 1 本" in section.inner_text()
        assert "连续打卡 1 天" in section.inner_text()
        assert page.get_by_text("年度目标达成").is_visible()
        assert Finish.objects.count() == 1
        browser.close()


# Every visible control of the reading page, and the text around it, measured in the browser.
MEASURE = """() => [...document.querySelectorAll(
    '.my-reading input:not([type=hidden]), .my-reading select, .my-reading textarea, .my-reading button,'
    + ' .my-reading .button, .my-reading label, .my-reading legend, .my-reading .helptext, .my-reading p')]
  .filter(el => el.getBoundingClientRect().width > 0)
  .map(el => {
    const box = (el.closest('label') || el).getBoundingClientRect();
    return {what: el.tagName + ' ' + (el.name || el.textContent.trim().slice(0, 12)),
            target: ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'A'].includes(el.tagName),
            height: box.height, font: parseFloat(getComputedStyle(el).fontSize)};
  })"""


def _sign_in(page, sms_outbox, phone):
    page.get_by_label("姓名").fill("王大爷")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送至").wait_for()
    page.get_by_label("短信验证码").fill(re.search(r"验证码为(\d{6})", sms_outbox[-1][1]).group(1))
    page.get_by_role("button", name="登录").click()


@pytest.mark.django_db(transaction=True)
def test_an_elder_wants_a_book_before_signing_in_and_keeps_a_log(live_server, monkeypatch, sms_outbox, tree):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    book = Book.objects.create(isbn="9787020002207", title="红楼梦", author="曹雪芹")
    shelf = services.book_list_create(
        actor=None, unit=unit(PROVINCE), kind="regional", title="吉林省推荐书目", year=2026, published=True
    )
    services.book_list_add(actor=None, book_list=shelf, isbn=book.isbn)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
        ).new_page()
        page.goto(f"{live_server.url}/reading/books/{book.isbn}/")
        page.locator("button.elder-toggle").click()
        page.get_by_role("button", name="想读").click()
        page.get_by_text("登录后就把《红楼梦》记为想读。").wait_for()
        _sign_in(page, sms_outbox, "13912345678")
        page.get_by_text("已把《红楼梦》记为想读。").wait_for()
        assert ReadingLog.objects.get().status == "want"

        page.get_by_label("书名", exact=True).fill("骆驼祥子")
        page.get_by_label("作者（可不填）").fill("老舍")
        page.locator(".choices label", has_text="在读").click()
        page.get_by_role("button", name="记下").click()
        page.get_by_text("已记下《骆驼祥子》，在读（图书库中没有这本书，按你填写的记下）。").wait_for()
        entry = page.locator("ul.reading-log > li", has_text="骆驼祥子")
        entry.get_by_role("button", name="读完了").click()
        page.get_by_text("《骆驼祥子》已改为读过（共读过 1 遍）。").wait_for()
        assert "今年读完 1 本" in page.locator("section.ticket").inner_text()

        sizes = page.evaluate(MEASURE)
        assert [s for s in sizes if s["font"] < 18] == []
        assert [s for s in sizes if s["target"] and s["height"] < 44] == []

        page.locator("ul.reading-log > li", has_text="骆驼祥子").get_by_role("link", name="删除").click()
        page.get_by_text("这本书有 1 次读完记录（今年 1 次）").wait_for()
        page.get_by_role("button", name="确定删除").click()
        page.get_by_text("已从我的书单删除《骆驼祥子》，1 次读完记录不再计入统计。").wait_for()
        assert "今年读完 0 本" in page.locator("section.ticket").inner_text()
        assert list(ReadingLog.objects.values_list("book__title", flat=True)) == ["红楼梦"]
        assert not Finish.objects.exists()
        browser.close()
