"""Password rules: periodic change, no reuse of the last five, the first sign-in's change."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from learnweek.accounts.models import PasswordHistory, User
from learnweek.accounts.services import password_change, staff_account_create
from learnweek.audit.models import AuditEntry
from learnweek.core.errors import DomainError
from tests.factories import PASSWORD
from tests.helpers import COUNTY, unit

pytestmark = pytest.mark.django_db

NEW = [f"Lw-new-pass-{i}-2026" for i in range(7)]


def _change_via_page(client, user, old, new):
    return client.post(
        "/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_an_account_made_by_an_administrator_changes_its_password_first(client, county_admin):
    user = staff_account_create(
        actor=county_admin,
        unit=unit(COUNTY),
        username="newclerk",
        password="Typed-by-admin-1",
        roles=["reporter"],
    )
    assert user.must_change_password
    client.force_login(user)
    response = client.get("/office/activities/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
    page = client.get(response["Location"]).content.decode()
    assert "这是您第一次登录" in page
    # Only the password page, signing out and static files are open.
    assert client.get("/office/").status_code == 302
    response = _change_via_page(client, user, "Typed-by-admin-1", NEW[0])
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.password_changed_at is not None
    assert client.get("/office/").status_code == 200
    assert AuditEntry.objects.filter(action="account.password_change", target_id=str(user.pk)).exists()


def test_an_expired_password_sends_to_the_password_page(client, county_reporter, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    county_reporter.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    county_reporter.save()
    client.force_login(county_reporter)
    response = client.get("/office/")
    assert response["Location"].startswith("/accounts/password/")
    assert "已使用超过 90 天" in client.get("/accounts/password/").content.decode()
    assert client.post("/accounts/logout/").status_code == 302  # signing out stays possible


def test_without_a_change_date_the_age_counts_from_the_account(client, county_reporter):
    User.objects.filter(pk=county_reporter.pk).update(
        password_changed_at=None, date_joined=timezone.now() - datetime.timedelta(days=200)
    )
    client.force_login(county_reporter)
    assert client.get("/office/")["Location"].startswith("/accounts/password/")


def test_a_fresh_password_is_not_asked_again(client, county_reporter):
    client.force_login(county_reporter)
    assert client.get("/office/").status_code == 200


def test_none_of_the_last_five_passwords_comes_back(county_reporter):
    user = county_reporter
    with pytest.raises(DomainError, match="最近 5 次"):
        password_change(user=user, password=PASSWORD)  # the current one
    for new in NEW[:5]:
        password_change(user=user, password=new)
    # current NEW[4]; earlier NEW[0..3] and PASSWORD: the last five are NEW[0..4]
    for old in NEW[:5]:
        with pytest.raises(DomainError, match="不能与最近 5 次使用过的密码相同") as exc:
            password_change(user=user, password=old)
        assert exc.value.code == "password_reused"
    password_change(user=user, password=PASSWORD)  # six changes ago: allowed again
    assert PasswordHistory.objects.filter(user=user).count() <= 5


def test_the_password_page_names_the_reuse(client, county_reporter):
    client.force_login(county_reporter)
    response = _change_via_page(client, county_reporter, PASSWORD, PASSWORD)
    assert response.status_code == 200
    assert "不能与最近 5 次使用过的密码相同" in response.content.decode()


def test_complexity_rules_stay(county_reporter):
    with pytest.raises(DomainError, match="密码不符合要求"):
        password_change(user=county_reporter, password="short")
