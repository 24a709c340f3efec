"""Sign-in lock-out, the Content-Security-Policy, production settings under `check --deploy`,
and per-client rate limits."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse

from learnweek.core import ratelimits
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def test_repeated_wrong_passwords_lock_the_account_out(client, county_admin, lockout):
    login = reverse("login")
    for _ in range(3):
        response = client.post(login, {"username": county_admin.username, "password": "wrong-password"})
        assert response.status_code in (200, 429)
    locked = client.post(login, {"username": county_admin.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "连续输错密码次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_api_token_counts_failures_too(client, county_admin, lockout):
    for _ in range(3):
        client.post(
            "/api/v1/auth/token",
            {"username": county_admin.username, "password": "x"},
            content_type="application/json",
        )
    right = client.post(
        "/api/v1/auth/token",
        {"username": county_admin.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert right.status_code != 200


def test_pages_carry_a_csp_without_inline_script(client, make_activity):
    activity = make_activity()
    for url in (
        reverse("public:home"),
        reverse("public:finder"),
        reverse("public:activity", args=[activity.pk]),
    ):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())


def test_the_policy_built_once_is_django_csps_own_and_follows_the_settings(rf, settings):
    """learnweek.core.middleware.CSPMiddleware keeps the header it built; it must be the header
    django-csp builds, change with the setting, and leave a per-response policy to django-csp."""
    import csp.middleware
    import csp.utils
    from django.http import HttpResponse

    from learnweek.core.middleware import CSPMiddleware

    ours = CSPMiddleware(lambda request: HttpResponse("页面"))
    theirs = csp.middleware.CSPMiddleware(lambda request: HttpResponse("页面"))
    for _ in range(2):  # built, then kept
        assert (
            ours(rf.get("/")).headers["Content-Security-Policy"]
            == theirs(rf.get("/")).headers["Content-Security-Policy"]
        )
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://img.example.cn"]}
    }
    changed_policy = ours(rf.get("/")).headers["Content-Security-Policy"]
    assert changed_policy == csp.utils.build_policy()  # django-csp orders directives by a set
    assert set(changed_policy.split("; ")) == {"default-src 'self'", "img-src https://img.example.cn"}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    both = ours(rf.get("/"))
    assert both.headers["Content-Security-Policy-Report-Only"] == csp.utils.build_policy(report_only=True)

    def updated(request):
        response = HttpResponse("页面")
        response._csp_update = {"img-src": ["https://map.example.cn"]}
        return response

    changed = CSPMiddleware(updated)(rf.get("/"))
    assert "https://map.example.cn" in changed.headers["Content-Security-Policy"]
    exempt = HttpResponse("文件")
    exempt._csp_exempt = True
    assert "Content-Security-Policy" not in CSPMiddleware(lambda request: exempt)(rf.get("/")).headers


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "1",
        "SSL_REDIRECT": "1",
        "HSTS_PRELOAD": "1",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "learnweek.example.cn",
        "LEARNWEEK_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "learnweek.config.settings",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def limits(settings, monkeypatch):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    monkeypatch.setitem(ratelimits.LIMITS, "search", ("3/m", "搜索过于频繁，请稍候一分钟再试。"))
    monkeypatch.setitem(ratelimits.LIMITS, "code", ("2/h", "本设备获取验证码过于频繁，请一小时后再试。"))
    yield
    cache.clear()


def test_search_and_codes_are_limited_per_client(client, limits, jilin_2026_published):
    finder = reverse("public:finder")
    for _ in range(3):
        assert client.get(finder, {"q": "读书"}).status_code == 200
    refused = client.get(finder, {"q": "读书"})
    assert refused.status_code == 429 and "搜索过于频繁" in refused.content.decode()
    assert client.get(finder).status_code == 200  # browsing without a search is not counted
    for phone in ("13800000001", "13800000002"):
        assert (
            client.post("/api/v1/auth/code", {"phone": phone}, content_type="application/json").status_code
            == 202
        )
    third = client.post("/api/v1/auth/code", {"phone": "13800000003"}, content_type="application/json")
    assert third.status_code == 429 and third.json()["code"] == "rate_limited"
