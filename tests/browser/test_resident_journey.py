"""A resident on a phone finds an activity, signs in with a text-message code, registers, sees
the check-in QR code, and switches the elder-friendly mode on — in a real Chromium.

Playwright for Python drives the system Chromium (Debian's `chromium` package, which `.ci/run`
installs); where neither is present the test skips and says why."""

import re
import shutil

import pytest

from learnweek.registrations.models import Registration

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package"),
]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads are plain
    # synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
        yield context.new_page()
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_find_register_see_qr_and_switch_elder_mode(
    live_server, browser_page, make_activity, sms_outbox, tmp_path
):
    make_activity("全民读书节", capacity=30, address="朝阳区图书馆")
    make_activity("书法体验课")
    page = browser_page
    page.goto(f"{live_server.url}/activities/")

    page.get_by_role("searchbox").fill("读书")
    page.get_by_role("button", name="搜索").click()
    page.get_by_text("共 1 项活动").wait_for()
    assert page.get_by_text("书法体验课").count() == 0
    page.get_by_role("link", name="全民读书节").click()

    page.get_by_role("link", name="我要报名").click()
    page.get_by_label("姓名").fill("李阿姨")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送至 138****5678").wait_for()
    code = re.search(r"验证码为(\d{6})", sms_outbox[-1][1]).group(1)
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="确认报名").click()

    page.get_by_text("报名成功").wait_for()
    qr = page.locator("figure.qr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150
    registration = Registration.objects.get()
    assert page.get_by_text(registration.code_display, exact=True).is_visible()

    page.get_by_role("button", name="长辈模式").click()
    page.wait_for_selector("body.elder")
    page.reload()
    assert page.evaluate("document.body.className") == "elder"
    font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 20
    page.screenshot(path=str(tmp_path / "elder-me.png"), full_page=True)
    page.get_by_role("button", name="标准模式").click()
    page.wait_for_selector("body:not(.elder)")
