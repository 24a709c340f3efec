"""The open API: the finder without a token, sign-ups with a resident's token, check-in by staff."""

import gzip
import json
import re

import pytest

from learnweek.accounts.services import api_token_create
from learnweek.registrations.models import Registration


def resident_token(client, phone, sms_outbox, capture):
    with capture(execute=True):
        assert (
            client.post("/api/v1/auth/code", {"phone": phone}, content_type="application/json").status_code
            == 202
        )
    code = re.search(r"验证码为(\d{6})", sms_outbox[-1][1]).group(1)
    response = client.post(
        "/api/v1/auth/resident-token",
        {"phone": phone, "code": code, "name": "居民"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_finder_needs_no_token_and_masks_phones(client, make_activity):
    make_activity("全民读书节", registration_phone="13812345678")
    make_activity("书法体验课")
    make_activity("内部读书会", is_internal=True)
    body = client.get("/api/v1/public/activities", {"q": "读书", "region": "220100"}).json()
    assert [a["name"] for a in body["items"]] == ["全民读书节"]
    assert body["items"][0]["registration_phone"] == "138****5678"
    assert client.get("/api/v1/public/activities", {"region": "999999"}).status_code == 404
    assert client.get("/api/v1/public/activities", {"q": "读" * 10_000}).status_code == 422


def test_the_finders_answer_is_kept_whole_and_a_change_shows_at_once(client, make_activity):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from learnweek.activities.services import activity_update

    first = make_activity("全民读书节")
    url, query = "/api/v1/public/activities", {"q": "读书", "page_size": 5}
    before = client.get(url, query)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, query)
    assert again.content == before.content and len(queries.captured_queries) == 0
    packed = client.get(url, query, headers={"Accept-Encoding": "gzip"})
    assert (
        packed["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(packed.content)) == before.json()
    )
    make_activity("社区读书会", days=2)
    activity_update(actor=None, activity=first, name="全民读书节（改期）")
    after = client.get(url, query).json()
    assert [a["name"] for a in after["items"]] == ["全民读书节（改期）", "社区读书会"]
    assert after["count"] == 2 and after["more"] is False
    assert client.get(url, {"q": "读书", "page_size": 1}).json()["items"][0]["name"] == "全民读书节（改期）"


def test_sign_up_waitlist_and_cancel_with_a_resident_token(
    client, make_activity, sms_outbox, django_capture_on_commit_callbacks
):
    activity = make_activity(capacity=1)
    first = resident_token(client, "13812340001", sms_outbox, django_capture_on_commit_callbacks)
    second = resident_token(client, "13812340002", sms_outbox, django_capture_on_commit_callbacks)
    url = f"/api/v1/activities/{activity.pk}/registrations"
    a = client.post(url, {}, content_type="application/json", headers=first)
    assert a.status_code == 201 and a.json()["status"] == "confirmed"
    b = client.post(url, {}, content_type="application/json", headers=second)
    assert b.status_code == 201 and (b.json()["status"], b.json()["position"]) == ("waitlisted", 1)
    again = client.post(url, {}, content_type="application/json", headers=first)
    assert again.status_code == 400 and again.json()["code"] == "already_registered"
    # Someone else's registration is missing; one's own is cancelled and the seat moves on.
    assert client.delete(f"/api/v1/registrations/{a.json()['id']}", headers=second).status_code == 404
    done = client.delete(f"/api/v1/registrations/{a.json()['id']}", headers=first)
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert Registration.objects.get(pk=b.json()["id"]).status == "confirmed"


def test_staff_tokens_cannot_sign_up_and_residents_cannot_check_in(
    client, make_activity, county_reporter, sms_outbox, django_capture_on_commit_callbacks
):
    activity = make_activity()
    staff = {"Authorization": f"Bearer {api_token_create(user=county_reporter)}"}
    resident = resident_token(client, "13812340003", sms_outbox, django_capture_on_commit_callbacks)
    url = f"/api/v1/activities/{activity.pk}/registrations"
    assert client.post(url, {}, content_type="application/json", headers=staff).status_code == 401
    code = client.post(url, {}, content_type="application/json", headers=resident).json()["code"]
    assert (
        client.post(
            "/api/v1/checkins", {"code": code}, content_type="application/json", headers=resident
        ).status_code
        == 401
    )
    assert client.get("/api/v1/activities", headers=resident).status_code == 401  # staff endpoints too
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


@pytest.mark.parametrize("twice", [False, True])
def test_check_in_by_api(client, make_activity, county_reporter, sibling_county_admin, twice):
    from learnweek.registrations.services import registration_create

    activity = make_activity()
    code = registration_create(activity_id=activity.pk, phone="13812340009", name="李阿姨").registration.code
    sibling = {"Authorization": f"Bearer {api_token_create(user=sibling_county_admin)}"}
    staff = {"Authorization": f"Bearer {api_token_create(user=county_reporter)}"}
    refused = client.post(
        "/api/v1/checkins", {"code": code}, content_type="application/json", headers=sibling
    )
    assert refused.status_code == 400 and refused.json()["code"] == "checkin_invalid"
    response = client.post("/api/v1/checkins", {"code": code}, content_type="application/json", headers=staff)
    if twice:
        response = client.post(
            "/api/v1/checkins", {"code": code}, content_type="application/json", headers=staff
        )
    assert response.status_code == 200
    assert response.json()["status"] == ("already_checked_in" if twice else "checked_in")
    forged = client.post(
        "/api/v1/checkins", {"code": "0000000000"}, content_type="application/json", headers=staff
    )
    assert forged.status_code == 400 and "签到码无效" in json.loads(forged.content)["message"]
