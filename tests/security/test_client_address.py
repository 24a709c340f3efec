"""Issue 21, finding 8: behind a reverse proxy each client is still itself. The sign-in lock-out and
the rate limits count the client the trusted proxies saw (PROXY_COUNT), a forged X-Forwarded-For
moves nobody into another's count, a code is counted per mobile number and per device before the
far higher ceiling of a network address, each refusal says what was counted, and the API refuses
as JSON."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from learnweek.accounts.models import OneTimeCode
from learnweek.core import ratelimits
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the reverse proxy, as the app sees the connection


def behind_proxy(client_address: str, forged: str = "") -> dict:
    """The request's environ as nginx sends it on: X-Forwarded-For is what the client wrote, then
    the address nginx saw."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    AccessAttempt.objects.all().delete()


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True


def sign_in(client, user, password, **environ):
    return client.post(reverse("login"), {"username": user.username, "password": password}, **environ)


def ask_code(client, phone, **environ):
    return client.post("/api/v1/auth/code", {"phone": phone}, content_type="application/json", **environ)


@pytest.mark.parametrize(
    ("proxies", "environ", "expected"),
    [
        (0, {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "203.0.113.1"}, "198.51.100.7"),
        (1, behind_proxy("203.0.113.1"), "203.0.113.1"),
        (1, behind_proxy("203.0.113.1", forged="8.8.8.8"), "203.0.113.1"),
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.1, 10.0.0.9"}, "203.0.113.1"),
        (2, behind_proxy("203.0.113.1"), PROXY),  # a request that skipped the outer proxy
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "[2001:db8::5]:443"}, "2001:db8::5"),
        # an unclosed quote or a for= token written by the client must not swallow the entry
        # the proxy appended (python-ipware's lenient parser let 6.6.6.6 count)
        (1, behind_proxy("203.0.113.1", forged='for=6.6.6.6;x="'), "203.0.113.1"),
        (1, behind_proxy("203.0.113.1", forged='"6.6.6.6'), "203.0.113.1"),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": 'for="6.6.6.6"'}, PROXY),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_saw(settings, rf, proxies, environ, expected):
    from learnweek.core.clientip import client_ip

    settings.PROXY_COUNT = proxies
    assert client_ip(rf.get("/", **environ)) == expected


def test_five_wrong_passwords_from_five_clients_behind_the_proxy_do_not_lock_out_a_sixth(
    client, settings, county_admin, lockout
):
    settings.PROXY_COUNT = 1
    for n in range(1, 6):
        assert (
            sign_in(client, county_admin, "wrong-password", **behind_proxy(f"203.0.113.{n}")).status_code
            == 200
        )
    response = sign_in(client, county_admin, PASSWORD, **behind_proxy("203.0.113.6"))
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(county_admin.pk)


def test_one_client_is_locked_out_whatever_it_writes_into_x_forwarded_for(
    client, settings, county_admin, lockout
):
    settings.PROXY_COUNT = 1
    for n in range(1, 6):  # each try with another forged address in front of its own
        sign_in(
            client, county_admin, "wrong-password", **behind_proxy("203.0.113.66", forged=f"198.51.100.{n}")
        )
    locked = sign_in(client, county_admin, PASSWORD, **behind_proxy("203.0.113.66", forged="198.51.100.99"))
    assert locked.status_code == 429
    assert "该账号在您所在网络连续输错密码次数过多（5 次）" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Without a proxy (PROXY_COUNT=0) the header is not read at all: forging it dodges nothing.
    settings.PROXY_COUNT = 0
    AccessAttempt.objects.all().delete()
    for n in range(1, 6):
        sign_in(client, county_admin, "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    locked = sign_in(client, county_admin, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.42")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_the_code_limit_counts_the_client_behind_the_proxy_not_the_proxy(
    client, settings, limits, monkeypatch, sms_outbox
):
    settings.PROXY_COUNT = 1
    monkeypatch.setitem(ratelimits.LIMITS, "code", ("2/h", ratelimits.LIMITS["code"][1]))
    assert ask_code(client, "13800000001", **behind_proxy("203.0.113.1")).status_code == 202
    assert ask_code(client, "13800000002", **behind_proxy("203.0.113.1", forged="8.8.8.8")).status_code == 202
    refused = ask_code(client, "13800000003", **behind_proxy("203.0.113.1", forged="8.8.4.4"))
    assert refused.status_code == 429
    # Another household behind the same proxy is counted on its own.
    assert ask_code(client, "13800000004", **behind_proxy("203.0.113.2")).status_code == 202
    assert refused.json() == {
        "code": "rate_limited",
        "message": "您所在网络获取验证码过于频繁（每小时最多 2 次），请一小时后再试。",
    }
    # Without a proxy a forged header is ignored: the connection's address is counted.
    settings.PROXY_COUNT = 0
    for n, phone in enumerate(("13800000005", "13800000006")):
        assert (
            ask_code(client, phone, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"1.0.0.{n}").status_code
            == 202
        )
    forged = ask_code(client, "13800000007", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="1.0.0.9")
    assert forged.status_code == 429


