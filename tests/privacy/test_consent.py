"""A resident's first sign-in shows the privacy notice and asks for an explicit 同意 (not ticked in
advance), recorded with the notice's version; a new version asks again; declining signs out and
keeps nothing; the API's resident token follows the same rule."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learnweek.accounts.models import User
from learnweek.audit.models import AuditEntry
from learnweek.privacy.models import NoticeConsent
from learnweek.privacy.notice import NOTICE_VERSION
from tests.privacy.helpers import web_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _operator(settings):
    settings.PRIVACY_CONTROLLER = "吉林省教育厅"
    settings.PRIVACY_CONTACT = "0431-88905322"


def test_first_sign_in_shows_the_notice_and_agreeing_opens_the_page(client, texts):
    response = web_sign_in(client, texts)
    assert response.status_code == 302 and response["Location"] == "/me/"
    notice = client.get("/me/", follow=True)
    assert notice.redirect_chain[-1][0] == f"{reverse('public:privacy')}?next=/me/"
    page = notice.content.decode()
    for said in ("吉林省教育厅", "0431-88905322", "手机号码", "保存多久", "注销账号", "未满十四周岁"):
        assert said in page
    assert 'name="agree"' in page and "checked" not in page.split('name="agree"')[1].split(">")[0]
    user = User.objects.get(phone="13812345678")
    assert not NoticeConsent.objects.filter(user=user).exists()

    refused = client.post(reverse("public:privacy"), {"next": "/me/"})
    assert "请勾选“我已阅读并同意”" in refused.content.decode()
    assert not NoticeConsent.objects.exists()

    agreed = client.post(reverse("public:privacy"), {"agree": "on", "next": "/me/"})
    assert agreed["Location"] == "/me/"
    consent = NoticeConsent.objects.get(user=user)
    assert consent.version == NOTICE_VERSION and consent.channel == "web"
    assert AuditEntry.objects.filter(action="privacy.consent", target_id=str(user.pk)).count() == 1
    assert "我的报名" in client.get("/me/").content.decode()


def test_a_new_version_of_the_notice_asks_again(client, texts, settings):
    web_sign_in(client, texts)
    client.post(reverse("public:privacy"), {"agree": "on"})
    assert client.get("/me/").status_code == 200
    settings.PRIVACY_NOTICE_VERSION = "2027-03"
    again = client.get("/me/reading/")
    assert again.status_code == 302 and again["Location"].startswith(reverse("public:privacy"))
    assert "版本 2027-03" in client.get(reverse("public:privacy")).content.decode()
    client.post(reverse("public:privacy"), {"agree": "on"})
    assert sorted(NoticeConsent.objects.values_list("version", flat=True)) == sorted(
        [NOTICE_VERSION, "2027-03"]
    )
    assert client.get("/me/reading/").status_code == 200


def test_signing_up_for_an_activity_waits_for_the_consent(client, texts, make_activity):
    activity = make_activity()
    web_sign_in(client, texts, next_url=f"/activities/{activity.pk}/register/")
    response = client.post(f"/activities/{activity.pk}/register/", {"name": "李阿姨"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("public:privacy"))
    assert not activity.registrations.exists()


def test_declining_signs_out_and_keeps_nothing(client, texts):
    web_sign_in(client, texts)
    response = client.post(reverse("public:privacy"), {"decline": "1"}, follow=True)
    assert "已退出登录，本次登录未保存任何信息" in response.content.decode()
    assert not User.objects.filter(phone="13812345678").exists()
    assert not User.history.filter(phone="13812345678").exists()
    assert client.get("/me/")["Location"].startswith(reverse("public:sign_in"))


def test_declining_a_new_version_keeps_the_account_as_it_was(client, texts, settings):
    web_sign_in(client, texts)
    client.post(reverse("public:privacy"), {"agree": "on"})
    settings.PRIVACY_NOTICE_VERSION = "2027-03"
    response = client.post(reverse("public:privacy"), {"decline": "1"}, follow=True)
    assert "您此前的信息保持不变" in response.content.decode()
    assert User.objects.filter(phone="13812345678").exists()
    assert client.get("/me/")["Location"].startswith(reverse("public:sign_in"))


def test_the_notice_is_readable_by_anyone_without_a_form(client):
    page = client.get(reverse("public:privacy")).content.decode()
    assert "个人信息处理告知" in page and 'name="agree"' not in page


def test_staff_are_never_asked(client, county_reporter):
    client.force_login(county_reporter)
    assert 'name="agree"' not in client.get(reverse("public:privacy")).content.decode()


# -- the API --------------------------------------------------------------------------------------


def _code(client, texts, phone="13812345678"):
    texts.sent(client.post, "/api/v1/auth/code", {"phone": phone}, content_type="application/json")
    return texts.last_code()


def test_the_api_gives_no_resident_token_without_the_consent(client, texts):
    notice = client.get("/api/v1/auth/privacy-notice").json()
    assert notice["version"] == NOTICE_VERSION and notice["sections"][0]["heading"] == "谁处理您的信息"
    code = _code(client, texts)
    refused = client.post(
        "/api/v1/auth/resident-token", {"phone": "13812345678", "code": code}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "consent_required"
    assert not User.objects.filter(phone="13812345678").exists()

    code = _code(client, texts, phone="13812345679")
    stale = client.post(
        "/api/v1/auth/resident-token",
        {"phone": "13812345679", "code": code, "consent_version": "2020-01"},
        content_type="application/json",
    )
    assert stale.status_code == 400 and "请阅读新版本后再同意" in stale.json()["message"]
    assert not NoticeConsent.objects.exists() and not User.objects.filter(phone="13812345679").exists()


def test_the_api_records_the_consent_given_in_the_app(client, texts, settings):
    settings.RATELIMIT_ENABLE = False
    code = _code(client, texts)
    response = client.post(
        "/api/v1/auth/resident-token",
        {"phone": "13812345678", "code": code, "consent_version": NOTICE_VERSION},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["token"]
    consent = NoticeConsent.objects.get(user__phone="13812345678")
    assert consent.channel == "api" and consent.version == NOTICE_VERSION
