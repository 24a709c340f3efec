"""The nomination pages, the API, the completeness board and the public showcase."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from learnweek.accounts.services import api_token_create
from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.selectors import board_for
from learnweek.campaigns.services import campaign_create, campaign_set_status, requirement_create
from learnweek.nominations import services
from learnweek.nominations.models import DecisionAction, Nomination, NominationState
from learnweek.orgs.models import UnitKind
from learnweek.privacy.services import publication_consent_form
from tests.factories import StaffFactory
from tests.helpers import COUNTY, PROVINCE, YEAR, pdf_file, photo_file, unit
from tests.nominations.helpers import PERSON_VALUES

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"Authorization": f"Bearer {api_token_create(user=user)}"}


def test_a_reporter_fills_and_submits_through_the_pages(client, advanced_individual, county_reporter):
    client.force_login(county_reporter)
    level = reverse("backoffice:nominations", args=[advanced_individual.pk])
    assert "本单位推荐的先进个人" in client.get(level).content.decode()
    form = client.get(reverse("backoffice:nomination_new", args=[advanced_individual.pk])).content.decode()
    assert 'data-count-limit="500"' in form and "char-counter.js" in form
    values = PERSON_VALUES | {"birth_date": "1968-05-04", "deeds": "事" * 501}
    refused = client.post(reverse("backoffice:nomination_new", args=[advanced_individual.pk]), values)
    assert "限 500 字以内（现有 501 字）" in refused.content.decode()
    assert not Nomination.objects.exists()
    response = client.post(
        reverse("backoffice:nomination_new", args=[advanced_individual.pk]),
        values | {"deeds": "扎根社区二十年。"},
    )
    nomination = Nomination.objects.get()
    assert response["Location"] == reverse("backoffice:nomination", args=[nomination.pk])
    page = client.get(response["Location"]).content.decode()
    assert "张秀兰" in page and "下载申报表（Word）" in page
    client.post(
        reverse("backoffice:nomination_act", args=[nomination.pk]), {"action": "submit", "opinion": "同意"}
    )
    nomination.refresh_from_db()
    assert nomination.state == NominationState.IN_REVIEW and nomination.unit_opinion == "同意"
    docx = client.get(reverse("backoffice:nomination_docx", args=[nomination.pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_the_city_decides_on_its_page_and_the_province_waits(
    client, advanced_unit, county_reporter, city_reviewer, province_reviewer, nominate
):
    nomination = nominate(county_reporter, advanced_unit)
    services.nomination_submit(actor=county_reporter, nomination=nomination)
    client.force_login(province_reviewer)
    assert client.get(reverse("backoffice:nomination", args=[nomination.pk])).status_code == 404
    client.force_login(city_reviewer)
    level = client.get(reverse("backoffice:nominations", args=[advanced_unit.pk])).content.decode()
    assert "待本级审核（1）" in level and "长春市朝阳区社区教育学院" in level
    page = client.get(reverse("backoffice:nomination", args=[nomination.pk])).content.decode()
    assert "同意推荐" in page and "不予推荐" in page
    client.post(
        reverse("backoffice:nomination_act", args=[nomination.pk]), {"action": "recommend", "comment": "同意"}
    )
    client.force_login(province_reviewer)
    page = client.get(reverse("backoffice:nomination", args=[nomination.pk])).content.decode()
    assert "评定通过" in page
    summary = client.get(reverse("backoffice:nomination_summary", args=[advanced_unit.pk, "xlsx"]))
    assert summary.status_code == 200
    ranking = client.get(reverse("backoffice:nomination_ranking", args=[advanced_unit.pk])).content.decode()
    assert "长春市朝阳区社区教育学院" in ranking


def test_the_api_creates_submits_and_decides_within_scope(
    client, advanced_unit, county_reporter, city_reviewer, sibling_county_reporter
):
    headers = bearer(county_reporter)
    created = client.post(
        f"/api/v1/requirements/{advanced_unit.pk}/nominations",
        {"name": "朝阳区社区教育学院", "supervisor": "朝阳区教育局", "deeds": "好" * 501},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 400 and "现有 501 字" in created.json()["message"]
    created = client.post(
        f"/api/v1/requirements/{advanced_unit.pk}/nominations",
        {
            "name": "朝阳区社区教育学院",
            "supervisor": "朝阳区教育局",
            "head_name": "王建国",
            "head_title": "院长",
            "address": "人民大街1号",
            "phone": "0431-88886666",
            "deeds": "事迹",
            "contact_name": "李老师",
            "contact_phone": "13904310000",
        },
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert client.get(f"/api/v1/nominations/{pk}", headers=bearer(sibling_county_reporter)).status_code == 404
    assert client.get(f"/api/v1/nominations/{pk}", headers=bearer(city_reviewer)).status_code == 404
    submitted = client.post(
        f"/api/v1/nominations/{pk}/submit",
        {"opinion": "同意推荐"},
        content_type="application/json",
        headers=headers,
    )
    assert submitted.json()["state"] == "in_review" and submitted.json()["at_unit"] == "220100"
    edit = client.patch(
        f"/api/v1/nominations/{pk}", {"name": "改名"}, content_type="application/json", headers=headers
    )
    assert edit.status_code == 400 and "不能修改" in edit.json()["message"]
    own_decision = client.post(
        f"/api/v1/nominations/{pk}/decisions",
        {"action": "recommend"},
        content_type="application/json",
        headers=headers,
    )
    assert own_decision.status_code == 403
    decided = client.post(
        f"/api/v1/nominations/{pk}/decisions",
        {"action": "recommend", "comment": "同意"},
        content_type="application/json",
        headers=bearer(city_reviewer),
    )
    assert decided.status_code == 200 and decided.json()["at_unit"] == PROVINCE
    assert [d["action"] for d in decided.json()["decisions"]] == ["submit", "recommend"]
    listed = client.get(f"/api/v1/nominations?requirement={advanced_unit.pk}", headers=bearer(city_reviewer))
    assert [n["id"] for n in listed.json()] == [pk]


@pytest.fixture
def national_stars(tree):
    campaign = campaign_create(
        actor=None, issuing_unit=unit("000000"), year=YEAR, slug="cn-nom", title="全国活动"
    )
    campaign_set_status(actor=None, campaign=campaign, status="published")
    return requirement_create(
        actor=None,
        campaign=campaign,
        kind=RequirementKind.LEARNING_STAR,
        title="全国新时代“百姓学习之星”推荐材料",
        applies_to=[UnitKind.PROVINCE],
        deadline=datetime.date(YEAR, 12, 31),
        quota_per_unit=5,
        quota_min=3,
        publish_winners=True,
    )


def test_the_board_shows_a_province_short_of_the_minimum(national_stars, ministry_admin):
    reporter = StaffFactory(unit=unit(PROVINCE), roles=["reporter"])
    for name in ("刘桂芳", "陈志强"):
        nomination = services.nomination_create(
            actor=reporter,
            requirement=national_stars,
            unit=unit(PROVINCE),
            **(PERSON_VALUES | {"name": name}),
        )
        services.nomination_submit(actor=reporter, nomination=nomination)
    board = board_for(ministry_admin, national_stars)
    jilin = next(row for row in board.rows if row.unit.code == PROVINCE)
    assert jilin.state == "short" and jilin.label == "已报 2 项，至少 3 项"
    assert unit(PROVINCE) in board.missing_units
    nomination = services.nomination_create(
        actor=reporter,
        requirement=national_stars,
        unit=unit(PROVINCE),
        **(PERSON_VALUES | {"name": "王淑珍"}),
    )
    services.nomination_submit(actor=reporter, nomination=nomination)
    jilin = next(row for row in board_for(ministry_admin, national_stars).rows if row.unit.code == PROVINCE)
    assert jilin.state == "submitted" and jilin.label == "已报 3 项"


def test_the_public_showcase_shows_the_selected_without_personal_data(client, national_stars, ministry_admin):
    reporter = StaffFactory(unit=unit(PROVINCE), roles=["reporter"])
    nomination = services.nomination_create(
        actor=reporter,
        requirement=national_stars,
        unit=unit(PROVINCE),
        **(PERSON_VALUES | {"name": "刘桂芳", "deeds": "退休后自学书法，在社区开课，电话13804310001。"}),
    )
    photo = services.photo_add(actor=reporter, nomination=nomination, upload=photo_file(), caption="书法课堂")
    services.nomination_submit(actor=reporter, nomination=nomination)
    listing = reverse("public:showcase")
    assert "刘桂芳" not in client.get(listing).content.decode()  # not selected yet
    assert client.get(reverse("public:showcase_item", args=[nomination.pk])).status_code == 404
    publication_consent_form(actor=reporter, nomination=nomination, upload=pdf_file("刘桂芳同意书.pdf"))
    services.nomination_decide(actor=ministry_admin, nomination=nomination, action=DecisionAction.RECOMMEND)
    assert "刘桂芳" in client.get(listing + f"?year={YEAR}&province={PROVINCE}").content.decode()
    assert "刘桂芳" not in client.get(listing + "?province=110000").content.decode()
    page = client.get(reverse("public:showcase_item", args=[nomination.pk])).content.decode()
    assert "退休后自学书法" in page and "书法课堂" in page
    for private in ("13804310001", "zhangxl@example.cn", "1968", "汉族", "李老师"):
        assert private not in page
    assert "138****0001" in page
    image = client.get(reverse("public:showcase_photo", args=[nomination.pk, photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_a_requirement_page_of_another_kind_is_not_a_nomination_page(
    client, jilin_this_year_published, county_reporter
):
    other = requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.WORK_PLAN,
        title="工作方案",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(YEAR, 12, 31),
    )
    client.force_login(county_reporter)
    assert client.get(reverse("backoffice:nominations", args=[other.pk])).status_code == 404
    assert COUNTY == county_reporter.unit.code


def test_the_nominating_unit_orders_its_nominees_on_its_page(
    client, jilin_this_year_published, county_reporter, nominate
):
    from tests.nominations.helpers import make_requirement

    requirement = make_requirement(jilin_this_year_published, RequirementKind.ADVANCED_UNIT, quota_per_unit=3)
    first = nominate(county_reporter, requirement, name="甲社区学校")
    second = nominate(county_reporter, requirement, name="乙老年大学")
    client.force_login(county_reporter)
    client.post(
        reverse("backoffice:nomination_move", args=[requirement.pk]),
        {"nomination": second.pk, "direction": "up"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.rank, first.rank) == (1, 2)
    page = client.get(reverse("backoffice:nominations", args=[requirement.pk])).content.decode()
    assert page.index("乙老年大学") < page.index("甲社区学校")


def test_my_tasks_count_the_nominees_handed_in(client, advanced_unit, county_reporter, nominate):
    client.force_login(county_reporter)
    nomination = nominate(county_reporter, advanced_unit)
    assert "草稿" in client.get(reverse("backoffice:tasks")).content.decode()
    services.nomination_submit(actor=county_reporter, nomination=nomination)
    page = client.get(reverse("backoffice:tasks"), {"state": "all"}).content.decode()  # handed in: done
    assert "已报 1 项" in page
    response = client.get(reverse("backoffice:submission_edit", args=[advanced_unit.pk]))
    assert response["Location"] == reverse("backoffice:nominations", args=[advanced_unit.pk])
