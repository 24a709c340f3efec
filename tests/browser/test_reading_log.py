"""A resident signs in on a phone, logs a book as read, sets a yearly goal, marks the day, and
sees the progress and badges — in a real Chromium."""

import re
import shutil

import pytest

from learnweek.reading.models import Book, Finish

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
        code = re.search(r"验证码 (\d{6})", sms_outbox[-1][1]).group(1)
        page.get_by_label("短信验证码").fill(code)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="我的阅读").wait_for()

        page.get_by_label("书名或 ISBN").fill("红楼梦")
        page.get_by_role("button", name="记下").click()
        page.get_by_text("已记下《红楼梦》。").wait_for()
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
