"""The forms of the nominee's page and of a level's page keep what was typed when they are
refused: the page comes back (200) with the typed values in the fields and the reason, and a file
chosen for a refused form is asked for again (issue 23, item 9)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learnweek.campaigns.models import RequirementKind
from learnweek.nominations import services
from learnweek.nominations.models import DecisionAction, NominationState
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import CITY, PROVINCE, photo_file, unit
from tests.nominations.helpers import make_requirement

pytestmark = pytest.mark.django_db


def act(client, nomination, data):
    return client.post(reverse("backoffice:nomination_act", args=[nomination.pk]), data)


def test_a_refused_hand_in_keeps_the_units_opinion(client, advanced_unit, county_reporter, nominate):
    nomination = nominate(county_reporter, advanced_unit, head_name="")  # a draft may be partial
    client.force_login(county_reporter)
    response = act(client, nomination, {"action": "submit", "opinion": "事迹属实，同意推荐到市"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写“单位负责人”" in page
    assert "事迹属实，同意推荐到市</textarea>" in page
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT


def test_a_refused_photo_keeps_its_caption_and_asks_for_the_file_again(
    client, jilin_this_year_published, county_reporter, nominate
):
    star = make_requirement(jilin_this_year_published, RequirementKind.LEARNING_STAR, quota_per_unit=3)
    nomination = nominate(county_reporter, star)
    client.force_login(county_reporter)
    fake = SimpleUploadedFile("现场.jpg", b"%PDF-1.4 not a photo at all", "image/jpeg")
    response = act(client, nomination, {"action": "photo", "caption": "社区读书会现场", "photo": fake})
    page = response.content.decode()
    assert response.status_code == 200
    assert "不是可以打开的图片" in page
    assert 'value="社区读书会现场"' in page and "请重新选择文件" in page
    assert not nomination.photos.exists()


def test_a_refused_recommendation_keeps_the_comment(city_cascade, submitted_by_districts, client):
    """The city may forward 2: recommending the third is refused, the comment stays typed."""
    city = StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER])
    first, second, third = submitted_by_districts(["220102", "220103", "220104"])
    for nomination in (first, second):
        services.nomination_decide(actor=city, nomination=nomination, action=DecisionAction.RECOMMEND)
    client.force_login(city)
    response = act(client, third, {"action": "recommend", "comment": "办学特色鲜明"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "超出名额" in page and ">办学特色鲜明</textarea>" in page
    third.refresh_from_db()
    assert third.state == NominationState.IN_REVIEW and third.at_unit_id == unit(CITY).pk


def test_a_refused_score_keeps_every_point_and_the_comment(jilin_this_year_published, nominate, client):
    requirement = make_requirement(
        jilin_this_year_published,
        RequirementKind.ADVANCED_UNIT,
        applies_to=[UnitKind.PREFECTURE],
        scoring_criteria=[{"name": "事迹典型", "max": 60}, {"name": "材料规范", "max": 40}],
    )
    reporter = StaffFactory(unit=unit(CITY), roles=[Role.REPORTER])
    nomination = nominate(reporter, requirement)
    services.nomination_submit(actor=reporter, nomination=nomination)
    judge = StaffFactory(unit=unit(PROVINCE), roles=[Role.REVIEWER])
    client.force_login(judge)
    response = act(
        client, nomination, {"action": "score", "score-0": "61", "score-1": "35", "comment": "材料翔实"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“事迹典型”应在 0—60 分之间（填了 61）" in page
    assert 'name="score-0" inputmode="decimal" value="61"' in page
    assert 'name="score-1" inputmode="decimal" value="35"' in page
    assert 'id="id_score_comment" name="comment" value="材料翔实"' in page
    assert not nomination.scores.exists()


def test_a_refused_summary_sheet_keeps_the_contact(city_cascade, client, tmp_path):
    _, local = city_cascade
    city = StaffFactory(unit=unit(CITY), roles=[Role.REPORTER, Role.REVIEWER])
    client.force_login(city)
    sheet = reverse("backoffice:nomination_sheet", args=[local.pk])
    response = client.post(sheet, {"contact_name": "赵老师", "contact_phone": "请打办公室"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "不是电话号码" in page
    assert 'value="赵老师"' in page and 'value="请打办公室"' in page

    # A scan that is not a PDF: the contact stays, the file is asked for again.
    response = client.post(
        sheet, {"contact_name": "赵老师", "contact_phone": "0431-88886666", "scan": photo_file("汇总表.jpg")}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="赵老师"' in page and 'value="0431-88886666"' in page and "请重新选择文件" in page
