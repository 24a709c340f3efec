"""The notices page and the board with its liaisons and reminders, on a phone (390×844) and a
laptop (1366×768): nothing wider than the screen outside the scrolling tables."""

import os
import shutil

import pytest
from django.urls import reverse
from django_otp.oath import totp

from learnweek.accounts.security import otp_enrol_confirm, otp_enrol_start
from learnweek.campaigns.models import CampaignStatus, RequirementKind
from learnweek.campaigns.services import (
    campaign_create,
    campaign_set_status,
    reminders_send,
    requirement_create,
    submission_return,
    submission_save,
    submission_submit,
)
from learnweek.orgs.models import UnitKind
from tests.campaigns.helpers import TODAY, days
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import CITY, PROVINCE, unit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
SHOTS = os.environ.get("LEARNWEEK_SHOTS", "")  # a folder to keep the screenshots in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package"),
]


@pytest.mark.django_db(transaction=True)
def test_notices_and_board_fit_a_phone_and_a_laptop(live_server, monkeypatch, tree):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    campaign = campaign_create(
        actor=None,
        issuing_unit=unit(PROVINCE),
        year=TODAY.year,
        slug="jl-b",
        title="吉林省全民终身学习活动周",
        issued_on=days(-5),
    )
    requirement = requirement_create(
        actor=None,
        campaign=campaign,
        kind=RequirementKind.WORK_PLAN,
        title="2026年吉林省全民终身学习活动周工作方案（含活动网址及联系人）",
        applies_to=[UnitKind.PREFECTURE, UnitKind.COUNTY],
        deadline=days(10),
    )
    admin = StaffFactory(unit=unit(PROVINCE), roles=["admin", "reviewer"], username="jl-admin")
    reporter = StaffFactory(
        unit=unit(CITY), roles=["reporter"], username="cc-reporter", full_name="李填报", phone="13900001111"
    )
    StaffFactory(unit=unit("220200"), roles=["reporter"], full_name="王联络员", phone="0432-62012345")
    campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)
    submission = submission_save(
        actor=None, requirement=requirement, unit=unit(CITY), title="方案", body="正文"
    )
    submission = submission_submit(actor=None, submission=submission)
    submission_return(
        actor=admin, submission=submission, reason="请补充活动网址和联系人电话，并附盖章的 PDF。"
    )
    reminders_send(actor=admin, requirement=requirement)
    # A 管理员 signs in with a second factor: enrolled here, one recovery code per sign-in.
    device = otp_enrol_start(user=admin)
    recovery = otp_enrol_confirm(user=admin, code=f"{totp(device.bin_key):06d}")

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width, height in [(390, 844), (1366, 768)]:
            for user, path, name in [
                (reporter, reverse("backoffice:notices"), "notices"),
                (admin, reverse("backoffice:board", args=[requirement.pk]), "board"),
            ]:
                context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                page = context.new_page()
                page.goto(f"{live_server.url}{reverse('login')}")
                page.fill("input[name=username]", user.username)
                page.fill("input[name=password]", PASSWORD)
                page.locator("form button[type=submit]").last.click()
                page.wait_for_load_state()
                if user == admin:
                    page.fill("#id_code", recovery.pop())
                    page.locator("main button.primary").click()
                    page.wait_for_load_state()
                page.goto(f"{live_server.url}{path}")
                if SHOTS:
                    page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=name == "notices")
                    if name == "board":
                        page.get_by_role("heading", name="各单位").scroll_into_view_if_needed()
                        page.screenshot(path=f"{SHOTS}/{name}-{width}-rows.png")
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name} is {overflow}px wider than {width}px"
                text = page.inner_text("main")
                if name == "notices":
                    assert "被退回" in text and "请补充活动网址" in text
                    assert "通知 3" in page.inner_text("header").replace(
                        "\n", " "
                    )  # passed down, returned, reminded
                else:
                    assert "李填报" in text and "13900001111" in text
                    assert "王联络员" in text and "0432-62012345" in text
                context.close()
        browser.close()
