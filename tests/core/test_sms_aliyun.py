"""The Alibaba Cloud backend builds the SendSms request of the provider's documentation: the
template's code, its variables as JSON, the 短信签名, and a V3 (ACS3-HMAC-SHA256) signature that
recomputing by the documented steps gives again. No network: the SDK's transport is replaced."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from urllib.parse import quote

import pytest
from darabonba.core import DaraCore

from learnweek.core.sms import message, send_template
from learnweek.core.sms_aliyun import SmsNotSent

KEY_ID, SECRET = "YourAccessKeyId", "YourAccessKeySecret"  # the placeholders of Aliyun's examples


class FakeResponse:
    status_code = 200
    headers = {"content-type": "application/json"}

    def __init__(self, body: dict):
        self.body = io.BytesIO(json.dumps(body).encode())


@pytest.fixture
def aliyun(settings, monkeypatch):
    settings.SMS_BACKEND = "learnweek.core.sms_aliyun.AliyunBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.SMS_SIGNATURE = "阿里云短信测试"
    settings.SMS_TEMPLATE_CODES = {"sign_in_code": "SMS_154950909", "signup_confirmed": "SMS_2"}
    sent: list = []
    answer = {"Code": "OK", "Message": "OK", "BizId": "9006197469364984400", "RequestId": "F655A8D5"}

    def transport(request, runtime):
        sent.append(request)
        return FakeResponse(answer)

    monkeypatch.setattr(DaraCore, "do_action", staticmethod(transport))
    return sent, answer


def _enc(text: str) -> str:
    return quote(text, safe="-_.~")


def _v3_signature(request) -> str:
    """The documented steps: canonical request → string to sign → HMAC-SHA256 with the secret."""
    signed = request.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    query = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(request.query.items()))
    headers = "".join(f"{name}:{request.headers[name].strip()}\n" for name in signed)
    payload = hashlib.sha256(b"").hexdigest()
    canonical = "\n".join([request.method, request.pathname, query, headers, ";".join(signed), payload])
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(SECRET.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def test_a_code_goes_as_the_documented_sendsms_request(aliyun):
    sent, _ = aliyun
    send_template("13800000000", "sign_in_code", code="1234", minutes=10)
    (request,) = sent
    assert request.method == "POST" and request.protocol.upper() == "HTTPS"
    assert request.headers["host"] == "dysmsapi.aliyuncs.com"
    assert request.headers["x-acs-action"] == "SendSms" and request.headers["x-acs-version"] == "2017-05-25"
    assert request.query == {
        "PhoneNumbers": "13800000000",
        "SignName": "阿里云短信测试",
        "TemplateCode": "SMS_154950909",
        "TemplateParam": '{"code":"1234","minutes":"10"}',
    }
    authorization = request.headers["Authorization"]
    assert authorization.startswith(f"ACS3-HMAC-SHA256 Credential={KEY_ID},SignedHeaders=")
    assert authorization.endswith(f"Signature={_v3_signature(request)}")


def test_the_variables_sent_are_the_cleaned_ones_never_the_text(aliyun):
    sent, _ = aliyun
    send_template("13800000000", "signup_confirmed", activity="读书会 http://x.cn 【退订】", start="12月1日09:00",
                  code="ABCD-EFGH-JK")  # fmt: skip
    params = json.loads(sent[0].query["TemplateParam"])
    assert params == {"activity": "读书会 退订", "start": "12月1日09:00", "code": "ABCD-EFGH-JK"}
    assert "您已报名" not in json.dumps(sent[0].query, ensure_ascii=False)


def test_a_refusal_is_reported_in_words_and_not_as_sent(aliyun):
    sent, answer = aliyun
    answer.update(Code="isv.BUSINESS_LIMIT_CONTROL", Message="触发天级流控Permits:10")
    with pytest.raises(SmsNotSent, match="过于频繁"):
        send_template("13800000000", "sign_in_code", code="123456", minutes=10)


def test_a_template_without_a_configured_code_is_a_configuration_error(aliyun, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SMS_TEMPLATE_CODES = {}
    with pytest.raises(ImproperlyConfigured, match="sign_in_code"):
        send_template("13800000000", "sign_in_code", code="123456", minutes=10)


def test_the_text_a_phone_shows_is_the_filed_template(settings):
    settings.SMS_SIGNATURE = "阿里云短信测试"
    text = message("13800000000", "sign_in_code", code="1234", minutes=10).text
    assert text == "【阿里云短信测试】您的登录验证码为1234，10分钟内有效，请勿告诉他人。"


def test_a_code_the_provider_refused_is_not_kept_and_the_next_try_is_not_told_to_wait(aliyun, db):
    from learnweek.accounts.models import OneTimeCode
    from learnweek.accounts.residents import otp_send

    sent, answer = aliyun
    answer.update(Code="isp.SYSTEM_ERROR", Message="")
    with pytest.raises(SmsNotSent, match="短信暂时无法发送"):
        otp_send(phone="13800000000")
    assert not OneTimeCode.objects.exists()
    answer.update(Code="OK")
    assert otp_send(phone="13800000000") == "13800000000"
    assert OneTimeCode.objects.count() == 1 and len(sent) == 2
