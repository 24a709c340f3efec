"""Issue 21, findings 7 and 9: a mobile number has one spelling (full-width digits are the same
resident, other scripts' digits are refused), and every public output masks mobile numbers while
office lines stay."""

import datetime
import io
import re

import pytest
from django.db.models import F
from django.urls import reverse

from learnweek.accounts.models import OneTimeCode, User
from learnweek.accounts.residents import otp_send, resident_sign_in
from learnweek.accounts.services import staff_account_create
from learnweek.core.errors import DomainError, RowErrors
from learnweek.core.phones import mask_phones, normalise_mobile
from learnweek.core.tabular import read_table
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.services import institutions_import
from learnweek.registrations.models import Registration
from learnweek.registrations.services import registration_create
from tests.helpers import COUNTY, unit

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


def last_code(sms_outbox) -> str:
    return re.search(r"验证码为([0-9]{6})", sms_outbox[-1][1]).group(1)


def code_minutes_ago():
    """Past the minute between two codes to one number."""
    OneTimeCode.objects.update(created_at=F("created_at") - datetime.timedelta(minutes=2))


def residents() -> int:
    return User.objects.filter(unit__isnull=True, is_superuser=False).count()


# -- finding 7: one number, one resident, one seat ---------------------------------------------


def sign_in_on_the_page(client, phone, sms_outbox, capture):
    with capture(execute=True):
        page = client.post("/signin/", {"name": "李阿姨", "phone": phone}).content.decode()
    assert "验证码已发送至" in page
    number = re.search(r'name="phone" value="([^"]*)"', page).group(1)  # the form's hidden field
    response = client.post("/signin/", {"phone": number, "name": "李阿姨", "code": last_code(sms_outbox)})
    assert response.status_code == 302


def test_a_full_width_number_signs_in_as_the_same_resident_and_gets_no_second_seat_on_the_page(
    client, make_activity, sms_outbox, django_capture_on_commit_callbacks
):
    activity = make_activity(capacity=10)
    register = reverse("public:register", args=[activity.pk])
    sign_in_on_the_page(client, "13600136001", sms_outbox, django_capture_on_commit_callbacks)
    assert "报名成功" in client.post(register, {"name": "李阿姨"}, follow=True).content.decode()
    client.logout()
    code_minutes_ago()

    sign_in_on_the_page(client, "1360013600１", sms_outbox, django_capture_on_commit_callbacks)
    assert sms_outbox[-1][0] == "13600136001"  # the code went to the one number
    page = client.post(register, {"name": "李阿姨"}, follow=True).content.decode()
    assert "您已报名该活动" in page and "报名成功" not in page
    assert residents() == 1
    assert Registration.objects.filter(activity=activity).count() == 1
    # The sign-up service itself (any caller) keys on the one number too.
    with pytest.raises(DomainError, match="该手机号已报名此活动"):
        registration_create(activity_id=activity.pk, phone="136 00" + full_width("13 6001"), name="李阿姨")
    assert Registration.objects.filter(activity=activity).count() == 1


