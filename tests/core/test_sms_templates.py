"""Every text message comes from the template registry: fixed text, named and bounded variables,
no link and no forged signature in a variable, whatever the organiser typed."""

from __future__ import annotations

import pytest

from learnweek.core.sms import TEMPLATES, clean_variable, message


def test_each_template_declares_exactly_the_variables_its_text_names():
    for template in TEMPLATES.values():
        assert template.variables, template.key
        assert template.kind in {"验证码", "短信通知"}


def test_a_message_carries_the_configured_signature(settings):
    settings.SMS_SIGNATURE = "吉林省终身学习网"
    sent = message("13800000000", "sign_in_code", code="012345", minutes=10)
    assert sent.text == "【吉林省终身学习网】您的登录验证码为012345，10分钟内有效，请勿告诉他人。"


@pytest.mark.parametrize(
    "title",
    [
        "读书会 http://evil.example/x 报名",
        "读书会 www.evil.cn 报名",
        "读书会 evil.top/abc 报名",
        "读书会【中奖通知】报名",
        "读书会\r\n回复TD退订",
    ],
)
def test_a_variable_never_carries_a_link_a_signature_or_a_line_break(title):
    sent = message("13800000000", "activity_cancelled", activity=title, start="12月1日09:00")
    value = sent.params["activity"]
    assert "http" not in value and "www" not in value and ".top" not in value and ".cn" not in value
    assert "【" not in value and "\n" not in value and "\r" not in value
    assert sent.text.count("【") == 1


def test_a_long_title_is_cut_to_its_bound():
    sent = message(
        "13800000000", "signup_confirmed", activity="很长" * 30, start="12月1日09:00", code="ABCD-EFGH-JK"
    )
    assert len(sent.params["activity"]) == 20 and sent.params["activity"].endswith("…")


def test_codes_must_be_digits_and_variables_exactly_those_declared():
    with pytest.raises(ValueError):
        message("13800000000", "sign_in_code", code="12a456", minutes=10)
    with pytest.raises(ValueError):
        message("13800000000", "sign_in_code", code="123456")
    with pytest.raises(ValueError):
        message("13800000000", "sign_in_code", code="123456", minutes=10, link="x")


def test_cleaning_keeps_ordinary_chinese_text():
    assert clean_variable("“长春市 读书节” 开幕", 20) == "“长春市 读书节” 开幕"
