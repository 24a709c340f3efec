"""Retention: one-time codes go after a day; registrations' phone numbers are anonymised
PRIVACY_REGISTRATION_PHONE_MONTHS months after their activity ended, by the daily Celery task and
by `learnweek privacy-retention`, keeping the one-registration-per-person rule and the counts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from learnweek.accounts.models import CodePurpose, OneTimeCode
from learnweek.activities.models import Activity
from learnweek.privacy.tasks import privacy_retention
from learnweek.registrations.models import Registration
from learnweek.registrations.selectors import seats_of
from learnweek.registrations.services import registration_create

pytestmark = pytest.mark.django_db


def _code(days_ago: float) -> OneTimeCode:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    return OneTimeCode.objects.create(
        phone="13812345678",
        purpose=CodePurpose.SIGN_IN,
        digest="x" * 64,
        created_at=at,
        expires_at=at + datetime.timedelta(minutes=10),
    )


def _ended(activity, days_ago: int) -> None:
    end = timezone.now() - datetime.timedelta(days=days_ago)
    Activity.objects.filter(pk=activity.pk).update(start=end - datetime.timedelta(hours=2), end=end)


def test_codes_older_than_a_day_are_purged():
    old, fresh = _code(1.5), _code(0.1)
    assert privacy_retention()["codes"] == 1
    assert list(OneTimeCode.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert old.pk != fresh.pk


def test_phones_are_anonymised_months_after_the_activity(make_activity, settings):
    settings.PRIVACY_REGISTRATION_PHONE_MONTHS = 6
    old, recent = make_activity("去年的读书会"), make_activity("上月的读书会")
    for activity in (old, recent):
        for phone in ("13812345678", "13900000001"):
            registration_create(activity_id=activity.pk, phone=phone, name="李阿姨")
    _ended(old, 200)
    _ended(recent, 30)
    counts = seats_of(old)
    out = io.StringIO()
    call_command("privacy_retention", stdout=out)
    assert "已匿名化 2 条活动结束超过 6 个月的报名手机号" in out.getvalue()
    assert not Registration.objects.filter(activity=old, phone__startswith="1").exists()
    assert set(Registration.objects.filter(activity=recent).values_list("phone", flat=True)) == {
        "13812345678",
        "13900000001",
    }
    assert not Registration.history.filter(activity_id=old.pk, phone="13812345678").exists()
    assert seats_of(old) == counts and set(
        Registration.objects.filter(activity=old).values_list("name", flat=True)
    ) == {"李阿姨"}
    assert privacy_retention()["phones"] == 0  # done once


def test_the_daily_job_is_scheduled():
    job = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert job["task"] == privacy_retention.name and job["schedule"] == 24 * 60 * 60
