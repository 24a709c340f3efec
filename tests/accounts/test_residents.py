"""Residents sign in with a mobile number and a text-message code."""

import datetime

import pytest
from django.utils import timezone

from learnweek.accounts.models import OneTimeCode, User
from learnweek.accounts.residents import otp_send, resident_sign_in
from learnweek.core.errors import DomainError
from learnweek.core.phones import mask_phones, normalise_mobile


def sent_code(outbox):
    return outbox[-1][1].split("验证码为")[1][:6]


def test_a_code_signs_a_resident_in_and_makes_the_account_once(
    db, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        otp_send(phone="+86 138-1234-5678")
    assert sms_outbox[-1][0] == "13812345678"
    user = resident_sign_in(phone="13812345678", code=sent_code(sms_outbox), full_name="王大爷")
    assert (user.phone, user.full_name, user.unit) == ("13812345678", "王大爷", None)
    assert not user.has_usable_password()
    with pytest.raises(DomainError, match="不正确或已过期"):  # used once
        resident_sign_in(phone="13812345678", code=sent_code(sms_outbox))
    assert User.objects.filter(phone="13812345678").count() == 1
    assert sent_code(sms_outbox) not in OneTimeCode.objects.get().digest  # only a digest is kept


def test_wrong_codes_are_counted_and_lock_the_code(db, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        otp_send(phone="13812345678")
    right = sent_code(sms_outbox)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(DomainError, match="不正确"):
            resident_sign_in(phone="13812345678", code=wrong)
    with pytest.raises(DomainError, match="错误次数过多"):
        resident_sign_in(phone="13812345678", code=right)
    assert not User.objects.filter(phone="13812345678").exists()


def test_codes_cannot_be_asked_for_again_within_a_minute_nor_used_after_ten(db, sms_outbox):
    otp_send(phone="13812345678")
    with pytest.raises(DomainError, match="秒后再试"):
        otp_send(phone="13812345678")
    assert OneTimeCode.objects.count() == 1
    OneTimeCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(DomainError, match="已过期"):
        resident_sign_in(phone="13812345678", code="123456")


def test_a_malformed_number_gets_no_code(db, sms_outbox):
    with pytest.raises(DomainError, match="格式不正确"):
        otp_send(phone="12345")
    assert not OneTimeCode.objects.exists() and not sms_outbox


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("13812345678", "138****5678"),
        ("报名电话：13812345678（王老师），0431-88888888", "报名电话：138****5678（王老师），0431-88888888"),
        ("+86 138 1234 5678", "138****5678"),
        ("0431-85919091", "0431-85919091"),
        ("400-810-5678", "400-810-5678"),
        ("身份证 220104199001011234", "身份证 220104199001011234"),
    ],
)
def test_mobile_numbers_are_masked_and_office_lines_kept(text, shown):
    assert mask_phones(text) == shown


def test_normalise_mobile_reads_what_people_type():
    assert normalise_mobile(" 138-1234-5678 ") == normalise_mobile("8613812345678") == "13812345678"
