"""三员分立: duties assigned only by the superuser, never combined with a business role, giving
no business right; the 安全管理员's settings page."""

from __future__ import annotations

import pytest
from django.test import Client

from learnweek.accounts.models import DutyRole, SecuritySettings, User
from learnweek.accounts.security import duty_role_set, policy
from learnweek.accounts.services import staff_roles_set
from learnweek.audit.models import AuditEntry
from learnweek.core.errors import DomainError, PermissionDenied
from tests.factories import StaffFactory
from tests.helpers import COUNTY, PROVINCE, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain(tree) -> User:
    return StaffFactory(unit=unit(PROVINCE), roles=[])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_superuser_assigns_a_duty_on_its_page(superuser, plain):
    client = logged_in(superuser)
    assert client.get("/office/security/duties/").status_code == 200
    response = client.post("/office/security/duties/", {"username": plain.username, "duty": "security"})
    assert response.status_code == 302
    plain.refresh_from_db()
    assert plain.duty_role == DutyRole.SECURITY
    entry = AuditEntry.objects.get(action="account.duty_role")
    assert entry.detail == {"before": "", "after": "security"}
    assert "安全管理员" in client.get("/office/security/duties/").content.decode()


def test_nobody_else_assigns_duties(province_admin, plain):
    assert logged_in(province_admin).get("/office/security/duties/").status_code == 404
    logged_in(province_admin).post("/office/security/duties/", {"username": plain.username, "duty": "audit"})
    plain.refresh_from_db()
    assert plain.duty_role == ""
    with pytest.raises(PermissionDenied):
        duty_role_set(actor=province_admin, user=plain, duty="audit")


def test_a_duty_is_refused_to_an_account_with_business_roles(superuser, province_admin):
    client = logged_in(superuser)
    response = client.post(
        "/office/security/duties/", {"username": province_admin.username, "duty": "system"}
    )
    assert response.status_code == 200
    assert "三员账号不能兼任业务角色" in response.content.decode()
    province_admin.refresh_from_db()
    assert province_admin.duty_role == ""


def test_business_roles_are_refused_to_a_duty_account(superuser, plain):
    duty_role_set(actor=superuser, user=plain, duty="audit")
    with pytest.raises(DomainError, match="不能同时担任业务角色") as exc:
        staff_roles_set(actor=superuser, user=plain, roles=["reviewer"])
    assert exc.value.code == "duty_conflict"
    plain.refresh_from_db()
    assert not plain.is_reviewer


@pytest.mark.parametrize("duty", ["system", "security", "audit"])
def test_a_duty_gives_no_business_right(superuser, tree, duty):
    account = StaffFactory(unit=unit(COUNTY), roles=[])
    duty_role_set(actor=superuser, user=account, duty=duty)
    account.refresh_from_db()
    assert account.roles == [] and not account.has_role("admin")
    client = logged_in(account)
    # A unit's page is read by its staff; acting on it needs a business role.
    from tests.permissions.world import form_fields

    form = form_fields(logged_in(superuser).get(f"/office/units/{COUNTY}/edit/").content.decode())
    client.post(f"/office/units/{COUNTY}/edit/", {**form, "address": "改过的地址"})
    assert unit(COUNTY).address != "改过的地址"
    client.post(
        f"/office/units/{COUNTY}/accounts/new/",
        {"username": "x-made", "password": "Lw-new-pass-2026", "roles": ["reporter"]},
    )
    assert not User.objects.filter(username="x-made").exists()


def test_the_security_administrator_changes_the_settings(superuser, plain, client):
    duty_role_set(actor=superuser, user=plain, duty="security")
    client.force_login(plain)
    data = {
        "session_idle_minutes": "15",
        "session_max_hours": "8",
        "password_max_age_days": "60",
        "otp_required_for_all_staff": "on",
    }
    assert client.post("/office/security/settings/", data).status_code == 302
    current = policy()
    assert (current.session_idle_minutes, current.session_max_hours, current.password_max_age_days) == (
        15,
        8,
        60,
    )
    assert current.otp_required_for_all_staff
    assert AuditEntry.objects.filter(action="security.settings", actor_id=plain.pk).exists()
    # A setting cannot switch a control off.
    refused = client.post("/office/security/settings/", {**data, "session_idle_minutes": "600"})
    assert refused.status_code == 200 and SecuritySettings.objects.get().session_idle_minutes == 15


def test_the_settings_page_is_the_security_administrators(province_admin, plain, superuser):
    assert logged_in(province_admin).get("/office/security/settings/").status_code == 404
    duty_role_set(actor=superuser, user=plain, duty="audit")
    assert logged_in(plain).get("/office/security/settings/").status_code == 404
    assert logged_in(superuser).get("/office/security/settings/").status_code == 200


def test_the_idle_time_set_by_the_security_administrator_applies(superuser, plain, county_reporter):
    import time

    from learnweek.accounts.middleware import SEEN

    duty_role_set(actor=superuser, user=plain, duty="security")
    logged_in(plain).post(
        "/office/security/settings/",
        {"session_idle_minutes": "10", "session_max_hours": "12", "password_max_age_days": "90"},
    )
    client = logged_in(county_reporter)
    session = client.session
    session[SEEN] = int(time.time()) - 11 * 60
    session.save()
    assert client.get("/office/")["Location"].startswith("/accounts/login/?reason=idle")
