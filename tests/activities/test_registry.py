import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learnweek.accounts.services import api_token_create
from learnweek.activities.models import Activity
from learnweek.activities.services import activity_create
from learnweek.core.errors import DomainError, NotFound
from tests.helpers import unit

TZ = timezone.get_current_timezone()


def at(day, hour=9):
    return datetime.datetime(2023, 10, day, hour, tzinfo=TZ)


@pytest.fixture
def activities(jilin_2023_derived, school):
    made = {}
    for key, organiser, category, day, week in [
        ("school", school, "themed_reading", 15, True),
        ("county", unit("220104"), "smart_elderly", 16, False),
        ("sibling", unit("220105"), "themed_reading", 17, True),
        ("other_city", unit("220202"), "online_lecture", 18, False),
    ]:
        made[key] = activity_create(
            actor=None,
            campaign=jilin_2023_derived,
            organiser=organiser,
            name=f"{organiser.name}活动",
            category=category,
            start=at(day),
            end=at(day, 11),
            is_week=week,
            audiences=["elderly"] if key == "county" else ["residents"],
        )
    return made


def bearer(user):
    return {"Authorization": f"Bearer {api_token_create(user=user)}"}


def test_registry_list_is_scoped_and_filtered(client, activities, county_admin, city_admin):
    client.force_login(county_admin)
    page = client.get(reverse("backoffice:activities")).content.decode()
    assert "朝阳区社区学院活动" in page and "朝阳区活动" in page
    assert "二道区活动" not in page and "昌邑区活动" not in page
    client.force_login(city_admin)
    page = client.get(
        reverse("backoffice:activities"), {"category": "themed_reading", "week": "1"}
    ).content.decode()
    assert "朝阳区社区学院活动" in page and "二道区活动" in page and "朝阳区活动<" not in page
    page = client.get(
        reverse("backoffice:activities"), {"date_from": "2023-10-16", "date_to": "2023-10-16"}
    ).content.decode()
    assert "朝阳区活动" in page and "二道区活动" not in page


def test_a_sibling_gets_404_for_an_activity(client, activities, sibling_county_admin):
    client.force_login(sibling_county_admin)
    assert client.get(reverse("backoffice:activity", args=[activities["county"].pk])).status_code == 404
    assert client.get(reverse("backoffice:activity", args=[activities["sibling"].pk])).status_code == 200


def test_reporter_registers_an_activity_and_later_enters_person_times(
    client, jilin_2023_derived, county_reporter
):
    client.force_login(county_reporter)
    form = {
        "campaign": "jl23",
        "name": "家庭亲子阅读",
        "category": "themed_reading",
        "start": "2023-10-20T09:00",
        "end": "2023-10-20T11:00",
        "mode": "offline",
        "audiences": ["families"],
        "headcount": "80",
    }
    response = client.post(reverse("backoffice:activity_new"), form)
    activity = Activity.objects.get(name="家庭亲子阅读")
    assert response.status_code == 302 and activity.organiser.code == "220104"
    client.post(reverse("backoffice:activity_edit", args=[activity.pk]), form | {"person_times": "95"})
    activity.refresh_from_db()
    assert activity.person_times == 95
    assert activity.history.count() == 2


def test_the_edit_form_shows_the_times_as_the_date_and_time_boxes_read_them(
    client, jilin_2023_derived, county_reporter
):
    """A datetime-local box shows nothing for "2023-10-20 09:00:00": the organiser who opened the
    form to fix a typo had to type both times again."""
    client.force_login(county_reporter)
    form = {"campaign": "jl23", "name": "家庭亲子阅读", "category": "themed_reading", "mode": "offline"}
    client.post(
        reverse("backoffice:activity_new"), form | {"start": "2023-10-20T09:00", "end": "2023-10-20T11:30"}
    )
    activity = Activity.objects.get(name="家庭亲子阅读")
    page = client.get(reverse("backoffice:activity_edit", args=[activity.pk])).content.decode()
    assert 'type="datetime-local" name="start" value="2023-10-20T09:00"' in page
    assert 'type="datetime-local" name="end" value="2023-10-20T11:30"' in page


def test_end_before_start_is_refused_with_the_field_named(client, jilin_2023_derived, county_reporter):
    client.force_login(county_reporter)
    page = client.post(
        reverse("backoffice:activity_new"),
        {
            "campaign": "jl23",
            "name": "甲",
            "category": "other",
            "mode": "offline",
            "start": "2023-10-20T09:00",
            "end": "2023-10-19T09:00",
        },
    ).content.decode()
    assert "结束时间结束时间早于开始时间" in page
    assert not Activity.objects.exists()


def test_an_organiser_outside_the_scope_is_refused(jilin_2023_derived, county_reporter):
    with pytest.raises(NotFound):
        activity_create(
            actor=county_reporter,
            campaign=jilin_2023_derived,
            organiser=unit("220105"),
            name="甲",
            category="other",
            start=at(1),
            end=at(1, 10),
        )
    with pytest.raises(DomainError, match="不在 吉林省 之下"):
        activity_create(
            actor=None,
            campaign=jilin_2023_derived,
            organiser=unit("110105"),
            name="甲",
            category="other",
            start=at(1),
            end=at(1, 10),
        )


def test_api_lists_filters_pages_and_scopes(client, activities, city_admin, county_admin):
    body = client.get("/api/v1/activities", {"category": "themed_reading"}, headers=bearer(city_admin)).json()
    assert body["count"] == 2 and {a["name"] for a in body["items"]} == {"朝阳区社区学院活动", "二道区活动"}
    body = client.get("/api/v1/activities", {"audience": "elderly"}, headers=bearer(city_admin)).json()
    assert [a["name"] for a in body["items"]] == ["朝阳区活动"]
    body = client.get("/api/v1/activities", headers=bearer(county_admin)).json()
    assert body["count"] == 2
    other = activities["other_city"].pk
    assert client.get(f"/api/v1/activities/{other}", headers=bearer(city_admin)).status_code == 404


def test_api_create_and_patch(client, jilin_2023_derived, county_reporter):
    headers = bearer(county_reporter)
    payload = {
        "campaign": "jl23",
        "organiser": "220104",
        "name": "线上社会大讲堂",
        "category": "online_lecture",
        "start": "2023-10-21T19:00:00+08:00",
        "end": "2023-10-21T20:00:00+08:00",
        "mode": "online",
        "online_link": "https://le.ouchn.cn/",
    }
    created = client.post("/api/v1/activities", payload, content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    patched = client.patch(
        f"/api/v1/activities/{pk}", {"person_times": 1200}, content_type="application/json", headers=headers
    )
    assert patched.status_code == 200 and patched.json()["person_times"] == 1200
    bad = client.patch(
        f"/api/v1/activities/{pk}",
        {"end": "2023-10-20T20:00:00+08:00"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 400 and "结束时间早于开始时间" in bad.json()["message"]
    sibling = client.post(
        "/api/v1/activities",
        payload | {"organiser": "220105"},
        content_type="application/json",
        headers=headers,
    )
    assert sibling.status_code == 404
    assert Activity.objects.count() == 1
