"""A reporter types the 先进事迹 on a phone and the counter under the box counts as the server
counts: spaces and line breaks not at all, and it turns red past 500 — in a real Chromium."""

import shutil

import pytest

from learnweek.campaigns.models import RequirementKind
from learnweek.orgs.roles import Role
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import COUNTY, unit
from tests.nominations.helpers import make_requirement

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package"),
]


@pytest.mark.django_db(transaction=True)
def test_the_deeds_counter_counts_like_the_server(live_server, monkeypatch, tree):
    from learnweek.campaigns.services import campaign_create, campaign_set_status

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    campaign = campaign_create(actor=None, issuing_unit=unit("220000"), year=2026, slug="jl-b", title="吉林")
    campaign_set_status(actor=None, campaign=campaign, status="published")
    requirement = make_requirement(campaign, RequirementKind.ADVANCED_INDIVIDUAL)
    reporter = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=username]").fill(reporter.username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main button[type=submit]").click()
        page.goto(f"{live_server.url}/office/requirements/{requirement.pk}/nominations/new/")
        deeds = page.get_by_label("先进事迹简介")
        deeds.fill("扎根社区 二十年，\n开办家长学校。")
        page.get_by_text("已写 15 字，限 500 字").wait_for()
        deeds.fill("学" * 499 + "👨‍👩‍👧 ")
        page.get_by_text("已写 500 字，限 500 字").wait_for()
        deeds.press("End")
        deeds.type("。")
        counter = page.get_by_text("已写 501 字，限 500 字，超出 1 字")
        counter.wait_for()
        assert "over" in (counter.get_attribute("class") or "")
        browser.close()
