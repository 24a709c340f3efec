"""Every form keeps what was typed when it is refused (issue 23, item 9): the page comes back
with the good values in their fields and the reason shown. One bad value is sent together with
good ones in the other fields. The forms of the material, nomination, statistics and reading
pages are in tests/<app>/test_forms_keep_input.py and tests/stats/test_quality.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learnweek.accounts.models import User
from learnweek.activities.models import Activity
from learnweek.activities.services import activity_cancel
from learnweek.campaigns.models import Campaign, CampaignContact
from learnweek.orgs.models import Designation, Unit
from learnweek.orgs.roles import Role
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import COUNTY, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_staff(tree):
    return StaffFactory(unit=unit(COUNTY), roles=[Role.ADMIN, Role.REPORTER], username="chaoyang")


# (who, address, what is sent, the reason shown, what must come back)
BACK_OFFICE = [
    pytest.param(
        "county_staff",
        lambda: reverse("backoffice:unit_edit", args=[COUNTY]),
        {"name": "", "address": "长春市朝阳区西朝阳路1号", "phone": "0431-85000000"},
        "这个字段是必填项",
        ['value="长春市朝阳区西朝阳路1号"', 'value="0431-85000000"'],
        id="unit",
    ),
    pytest.param(
        "county_staff",
        lambda: reverse("backoffice:institution_new", args=[COUNTY]),
        {
            "code": "",
            "name": "朝阳区社区教育学院",
            "institution_type": "open_university",
            "address": "湖西路",
        },
        "这个字段是必填项",
        ['value="朝阳区社区教育学院"', 'value="湖西路"'],
        id="institution",
    ),
    pytest.param(
        "county_staff",
        lambda: reverse("backoffice:designation_new", args=[COUNTY]),
        {"kind": "demonstration_zone", "year": "1800", "note": "教育部认定"},
        "1990",
        ['value="1800"', 'value="教育部认定"'],
        id="designation",
    ),
    pytest.param(
        "county_staff",
        lambda: reverse("backoffice:staff_new", args=[COUNTY]),
        {
            "username": "chaoyang",
            "full_name": "刘老师",
            "phone": "13900001111",
            "email": "liu@example.cn",
            "roles": ["reporter"],
            "password": "另一个密码-2026",
        },
        "用户名 chaoyang 已被使用",
        [
            'value="刘老师"',
            'value="13900001111"',
            'value="liu@example.cn"',
            'value="reporter" id="id_roles_1" checked',
        ],
        id="staff account",
    ),
    pytest.param(
        "province_admin",
        lambda: reverse("backoffice:campaign_new"),
        {
            "year": "2027",
            "title": "2027年吉林省全民终身学习活动周",
            "week_start": "2027-11-08",
            "week_end": "2027-11-01",
        },
        "活动周的开始日期不能晚于结束日期",
        [
            'value="2027"',
            'value="2027年吉林省全民终身学习活动周"',
            'value="2027-11-08"',
            'value="2027-11-01"',
        ],
        id="new campaign",
    ),
    pytest.param(
        "province_admin",
        lambda: reverse("backoffice:campaign_edit", args=["jl26"]),
        {
            "title": "2026年吉林省全民终身学习活动周",
            "theme": "学习让生活更美好",
            "ceremony_stream_url": "ftp://x",
        },
        "开幕式直播链接",
        ['value="学习让生活更美好"'],
        id="campaign",
    ),
    pytest.param(
        "province_admin",
        lambda: reverse("backoffice:contact_new", args=["jl26"]),
        {"name": "吴老师", "office": "职业教育与成人教育处"},
        "联系人需要姓名，以及电话或邮箱",
        ['value="吴老师"', 'value="职业教育与成人教育处"'],
        id="campaign contact",
    ),
    pytest.param(
        "county_staff",
        lambda: reverse("backoffice:activity_new"),
        {
            "campaign": "jl26",
            "name": "朝阳区全民读书节",
            "category": "themed_reading",
            "start": "2026-09-20T14:00",
            "end": "2026-09-20T10:00",
            "mode": "offline",
            "address": "朝阳区图书馆",
        },
        "结束时间早于开始时间",
        ['value="朝阳区全民读书节"', 'value="朝阳区图书馆"', 'value="2026-09-20T14:00"'],
        id="activity",
    ),
    pytest.param(
        "county_staff",
        lambda: reverse("backoffice:stats_totals", args=["jl26"]),
        {
            "unit": COUNTY,
            "column": "themed_reading",
            "activities": "十二",
            "person_times": "300",
            "note": "社区书屋",
        },
        "活动数",
        [f'value="{COUNTY}"', 'value="十二"', 'value="300"', 'value="社区书屋"'],
        id="reported total",
    ),
]


@pytest.mark.parametrize(("who", "address", "sent", "reason", "kept"), BACK_OFFICE)
def test_a_refused_back_office_form_keeps_what_was_typed(
    client, request, jilin_2026_published, who, address, sent, reason, kept
):
    client.force_login(request.getfixturevalue(who))
    counts = [m.objects.count() for m in (Unit, Designation, User, Campaign, CampaignContact, Activity)]
    response = client.post(address(), sent)
    page = response.content.decode()
    assert response.status_code == 200
    assert reason in page
    for text in kept:
        assert text in page
    assert [
        m.objects.count() for m in (Unit, Designation, User, Campaign, CampaignContact, Activity)
    ] == counts


def test_a_refused_check_in_keeps_the_code(client, county_staff, make_activity):
    activity = make_activity()
    client.force_login(county_staff)
    response = client.post(
        reverse("backoffice:activity_checkin", args=[activity.pk]), {"code": "K7Q2-M9XD-4"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "签到码" in page and 'value="K7Q2-M9XD-4"' in page


def test_a_refused_cancellation_keeps_the_reason(client, county_staff, make_activity):
    activity = make_activity()
    client.force_login(county_staff)
    reason = "因场地维修，" + "改期" * 100  # over 200 characters
    response = client.post(reverse("backoffice:activity_cancel", args=[activity.pk]), {"reason": reason})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"取消原因不能超过 200 个字（现有 {len(reason)} 个）" in page
    assert f'value="{reason}"' in page
    activity.refresh_from_db()
    assert activity.cancelled_at is None


# -- signing in, and the residents' forms ------------------------------------------------------


def test_a_refused_sign_in_keeps_the_user_name(client, county_staff):
    response = client.post(reverse("login"), {"username": "chaoyang", "password": "not-it"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in page and 'value="chaoyang"' in page
    assert PASSWORD not in page


def test_a_refused_mobile_number_keeps_the_name(client, tree):
    response = client.post(reverse("public:sign_in"), {"name": "李阿姨", "phone": "1380000"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "手机号码" in page and 'value="李阿姨"' in page and 'value="1380000"' in page


def test_a_refused_sign_up_keeps_the_name(client, make_activity, make_resident):
    activity = make_activity()
    activity_cancel(actor=None, activity=activity, reason="场地维修")
    client.force_login(make_resident())
    response = client.post(reverse("public:register", args=[activity.pk]), {"name": "王大爷"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "取消" in page and 'value="王大爷"' in page


def test_a_refused_institution_file_is_asked_for_again(client, county_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(county_staff)
    table = SimpleUploadedFile("机构.csv", "名称\n朝阳区社区教育学院\n".encode(), "text/csv")
    response = client.post(reverse("backoffice:institution_import", args=[COUNTY]), {"file": table})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请重新选择文件" in page
    assert not Unit.objects.filter(name="朝阳区社区教育学院").exists()
