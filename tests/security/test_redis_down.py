"""Issue 21, findings 10 and 11: with Redis down the site keeps serving from the database. The
cache is what production configures (read from the settings with REDIS_URL pointing at a port
where nothing listens); the finder, an activity, its poster, the public search API and staff
sign-in answer; codes are refused with a message while their counters cannot be read; `/readyz`
says the cache is down, with the details only for a probe on the machine or for staff."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from learnweek.accounts.models import OneTimeCode
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:1/0"
UNAVAILABLE = "短信验证码服务暂时不可用，请稍后再试。"


@pytest.fixture(scope="module")
def production_cache_settings():
    """CACHES and SESSION_ENGINE as the settings make them when REDIS_URL is set."""
    env = {
        **os.environ,
        "REDIS_URL": NOTHING_LISTENS,
        "SECRET_KEY": "x" * 50,
        "DJANGO_SETTINGS_MODULE": "learnweek.config.settings",
    }
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'CACHES': settings.CACHES, 'SESSION_ENGINE': settings.SESSION_ENGINE}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout)


@pytest.fixture
def redis_down(settings, production_cache_settings):
    settings.CACHES = production_cache_settings["CACHES"]
    settings.SESSION_ENGINE = production_cache_settings["SESSION_ENGINE"]
    settings.RATELIMIT_ENABLE = True
    settings.AXES_ENABLED = True


@pytest.fixture
def activity(make_activity):
    """Made while Redis still answered (listed before ``redis_down``)."""
    return make_activity("朝阳区全民读书节")


@pytest.fixture
def no_raise(client):
    client.raise_request_exception = False  # a failure is the 500 a visitor would get
    return client


def test_the_public_side_serves_from_the_database(no_raise, activity, redis_down):
    client = no_raise
    for url in ("/activities/", "/activities/?q=读书", f"/activities/{activity.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "朝阳区全民读书节" in response.content.decode()
    poster = client.get(f"/activities/{activity.pk}/poster.png")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/png"
    found = client.get("/api/v1/public/activities", {"q": "读书"})
    assert found.status_code == 200 and [a["name"] for a in found.json()["items"]] == ["朝阳区全民读书节"]


def test_the_outage_is_logged_once_not_per_request(no_raise, make_activity, redis_down, caplog, monkeypatch):
    from learnweek.core import cache as degrading

    degrading.OUTAGES.clear()  # a fresh process: the cache is first used below
    monkeypatch.setattr(degrading, "RETRY_AFTER", 0)  # every call tries Redis again, and fails
    with caplog.at_level(logging.WARNING, logger="learnweek.core.cache"):
        activity = make_activity()
        for _ in range(3):
            assert no_raise.get(f"/activities/{activity.pk}/").status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "learnweek.core.cache"]
    assert len(lines) == 1 and "127.0.0.1:1" in lines[0] and "unavailable" in lines[0]


def test_staff_sign_in_still_works(no_raise, redis_down, county_reporter):
    client = no_raise
    response = client.post(reverse("login"), {"username": county_reporter.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("backoffice:home")).status_code == 200  # the session, from the database


def test_codes_are_refused_with_a_message_while_their_counters_cannot_be_read(
    no_raise, redis_down, sms_outbox
):
    client = no_raise
    assert client.get("/signin/").status_code == 200
    page = client.post("/signin/", {"name": "李阿姨", "phone": "13812345678"})
    assert page.status_code == 200 and UNAVAILABLE in page.content.decode()
    api = client.post("/api/v1/auth/code", {"phone": "13812345679"}, content_type="application/json")
    assert api.status_code == 503
    assert api.json() == {"code": "limits_unavailable", "message": UNAVAILABLE}
    assert not OneTimeCode.objects.exists() and not sms_outbox


def test_readyz_reports_the_cache_down_with_details_only_for_the_machine_and_staff(
    no_raise, activity, redis_down, county_admin
):
    client = no_raise
    local = client.get("/readyz")  # the test client comes from 127.0.0.1, as a local probe does
    assert local.status_code == 503 and local.json()["failed"] == ["cache"]
    assert "127.0.0.1:1" in local.json()["checks"]["cache"]["detail"]

    public = client.get("/readyz", REMOTE_ADDR="203.0.113.5")
    assert (public.status_code, public.json()) == (503, {"status": "not ready"})
    through_proxy = client.get("/readyz", HTTP_X_FORWARDED_FOR="203.0.113.5")  # a proxy on this machine
    assert through_proxy.json() == {"status": "not ready"}

    client.force_login(county_admin)
    staff = client.get("/readyz", REMOTE_ADDR="203.0.113.5")
    assert staff.status_code == 503 and staff.json()["failed"] == ["cache"]
    assert client.get(f"/activities/{activity.pk}/").status_code == 200  # the pages keep serving
