"""A new staff account, imported by its administrator, is activated on a 390 × 844 phone: the
person types its mobile number, gets a text-message code, sets its own password and signs in
with it. The administrator's accounts list, on the same phone, shows the accounts as cards that
fit the screen. Both pages pass the accessibility audit (and the elder-mode rules in 长辈模式)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from learnweek.accounts.models import User
from learnweek.accounts.staff_import import staff_import
from tests.accounts.test_account_import import table
from tests.browser.helpers import PHONE, axe_violations, elder_violations
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, unit

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LEARNWEEK_SHOTS", "")  # a folder to keep the screenshots in
NEW_PASSWORD = "Changchun-2026-learn"


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.django_db(transaction=True)
def test_activate_by_code_on_a_phone_and_sign_in(live_server, open_page, tree, sms_outbox, elder):
    admin = StaffFactory(unit=unit(CITY), roles=["admin"])
    staff_import(
        actor=admin,
        under=unit(CITY),
        table=table([[COUNTY, "", f"赵{n}", f"1360000{n:04d}", "", "填报员、审核员"] for n in range(12)]),
    )
    page = open_page("phone", elder=elder)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="忘记密码？").click()
    page.get_by_role("link", name="新账号还没有密码？激活账号").click()
    assert page.get_by_role("heading", name="激活账号").is_visible()
    page.get_by_label("手机号码").fill("136 0000 0007")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    code = re.search(r"验证码为(\d{6})", sms_outbox[-1][1]).group(1)
    assert sms_outbox[-1][0] == "13600000007"
    page.get_by_label("短信验证码").fill(code)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    assert _fits(page)
    found = axe_violations(page) + (elder_violations(page) if elder else [])
    assert not found, found
    _shot(page, f"activate-code-{'elder' if elder else 'standard'}")
    page.get_by_role("button", name="激活并设定密码").click()
    page.get_by_text("账号已激活。请用用户名 13600000007").wait_for()

    page.get_by_label("用户名").fill("13600000007")
    page.get_by_label("密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/"))
    assert User.objects.get(username="13600000007").last_login is not None

    # The administrator's list on the same phone: cards, nothing wider than the screen.
    admin_page = open_page("phone", elder=elder, user=admin)
    admin_page.goto(f"{live_server.url}/office/accounts/")
    admin_page.get_by_text("共 13 个账号").wait_for()
    assert admin_page.locator("table.accounts .tag", has_text="未激活").count() == 11
    assert _fits(admin_page)
    assert not axe_violations(admin_page)
    if elder:  # the back office's own header is not held to the elder rules; the list's boxes are
        found = [v for v in elder_violations(admin_page) if "input" in v]
        assert not found, found
    _shot(admin_page, f"accounts-list-{'elder' if elder else 'standard'}")


@pytest.mark.django_db(transaction=True)
def test_the_accounts_list_and_import_page_on_a_laptop(live_server, open_page, tree):
    admin = StaffFactory(unit=unit(CITY), roles=["admin"])
    staff_import(
        actor=admin,
        under=unit(CITY),
        table=table([[COUNTY, "", f"赵{n}", f"1360000{n:04d}", "", "填报员"] for n in range(5)]),
    )
    page = open_page("desk", user=admin)
    page.goto(f"{live_server.url}/office/accounts/")
    page.get_by_text("共 6 个账号").wait_for()
    assert page.get_by_role("columnheader", name="最近登录").is_visible()
    assert not axe_violations(page)
    _shot(page, "accounts-list-desk")
    page.get_by_role("link", name="批量导入账号").click()
    assert page.get_by_text("管理员只能设于下级单位").is_visible()
    assert not axe_violations(page)
    _shot(page, "accounts-import-desk")
