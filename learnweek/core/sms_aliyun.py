"""Text messages through Alibaba Cloud's SMS service (短信服务, API ``SendSms`` of 2017-05-25),
with its official SDK ``alibabacloud-dysmsapi20170525``. ``SMS_BACKEND =
"learnweek.core.sms_aliyun.AliyunBackend"``; the AccessKey comes from the environment
(``SMS_ALIYUN_ACCESS_KEY_ID``, ``SMS_ALIYUN_ACCESS_KEY_SECRET``), the signature from
``SMS_SIGNATURE`` and each template's code from ``SMS_TEMPLATE_CODES`` (docs/deploy.md).

The provider receives the template's code and its variables as JSON — never the text itself —
so what reaches a phone is exactly the filed template."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from learnweek.core.errors import DomainError
from learnweek.core.phones import mask_phones
from learnweek.core.sms import Message

logger = logging.getLogger(__name__)

ENDPOINT = "dysmsapi.aliyuncs.com"
CONNECT_TIMEOUT_MS = 3000
READ_TIMEOUT_MS = 5000


class SmsNotSent(DomainError):
    """The provider refused or could not be reached; the words say so, nothing claims it went."""

    code = "sms_not_sent"


def send_request(message: Message):
    """The SDK's ``SendSmsRequest`` for ``message``."""
    from alibabacloud_dysmsapi20170525 import models

    if not message.template_code:
        raise ImproperlyConfigured(f"SMS_TEMPLATE_CODES has no code for template {message.template.key}")
    return models.SendSmsRequest(
        phone_numbers=message.phone,
        sign_name=message.signature,
        template_code=message.template_code,
        template_param=json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
    )


def client():
    from alibabacloud_dysmsapi20170525.client import Client
    from alibabacloud_tea_openapi import utils_models

    key_id, secret = settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET
    if not key_id or not secret:
        raise ImproperlyConfigured("SMS_ALIYUN_ACCESS_KEY_ID and SMS_ALIYUN_ACCESS_KEY_SECRET must be set")
    config = utils_models.Config(
        access_key_id=key_id, access_key_secret=secret, endpoint=settings.SMS_ALIYUN_ENDPOINT or ENDPOINT
    )
    return Client(config)


class AliyunBackend:
    def send(self, message: Message) -> None:
        from darabonba.runtime import RuntimeOptions

        runtime = RuntimeOptions(
            connect_timeout=CONNECT_TIMEOUT_MS, read_timeout=READ_TIMEOUT_MS, autoretry=False
        )
        try:
            response = client().send_sms_with_options(send_request(message), runtime)
        except ImproperlyConfigured:
            raise
        except Exception as exc:  # the SDK raises its own error types for the network and the API
            logger.error("SMS %s to %s failed: %s", message.template.key, mask_phones(message.phone), exc)
            raise SmsNotSent("短信暂时无法发送，请稍后再试。") from exc
        body = response.body
        if body is None or body.code != "OK":
            code = getattr(body, "code", "") or "unknown"
            logger.error("SMS %s to %s refused: %s %s", message.template.key, mask_phones(message.phone),
                         code, getattr(body, "message", ""))  # fmt: skip
            if code == "isv.BUSINESS_LIMIT_CONTROL":
                raise SmsNotSent("该手机号接收短信过于频繁，请稍后再试。")
            if code == "isv.MOBILE_NUMBER_ILLEGAL":
                raise SmsNotSent("手机号码无效，请检查后重试。")
            raise SmsNotSent("短信暂时无法发送，请稍后再试。")
