"""A guardian signs a child up with its own phone; a resident downloads its data and deletes its
account, after which the account cannot sign in and the statistics keep their counts."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from learnweek.accounts.models import User
from learnweek.activities.models import Activity
from learnweek.audit.models import AuditEntry
from learnweek.privacy.models import NoticeConsent
from learnweek.privacy.notice import current_version
from learnweek.reading.log_selectors import leaderboard
from learnweek.reading.log_services import book_resolve, log_set, profile_save, reader_add, reader_self
from learnweek.reading.models import IncentiveScheme, Reader, ReadingLog
from learnweek.registrations.models import Registration, RegistrationStatus
from learnweek.registrations.selectors import seats_of
from learnweek.registrations.services import checkin, registration_create
from tests.helpers import COUNTY, PROVINCE, unit
from tests.privacy.helpers import web_sign_in

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture
def resident(make_resident):
    user = make_resident(phone=PHONE, name="李阿姨")
    NoticeConsent.objects.create(user=user, version=current_version(), given_at=timezone.now())
    return user


def _past(activity, days=3):
    start = timezone.now() - datetime.timedelta(days=days)
    Activity.objects.filter(pk=activity.pk).update(start=start, end=start + datetime.timedelta(hours=2))


# -- children through their guardian ------------------------------------------------------------


def test_a_guardian_signs_a_child_up_with_its_own_phone(client, resident, make_activity):
    reader_add(account=resident, name="小明", age_group="child")
    activity = make_activity("亲子绘本阅读")
    client.force_login(resident)
    url = reverse("public:register", args=[activity.pk])
    page = client.get(url).content.decode()
    assert "为家人报名" in page and "小明" in page and "不收集孩子的手机号" in page
    client.post(url, {"name": "李阿姨", "family_member": "小明"})
    registration = Registration.objects.get(activity=activity)
    assert registration.name == "小明" and registration.phone == PHONE and registration.resident == resident


def test_without_family_members_the_form_asks_only_the_name(client, resident, make_activity):
    activity = make_activity()
    client.force_login(resident)
    assert "为家人报名" not in client.get(reverse("public:register", args=[activity.pk])).content.decode()


# -- download -------------------------------------------------------------------------------------


def test_the_resident_downloads_its_data_as_json_and_xlsx(client, resident, make_activity):
    activity = make_activity("全民读书节")
    registration_create(activity_id=activity.pk, phone=PHONE, name="李阿姨", resident=resident)
    log_set(
        account=resident,
        reader=reader_self(account=resident),
        book=book_resolve(title="骆驼祥子", author="老舍"),
        status="read",
        notes='=HYPERLINK("http://evil.example")',
    )
    client.force_login(resident)
    assert client.get(reverse("public:my_data")).status_code == 405
    response = client.post(reverse("public:my_data"))
    assert response["Content-Type"] == "application/zip" and "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["我的数据.json", "我的数据.xlsx"]
    data = json.loads(archive.read("我的数据.json"))
    assert data["账号"][0]["手机号码"] == PHONE
    assert data["报名"][0]["活动"] == "全民读书节" and data["报名"][0]["状态"] == "已报名"
    assert data["阅读记录"][0]["书名"] == "骆驼祥子"
    assert data["同意记录"][0]["告知版本"] == current_version()
    sheet = load_workbook(io.BytesIO(archive.read("我的数据.xlsx"))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert any(c.value == "阅读记录" for c in cells)
    notes = next(c for c in cells if c.value and str(c.value).startswith("=HYPERLINK"))
    assert notes.data_type == "s" and notes.quotePrefix  # text, never a formula
    assert AuditEntry.objects.filter(action="privacy.export", target_id=str(resident.pk)).count() == 1


# -- deletion -----------------------------------------------------------------------------------


def test_deleting_the_account_anonymises_it_and_keeps_the_counts(client, resident, make_activity, texts):
    held = make_activity("已举办的读书会")
    came = registration_create(
        activity_id=held.pk, phone=PHONE, name="李阿姨", resident=resident
    ).registration
    registration_create(activity_id=held.pk, phone="13900000001", name="王大爷")
    checkin(actor=None, code=came.code)
    _past(held)
    upcoming = make_activity("下周的书法课", capacity=1)
    registration_create(activity_id=upcoming.pk, phone=PHONE, name="李阿姨", resident=resident)
    registration_create(activity_id=upcoming.pk, phone="13900000002", name="张奶奶")  # waiting
    profile_save(account=resident, region=unit(COUNTY), interests="书法、养生")
    IncentiveScheme.objects.create(province=unit(PROVINCE), leaderboard=True)
    child = reader_add(account=resident, name="小明", age_group="child")
    log_set(account=resident, reader=child, book=book_resolve(title="小王子"), status="read", notes="很喜欢")
    year = timezone.localdate().year
    seats_before, board_before = seats_of(held), leaderboard(unit(PROVINCE), year)

    client.force_login(resident)
    confirm = client.get(reverse("public:delete_account")).content.decode()
    assert "确定注销您的居民账号吗" in confirm and "统计数字保留" in confirm
    unticked = client.post(reverse("public:delete_account"), {})
    assert "请勾选“我确认注销账号”" in unticked.content.decode()
    assert User.objects.get(pk=resident.pk).phone == PHONE
    done = client.post(reverse("public:delete_account"), {"confirm": "yes"}, follow=True)
    assert "您的账号已注销" in done.content.decode()

    gone = User.objects.get(pk=resident.pk)
    assert (gone.phone, gone.full_name, gone.is_active) == ("", "", False)
    assert gone.username.startswith("deleted-") and not gone.has_usable_password()
    assert not User.history.filter(phone=PHONE).exists()
    mine = Registration.objects.filter(resident=gone)
    assert {r.name for r in mine} == {"已注销用户"} and not mine.filter(phone=PHONE).exists()
    assert not Registration.history.filter(phone=PHONE).exists()
    assert mine.get(activity=upcoming).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(activity=upcoming, phone="13900000002").status == "confirmed"  # moved up
    names = {r.name for r in Reader.objects.filter(account=gone)}
    assert "小明" not in names and all(n.startswith("读者") for n in names)
    assert ReadingLog.objects.get(reader__account=gone).notes == ""
    assert AuditEntry.objects.filter(action="account.delete", target_id=str(gone.pk)).exists()
    # What the organiser's page and the province's leaderboard count is unchanged.
    assert seats_of(held) == seats_before and seats_of(held).checked_in == 1
    assert leaderboard(unit(PROVINCE), year) == board_before and board_before

    # The account cannot sign in again: the same number makes a new, empty account.
    client.logout()
    web_sign_in(client, texts, phone=PHONE)
    fresh = User.objects.get(phone=PHONE)
    assert fresh.pk != gone.pk and not Registration.objects.filter(resident=fresh).exists()
