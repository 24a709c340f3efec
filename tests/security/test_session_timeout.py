"""Staff sessions end after SESSION_IDLE_MINUTES idle and SESSION_MAX_HOURS after sign-in; the
login page says why; htmx requests are sent to it whole; residents keep their session."""

from __future__ import annotations

import time

import pytest

from learnweek.accounts.middleware import SEEN, STARTED
from learnweek.audit.models import AuditEntry


def _age(client, *, idle_seconds=0, since_sign_in=0):
    session = client.session
    now = int(time.time())
    session[SEEN] = now - idle_seconds
    session[STARTED] = now - max(since_sign_in, idle_seconds)
    session.save()


@pytest.mark.django_db
def test_an_idle_staff_session_ends_and_the_login_page_says_why(client, county_reporter):
    client.force_login(county_reporter)
    assert client.get("/office/").status_code == 200
    _age(client, idle_seconds=31 * 60)
    response = client.get("/office/activities/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?reason=idle")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "会话已超时" in page and "30 分钟没有操作" in page
    entry = AuditEntry.objects.filter(action="auth.session_expired").get()
    assert entry.actor_id == county_reporter.pk and entry.detail == {"reason": "idle"}


@pytest.mark.django_db
def test_activity_within_the_idle_time_keeps_the_session(client, county_reporter):
    client.force_login(county_reporter)
    _age(client, idle_seconds=29 * 60)
    assert client.get("/office/").status_code == 200
    assert client.session[SEEN] >= int(time.time()) - 2  # the clock restarted


@pytest.mark.django_db
def test_the_maximum_lifetime_ends_even_a_busy_session(client, county_reporter, settings):
    settings.SESSION_MAX_HOURS = 12
    client.force_login(county_reporter)
    _age(client, idle_seconds=10, since_sign_in=12 * 3600 + 5)
    response = client.get("/office/")
    assert response["Location"].startswith("/accounts/login/?reason=max")
    assert "已达最长登录时长（12 小时）" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_idle_time_is_a_setting(client, county_reporter, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(county_reporter)
    _age(client, idle_seconds=6 * 60)
    assert client.get("/office/")["Location"].startswith("/accounts/login/?reason=idle")


@pytest.mark.django_db
def test_an_htmx_request_gets_a_whole_page_redirect(client, county_reporter):
    client.force_login(county_reporter)
    _age(client, idle_seconds=3600)
    response = client.get("/office/units/220104/?q=x", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/?reason=idle")


@pytest.mark.django_db
def test_the_reason_cannot_carry_text(client, db):
    page = client.get("/accounts/login/?reason=<script>alert(1)</script>").content.decode()
    assert "alert(1)" not in page and "会话已超时" not in page


@pytest.mark.django_db
def test_residents_keep_their_session(client, resident):
    resident.phone = "13900000001"
    resident.save()
    client.force_login(resident)
    _age(client, idle_seconds=3 * 3600)
    assert client.get("/me/").status_code == 200
