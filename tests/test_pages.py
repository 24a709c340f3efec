"""What a user sees in the browser: the home page, login, the unit pages, institutions,
accounts and the change history."""

import io

import pytest
from django.urls import reverse

from learnweek.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_load
from learnweek.accounts.models import User
from learnweek.orgs.models import Unit
from tests.factories import PASSWORD
from tests.helpers import CITY, COUNTY


def test_home_is_in_chinese_and_lists_demo_accounts_in_demo_mode(client, tree, settings):
    settings.LEARNWEEK_DEMO = True
    demo_load()
    page = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in page and "全民终身学习活动周" in page
    for account in DEMO_ACCOUNTS:
        assert account.username in page
    # Each demo account can sign in with the password shown on the page.
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD)
        assert client.get(reverse("backoffice:home")).status_code == 200


def test_home_hides_demo_accounts_outside_demo_mode(client, db, settings):
    settings.LEARNWEEK_DEMO = False
    assert DEMO_PASSWORD not in client.get("/").content.decode()


def test_login_then_the_workbench_shows_the_unit(client, county_admin):
    from django_otp.oath import totp

    from learnweek.accounts.security import otp_enrol_confirm, otp_enrol_start

    device = otp_enrol_start(user=county_admin)  # a 管理员 signs in with a second factor
    otp_enrol_confirm(user=county_admin, code=f"{totp(device.bin_key):06d}")
    response = client.post(reverse("login"), {"username": county_admin.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("backoffice:home"))["Location"].startswith(reverse("otp_verify"))
    assert (
        client.post(reverse("otp_verify"), {"code": f"{totp(device.bin_key, drift=1):06d}"}).status_code
        == 302
    )
    page = client.get(reverse("backoffice:home")).content.decode()
    assert "朝阳区" in page and "管理员" in page


def test_wrong_password_says_so_in_chinese(client, county_admin):
    page = client.post(
        reverse("login"), {"username": county_admin.username, "password": "x"}
    ).content.decode()
    assert "用户名或密码不正确" in page


def test_city_page_lists_its_counties(client, city_admin):
    client.force_login(city_admin)
    page = client.get(reverse("backoffice:unit", args=[CITY])).content.decode()
    assert "朝阳区" in page and "公主岭市" in page
    assert "铁东区" not in page  # a district of 四平市, another city


def test_admin_adds_an_institution_and_sees_it_in_the_history(client, county_admin):
    client.force_login(county_admin)
    response = client.post(
        reverse("backoffice:institution_new", args=[COUNTY]),
        {"code": "CY-01", "name": "朝阳区社区学院", "institution_type": "community_school"},
    )
    assert response.status_code == 302
    school = Unit.objects.get(code="CY-01")
    assert school.get_parent().code == COUNTY
    client.post(
        reverse("backoffice:unit_edit", args=["CY-01"]), {"name": "朝阳区社区教育学院", "phone": "0431-1"}
    )
    history = client.get(reverse("backoffice:unit_history", args=["CY-01"])).content.decode()
    assert "朝阳区社区学院 → 朝阳区社区教育学院" in history
    assert county_admin.username in history or county_admin.full_name in history


def test_duplicate_institution_code_shows_the_rule(client, county_admin):
    client.force_login(county_admin)
    page = client.post(
        reverse("backoffice:institution_new", args=[COUNTY]),
        {"code": CITY, "name": "某学校", "institution_type": "community_school"},
    ).content.decode()
    assert f"代码 {CITY} 已被其他单位使用" in page


def test_import_page_shows_every_bad_row(client, county_admin):
    client.force_login(county_admin)
    upload = io.BytesIO("机构代码,机构名称,机构类型\nA,甲,大学\nB,,老年大学\n".encode())
    upload.name = "机构.csv"
    page = client.post(
        reverse("backoffice:institution_import", args=[COUNTY]), {"file": upload}
    ).content.decode()
    assert "第2行 机构类型: " in page and "第3行 机构名称: 不能为空" in page
    assert not Unit.objects.filter(code__in=["A", "B"]).exists()


def test_admin_creates_an_account_through_the_page(client, city_admin):
    client.force_login(city_admin)
    response = client.post(
        reverse("backoffice:staff_new", args=[COUNTY]),
        {"username": "cy_reporter", "roles": ["reporter"], "password": "Chaoyang-2026-xyz"},
    )
    assert response.status_code == 302
    created = User.objects.get(username="cy_reporter")
    assert created.unit.code == COUNTY and created.is_reporter and not created.is_unit_admin
    listing = client.get(reverse("backoffice:staff_list")).content.decode()
    assert "cy_reporter" in listing


def test_a_reporter_cannot_see_history_or_add_institutions(client, county_reporter):
    client.force_login(county_reporter)
    assert client.get(reverse("backoffice:unit_history", args=[COUNTY])).status_code == 302
    client.post(
        reverse("backoffice:institution_new", args=[COUNTY]),
        {"code": "R-1", "name": "某学校", "institution_type": "community_school"},
    )
    assert not Unit.objects.filter(code="R-1").exists()


@pytest.mark.parametrize("who", ["county_admin", "city_admin"])
def test_django_admin_is_for_superusers_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/django-admin/").status_code == 302


def test_superuser_reaches_django_admin(client, superuser):
    client.force_login(superuser)
    assert client.get("/django-admin/").status_code == 200
