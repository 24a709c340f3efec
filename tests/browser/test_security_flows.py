"""等保 2.0 flows in a real Chromium: the idle timeout ends a staff session and the login page
says why; an account made by its administrator changes its password first; a 管理员 enrols a
TOTP authenticator (QR code and key), keeps the recovery codes and signs in with a code."""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from learnweek.accounts.middleware import SEEN
from learnweek.accounts.services import staff_account_create
from tests.factories import PASSWORD
from tests.helpers import COUNTY, unit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package"),
]

SHOTS = Path(os.environ.get("LW_SHOTS", Path(tempfile.gettempdir()) / "lw-shots"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _session_of(page) -> SessionBase:
    from importlib import import_module

    key = next(c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


@pytest.mark.parametrize(("size", "elder"), [("phone", False), ("desk", False), ("phone", True)])
def test_the_idle_timeout_says_why_on_the_login_page(open_page, live_server, county_reporter, size, elder):
    page = open_page(size, elder=elder, user=county_reporter)
    page.goto(f"{live_server.url}/office/")
    assert "/office/" in page.url and "登录" not in page.title()
    session = _session_of(page)
    session[SEEN] = int(time.time()) - 31 * 60  # half an hour and a minute without a request
    session.save()
    page.goto(f"{live_server.url}/office/activities/")
    assert "/accounts/login/" in page.url
    notice = page.locator(".signed-out")
    assert "会话已超时" in notice.inner_text() and "30 分钟没有操作" in notice.inner_text()
    shot(page, f"timeout-{size}{'-elder' if elder else ''}")
    # Signing in again returns to the page asked for.
    page.fill("#id_username", county_reporter.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    assert page.url.endswith("/office/activities/")


@pytest.mark.parametrize(("size", "elder"), [("phone", False), ("desk", False), ("phone", True)])
def test_the_first_sign_in_changes_the_password(open_page, live_server, county_admin, size, elder):
    user = staff_account_create(
        actor=county_admin, unit=unit(COUNTY), username=f"clerk-{size}-{int(elder)}",
        password="Typed-by-admin-1", roles=["reporter"],
    )  # fmt: skip
    page = open_page(size, elder=elder)
    page.goto(f"{live_server.url}/accounts/login/?next=/office/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "Typed-by-admin-1")
    page.click("button.primary")
    assert "/accounts/password/" in page.url
    assert "这是您第一次登录" in page.inner_text("main")
    shot(page, f"first-password-{size}{'-elder' if elder else ''}")
    page.goto(f"{live_server.url}/office/activities/")  # nothing else opens meanwhile
    assert "/accounts/password/" in page.url
    page.fill("#id_old_password", "Typed-by-admin-1")
    page.fill("#id_new_password1", "Only-I-know-2026")
    page.fill("#id_new_password2", "Only-I-know-2026")
    page.click("main button.primary")
    assert "/accounts/password/done/" in page.url
    page.goto(f"{live_server.url}/office/")
    assert page.url.endswith("/office/")
    user.refresh_from_db()
    assert not user.must_change_password


def test_an_administrator_enrols_and_signs_in_with_a_totp_code(open_page, live_server, county_admin):
    for size, elder in (("phone", False), ("desk", False), ("phone", True)):
        TOTPDevice.objects.filter(user=county_admin).delete()
        StaticDevice.objects.filter(user=county_admin).delete()
        page = open_page(size, elder=elder)
        page.goto(f"{live_server.url}/accounts/login/?next=/office/")
        page.fill("#id_username", county_admin.username)
        page.fill("#id_password", PASSWORD)
        page.click("button.primary")
        assert "/accounts/two-factor/setup/" in page.url
        assert page.locator(".otp-qr svg").is_visible()
        secret = page.inner_text(".otp-secret").replace(" ", "")
        device = TOTPDevice.objects.get(user=county_admin, confirmed=False)
        assert base64.b32encode(device.bin_key).decode().rstrip("=") == secret
        shot(page, f"otp-setup-{size}{'-elder' if elder else ''}")
        page.fill("#id_code", f"{totp(device.bin_key):06d}")
        page.click("main button.primary")
        assert page.locator(".recovery-codes li").count() == 10
        shot(page, f"otp-codes-{size}{'-elder' if elder else ''}")
        page.click("text=我已保存，继续")
        assert page.url.endswith("/office/")

    # A new sign-in: the password, then the code.
    page = open_page("phone")
    page.goto(f"{live_server.url}/accounts/login/?next=/office/activities/")
    page.fill("#id_username", county_admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    assert "/accounts/two-factor/" in page.url
    shot(page, "otp-verify-phone")
    device = TOTPDevice.objects.get(user=county_admin, confirmed=True)
    page.fill("#id_code", f"{totp(device.bin_key, drift=1):06d}")  # the enrolment used this step's
    page.click("main button.primary")
    assert page.url.endswith("/office/activities/")
