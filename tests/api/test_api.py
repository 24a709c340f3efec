import pytest

from learnweek.accounts.models import ApiToken
from tests.factories import PASSWORD


def test_token_then_unit(client, county_reporter):
    response = client.post(
        "/api/v1/auth/token",
        {"username": county_reporter.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    # Only the digest is stored.
    assert not ApiToken.objects.filter(digest=token).exists()
    unit = client.get("/api/v1/units/220104", headers={"Authorization": f"Bearer {token}"})
    assert unit.status_code == 200
    body = unit.json()
    assert body["name"] == "朝阳区" and body["kind"] == "county" and body["parent"] == "220100"


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_bad_credentials_get_a_chinese_message(client, county_admin, password):
    response = client.post(
        "/api/v1/auth/token",
        {"username": county_admin.username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"code": "bad_credentials", "message": "用户名或密码不正确。"}


def test_residents_get_no_token(client, resident):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "resident1", "password": "resident-pass-2026"},
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Token abc"])
def test_units_need_a_valid_token(client, tree, header):
    headers = {"Authorization": header} if header else {}
    assert client.get("/api/v1/units/220104", headers=headers).status_code == 401


def test_openapi_schema_lists_the_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/auth/token", "/api/v1/units/{code}"} <= set(schema["paths"])
