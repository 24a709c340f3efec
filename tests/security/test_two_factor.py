"""Two-factor sign-in (TOTP, django-otp): required for 管理员, for all staff when set; enrolment,
the second step, recovery codes, the lock-out, the reset by the administrator above, the API."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from learnweek.accounts.security import otp_enrol_confirm, otp_enrol_start, otp_reset
from learnweek.audit.models import AuditEntry
from learnweek.core.errors import NotFound
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import CITY, COUNTY, unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's 1-2-4 s delays; the count still runs
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_of(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def sign_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrolled(user) -> list[str]:
    device = otp_enrol_start(user=user)
    return otp_enrol_confirm(user=user, code=code_of(device))


def test_an_administrator_enrols_at_its_first_sign_in(county_admin):
    client = sign_in(county_admin)
    response = client.get("/office/")
    assert response["Location"].startswith("/accounts/two-factor/setup/")
    page = client.get("/accounts/two-factor/setup/").content.decode()
    assert "<svg" in page and "密钥" in page
    device = TOTPDevice.objects.get(user=county_admin, confirmed=False)
    secret = re.search(r'class="otp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert secret.replace(" ", "") and len(secret.replace(" ", "")) == 32
    assert client.post("/accounts/two-factor/setup/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/two-factor/setup/", {"code": code_of(device)})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert client.get("/office/").status_code == 200
    assert AuditEntry.objects.filter(action="account.otp_enrol", actor_id=county_admin.pk).exists()


def test_a_reporter_is_not_asked_unless_the_deployment_says_so(county_reporter, settings):
    assert sign_in(county_reporter).get("/office/").status_code == 200
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    assert sign_in(county_reporter).get("/office/")["Location"].startswith("/accounts/two-factor/setup/")


def test_the_second_step_asks_the_code_after_the_password(county_admin):
    enrolled(county_admin)
    device = TOTPDevice.objects.get(user=county_admin)
    client = sign_in(county_admin)
    response = client.get("/office/activities/")
    assert response["Location"].startswith("/accounts/two-factor/?next=%2Foffice%2Factivities%2F")
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/two-factor/")
    wrong = client.post("/accounts/two-factor/", {"code": "123456"})
    assert "动态口令不正确" in wrong.content.decode()
    assert AuditEntry.objects.filter(action="auth.otp_failed", actor_id=county_admin.pk).count() == 1
    ok = client.post("/accounts/two-factor/?next=/office/activities/", {"code": code_of(device, drift=1)})
    assert ok.status_code == 302 and ok["Location"] == "/office/activities/"
    assert client.get("/office/").status_code == 200


def test_a_recovery_code_works_once(county_admin):
    codes = enrolled(county_admin)
    client = sign_in(county_admin)
    assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302
    again = sign_in(county_admin)
    assert again.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 200


def test_wrong_codes_lock_the_second_step(county_admin, settings):
    settings.OTP_FAILURE_LIMIT = 5
    enrolled(county_admin)
    device = TOTPDevice.objects.get(user=county_admin)
    client = sign_in(county_admin)
    for _ in range(4):
        assert client.post("/accounts/two-factor/", {"code": "000001"}).status_code == 200
    locked = client.post("/accounts/two-factor/", {"code": "000001"})
    assert locked.status_code == 403 and "账号已锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.locked_out", actor_id=county_admin.pk).exists()
    # Signing in again does not start a new count; even the right code waits for the hour.
    client = sign_in(county_admin)
    assert client.post("/accounts/two-factor/", {"code": code_of(device, drift=1)}).status_code == 403


def test_the_administrator_above_resets_a_lost_factor(county_admin, city_admin):
    enrolled(county_admin)
    colleague = StaffFactory(unit=unit(COUNTY), roles=["admin"])
    with pytest.raises(NotFound):
        otp_reset(actor=colleague, user=county_admin)  # the same unit: not above
    with pytest.raises(NotFound):
        otp_reset(actor=county_admin, user=county_admin)
    client = Client()
    client.force_login(city_admin)
    page = client.get("/office/security/two-factor/").content.decode()
    assert county_admin.username in page
    response = client.post(f"/office/security/two-factor/{county_admin.pk}/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=county_admin).exists()
    entry = AuditEntry.objects.get(action="account.otp_reset")
    assert entry.actor_id == city_admin.pk and entry.target_id == str(county_admin.pk)
    # Enrols again at the next sign-in.
    assert sign_in(county_admin).get("/office/")["Location"].startswith("/accounts/two-factor/setup/")


def test_a_colleague_cannot_reset_through_the_page(county_admin):
    enrolled(county_admin)
    colleague = StaffFactory(unit=unit(COUNTY), roles=["admin"])
    client = Client()
    client.force_login(colleague)
    assert client.post(f"/office/security/two-factor/{county_admin.pk}/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=county_admin).exists()


def _token(client, user, **extra):
    return client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD, **extra},
        content_type="application/json",
    )


def test_the_api_token_needs_the_code_too(client, county_admin):
    response = _token(client, county_admin)
    assert response.status_code == 400 and response.json()["code"] == "otp_not_enrolled"
    enrolled(county_admin)
    response = _token(client, county_admin)
    assert response.status_code == 400 and response.json()["code"] == "otp_required"
    assert _token(client, county_admin, otp="000000").json()["code"] == "otp_invalid"
    device = TOTPDevice.objects.get(user=county_admin)
    response = _token(client, county_admin, otp=code_of(device, drift=1))
    assert response.status_code == 200 and response.json()["token"]


def test_the_setting_for_all_staff_reaches_the_api(client, county_reporter, settings):
    assert _token(client, county_reporter).status_code == 200
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    assert _token(client, county_reporter).json()["code"] == "otp_not_enrolled"


def test_a_city_reset_does_not_reach_another_province(city_admin):
    other = StaffFactory(unit=unit("110000"), roles=["admin"])
    enrolled(other)
    with pytest.raises(NotFound):
        otp_reset(actor=city_admin, user=other)
    assert CITY


def test_the_demo_shows_the_code_an_authenticator_would_show_and_nowhere_else(settings, county_admin):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from learnweek.accounts.security import demo_totp_code

    device = TOTPDevice.objects.create(user=county_admin, name="x", confirmed=True)
    settings.LEARNWEEK_DEMO = False
    assert demo_totp_code(county_admin) == ""
    settings.LEARNWEEK_DEMO = True
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    assert demo_totp_code(county_admin) == f"{now:06d}"