def api_token(client, phone, sms_outbox, capture):
    with capture(execute=True):
        sent = client.post("/api/v1/auth/code", {"phone": phone}, content_type="application/json")
    assert sent.status_code == 202
    response = client.post(
        "/api/v1/auth/resident-token",
        {"phone": phone, "code": last_code(sms_outbox), "name": "王大爷"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_a_full_width_number_is_the_same_resident_and_gets_no_second_seat_in_the_api(
    client, make_activity, sms_outbox, django_capture_on_commit_callbacks
):
    activity = make_activity(capacity=10)
    url = f"/api/v1/activities/{activity.pk}/registrations"
    first = api_token(client, "13600136002", sms_outbox, django_capture_on_commit_callbacks)
    assert client.post(url, {}, content_type="application/json", headers=first).status_code == 201
    code_minutes_ago()

    second = api_token(client, "13600" + full_width("136002"), sms_outbox, django_capture_on_commit_callbacks)
    again = client.post(url, {}, content_type="application/json", headers=second)
    assert again.status_code == 400 and again.json()["code"] == "already_registered"
    assert residents() == 1
    assert Registration.objects.filter(activity=activity).count() == 1


@pytest.mark.parametrize("phone", ["13٦00136003", "1360013600३", "13٦００136003"])
def test_a_number_with_other_scripts_digits_is_refused_and_gets_no_code(client, db, sms_outbox, phone):
    response = client.post("/api/v1/auth/code", {"phone": phone}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "mobile_invalid"
    assert "应为 11 位数字（0—9）" in response.json()["message"]
    page = client.post("/signin/", {"name": "李阿姨", "phone": phone}).content.decode()
    assert "格式不正确" in page
    assert not OneTimeCode.objects.exists() and not sms_outbox
    with pytest.raises(DomainError, match="格式不正确"):
        registration_create(activity_id=1, phone=phone, name="李阿姨")


def test_fullwidth_codes_count_against_the_one_number_and_a_fullwidth_code_is_the_code(
    db, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        otp_send(phone="13600136004")
    with pytest.raises(DomainError, match="秒后再试"):  # not fresh allowances for a new spelling
        otp_send(phone="13600" + full_width("136004"))
    assert OneTimeCode.objects.count() == 1
    user = resident_sign_in(phone="136-00" + full_width("13-6004"), code=full_width(last_code(sms_outbox)))
    assert (user.username, user.phone) == ("m13600136004", "13600136004")


def test_normalise_mobile_folds_full_width_and_refuses_other_scripts():
    assert normalise_mobile("＋８６ １３８－１２３４－５６７８") == "13812345678"
    assert normalise_mobile("1381234567８") == "13812345678"
    for raw in ("1381234567٨", "13८12345678"):
        with pytest.raises(DomainError, match="格式不正确"):
            normalise_mobile(raw)


def test_an_institution_import_and_a_staff_account_store_ascii_numbers(county_admin):
    table = read_table(
        io.BytesIO(
            "机构代码,机构名称,机构类型,所属区划代码,联系电话\n"
            "２２０１０４９９０１,朝阳区社区学院,社区教育院校,２２０１０４,０４３１－８８８８８８８８\n".encode()
        ),
        "机构.csv",
    )
    institutions_import(actor=county_admin, under=unit(COUNTY), table=table)
    school = Unit.objects.get(name="朝阳区社区学院")
    assert (school.code, school.phone) == ("2201049901", "0431-88888888")
    assert school.get_parent().code == COUNTY
    # The ASCII spelling of the code is the same unit: refused, nothing written.
    again = read_table(
        io.BytesIO("机构代码,机构名称,机构类型\n2201049901,另一所学院,社区教育院校\n".encode()), "机构.csv"
    )
    with pytest.raises(RowErrors, match="代码 2201049901 已被系统中的其他单位使用"):
        institutions_import(actor=county_admin, under=unit(COUNTY), table=again)
    assert not Unit.objects.filter(name="另一所学院").exists()

    staff = staff_account_create(
        actor=county_admin,
        unit=unit(COUNTY),
        username="zhanglaoshi",
        password="Chaoyang-2026-xyz",
        roles=[Role.REPORTER],
        phone="１３８ １２３４ ５６７８",
    )
    assert staff.phone == "13812345678"


# -- finding 9: one masking step for everything public ----------------------------------------

MOBILE, MASKED = "13998765432", "139****5432"
OFFICE = "0431-85919091"


@pytest.fixture
def leaky(make_activity):
    """An activity whose text carries a mobile number everywhere it could, and an office line."""
    return make_activity(
        "全民读书节（报名 13712345678）",
        address="朝阳区图书馆，联系 13612345678",
        co_organisers="朝阳区文化馆 13512345678",
        registration_phone=f"{full_width('13812345678')} / {OFFICE}",
        content=f"联系人手机 {MOBILE}，办公室 {OFFICE}。",
    )


def unfolded(ics: bytes) -> str:
    """The iCalendar text with its folded lines joined (RFC 5545 3.1) and escapes undone."""
    return ics.decode().replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")


def assert_masked(text: str) -> None:
    for number in ("13712345678", "13612345678", "13512345678", MOBILE):
        assert number not in text
    assert full_width("13812345678") not in text
    assert MASKED in text and "138****5678" in text and "136****5678" in text and OFFICE in text


def test_the_activity_ics_masks_mobiles_and_keeps_office_lines(client, leaky):
    assert_masked(unfolded(client.get(f"/activities/{leaky.pk}/calendar.ics").content))


def test_the_search_feed_masks_mobiles_in_its_description(client, leaky):
    feed = unfolded(client.get("/activities/feed.ics", {"q": "读书"}).content)
    assert feed.count("BEGIN:VEVENT") == 1
    assert_masked(feed)
    description = re.search(r"DESCRIPTION:(.*)", feed).group(1)
    assert MASKED in description and OFFICE in description and MOBILE not in description


def test_the_public_api_masks_content_registration_phone_and_every_other_text(client, leaky):
    body = client.get("/api/v1/public/activities", {"region": "220100"}).json()
    (item,) = body["items"]
    assert item["registration_phone"] == f"138****5678 / {OFFICE}"
    assert item["content"] == f"联系人手机 {MASKED}，办公室 {OFFICE}。"
    assert item["name"] == "全民读书节（报名 137****5678）"
    assert_masked(str(body))


def test_the_page_region_page_sign_up_and_own_sign_ups_mask_mobiles(client, leaky, make_resident):
    assert_masked(client.get(f"/activities/{leaky.pk}/").content.decode())
    region = client.get(f"/regions/{COUNTY}/").content.decode()
    assert "137****5678" in region and "13712345678" not in region and "13612345678" not in region
    resident = make_resident()
    client.force_login(resident)
    register = client.get(reverse("public:register", args=[leaky.pk])).content.decode()
    assert "136****5678" in register and "13612345678" not in register
    registration_create(activity_id=leaky.pk, phone=resident.phone, name="李阿姨", resident=resident)
    mine = client.get("/me/").content.decode()
    assert "137****5678" in mine and "136****5678" in mine
    assert "13712345678" not in mine and "13612345678" not in mine


def test_the_poster_prints_masked_mobiles(client, leaky, monkeypatch):
    from learnweek.core.poster import Canvas

    drawn: list[str] = []
    title, facts = Canvas.title, Canvas.facts
    monkeypatch.setattr(Canvas, "title", lambda self, text, *a: drawn.append(text) or title(self, text, *a))
    monkeypatch.setattr(
        Canvas, "facts", lambda self, fs, *a: drawn.extend(f.value for f in fs) or facts(self, fs, *a)
    )
    response = client.get(f"/activities/{leaky.pk}/poster.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    text = " ".join(drawn)
    assert "137****5678" in text and "136****5678" in text and "135****5678" in text
    assert "13712345678" not in text and "13612345678" not in text and "13512345678" not in text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "报名电话：１３８１２３４５６７８，０４３１－８８８８８８８８",
            "报名电话：138****5678，０４３１－８８８８８８８８",
        ),
        ("手机 ١٣٨١٢٣٤٥٦٧٨", "手机 138****5678"),
        ("138－1234－5678", "138****5678"),
    ],
)
def test_mobiles_in_any_digits_are_masked_and_office_lines_kept(text, shown):
    assert mask_phones(text) == shown