def test_a_carriers_shared_address_is_not_refused_after_twenty_codes(client, limits, sms_outbox):
    """Thirty residents behind one carrier address (CGNAT) each ask for a code in the same hour."""
    for n in range(30):
        assert ask_code(client, f"139000000{n:02d}", REMOTE_ADDR="198.51.100.20").status_code == 202
    assert OneTimeCode.objects.count() == 30


def test_a_number_is_counted_before_the_network_and_says_so(client, limits, monkeypatch, sms_outbox):
    monkeypatch.setitem(ratelimits.LIMITS, "code", ("2/h", ratelimits.LIMITS["code"][1]))
    assert ask_code(client, "13800000001").status_code == 202
    again = ask_code(client, "13800000001")  # the same number within the minute
    assert again.status_code == 400 and again.json()["message"].startswith("该手机号的验证码已发送")
    # The refused request was not counted against the network: one more number still gets a code.
    assert ask_code(client, "13800000002").status_code == 202
    assert OneTimeCode.objects.count() == 2


def test_one_busy_device_is_refused_while_the_help_desk_next_to_it_is_not(
    client, django_user_model, limits, monkeypatch, sms_outbox
):
    from django.test import Client

    monkeypatch.setitem(ratelimits.FIRST, "code", ("device", "2/h", ratelimits.FIRST["code"][2]))
    client.cookies["lw_device"] = "forged-unsigned-id"
    assert client.get("/signin/").cookies["lw_device"].value != "forged-unsigned-id"  # a signed new one
    for phone in ("13800000001", "13800000002"):
        page = client.post("/signin/", {"name": "李阿姨", "phone": phone}).content.decode()
        assert "验证码已发送至" in page
    refused = client.post("/signin/", {"name": "李阿姨", "phone": "13800000003"}).content.decode()
    assert "本设备获取验证码过于频繁（每小时最多 2 次）" in refused
    desk = Client()  # another browser at the same address
    desk.get("/signin/")
    assert (
        "验证码已发送至" in desk.post("/signin/", {"name": "王大爷", "phone": "13800000003"}).content.decode()
    )
    assert OneTimeCode.objects.count() == 3


def test_the_api_refuses_as_json_when_locked_out_or_over_a_limit(
    client, county_admin, lockout, limits, monkeypatch, jilin_2026_published
):
    for _ in range(5):
        client.post(
            "/api/v1/auth/token",
            {"username": county_admin.username, "password": "x"},
            content_type="application/json",
        )
    locked = client.post(
        "/api/v1/auth/token",
        {"username": county_admin.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert locked.status_code == 429 and locked["Content-Type"].startswith("application/json")
    assert locked.json()["code"] == "locked_out" and "连续输错密码次数过多" in locked.json()["message"]
    monkeypatch.setitem(ratelimits.LIMITS, "search", ("1/m", ratelimits.LIMITS["search"][1]))
    assert client.get("/api/v1/public/activities", {"q": "读书"}).status_code == 200
    over = client.get("/api/v1/public/activities", {"q": "读书"})
    assert over.status_code == 429 and over["Content-Type"].startswith("application/json")
    assert over.json()["message"] == "您所在网络搜索过于频繁（每分钟最多 1 次），请稍候一分钟再试。"


def test_an_ipv6_household_is_one_client_for_the_lock_out_and_the_limits(settings, rf):
    from learnweek.core.clientip import client_network

    settings.PROXY_COUNT = 1
    one = client_network(rf.get("/", **behind_proxy("2001:db8:1:2::5")))
    other = client_network(rf.get("/", **behind_proxy("2001:db8:1:2:ffff::9")))
    assert one == other == "2001:db8:1:2::/64"
    assert settings.AXES_CLIENT_IP_CALLABLE == "learnweek.core.clientip.client_network"
