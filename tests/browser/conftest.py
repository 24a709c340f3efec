"""What the browser tests share: one system Chromium per test session, pages made at a phone's or
a desk's size (in 长辈模式 when asked, signed in as a user when given). The two audits every public
page goes through, axe-core's and the elder-mode style rules, are in ``helpers`` to import.

Playwright for Python drives the system Chromium (Debian's `chromium` package, which `make test`
installs); axe-core comes from the npm registry with the other front-end packages (`make assets`).
Where either is missing the tests that need it skip and say why."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings

from tests.browser.helpers import DESK, PHONE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class Size:
    name: str
    viewport: dict
    mobile: bool


SIZES = {"phone": Size("phone", PHONE, True), "desk": Size("desk", DESK, False)}


@pytest.fixture(scope="module")
def chromium(django_db_setup):
    """One Chromium for a module's tests. Playwright's sync API keeps an event loop running in
    this thread while it is open, so Django is told the ORM calls made meanwhile are the plain
    synchronous code they are; the loop, and that permission, end with the module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    if CHROMIUM is None:
        pytest.skip("no system Chromium: install Debian's `chromium` package")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            yield browser
            browser.close()


@pytest.fixture
def open_page(chromium, live_server):
    """``open_page("phone", elder=True, user=resident, javascript=False)`` → a new Playwright page
    of its own browser context, signed in as ``user`` (a session cookie, no form), 长辈模式 by its
    cookie, with JavaScript switched off when asked."""
    from django.test import Client

    from learnweek.public.context import ELDER_COOKIE

    contexts = []

    def open_(size: str = "phone", *, elder: bool = False, user=None, javascript: bool = True):
        s = SIZES[size]
        # bypass_csp: axe-core is injected as a script the site's policy rightly refuses.
        context = chromium.new_context(
            viewport=s.viewport,
            locale="zh-CN",
            is_mobile=s.mobile,
            has_touch=s.mobile,
            bypass_csp=True,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        cookies = []
        if elder:
            cookies.append({"name": ELDER_COOKIE, "value": "1", "url": live_server.url})
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
        if cookies:
            context.add_cookies(cookies)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()
