"""Finding 3 of issue 21: the staff of a campaign's 领导小组办公室 act with the issuing unit's
scope for that campaign only — not for another campaign of the issuer, not even one of the same
year."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learnweek.campaigns.models import CampaignStatus, RequirementKind
from learnweek.campaigns.services import campaign_create, campaign_office_set, campaign_set_status
from learnweek.core.errors import NotFound
from learnweek.nominations import services
from learnweek.nominations.models import Nomination, NominationState
from learnweek.orgs.models import InstitutionType, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.services import institution_create
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import CITY, PROVINCE, unit
from tests.nominations.helpers import PERSON_VALUES, make_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def offices(jilin_this_year_published, county_reporter):
    """Jilin's campaign with its office at 吉林开放大学; the ministry's campaign of the same year,
    for which 吉林省 drafts a nominee of its own; a county's nominee under Jilin's campaign,
    recommended up to the province."""
    province = unit(PROVINCE)
    college = institution_create(
        actor=None,
        parent=province,
        code="JL-OU",
        name="吉林开放大学",
        institution_type=InstitutionType.OPEN_UNIVERSITY,
    )
    campaign_office_set(actor=None, campaign=jilin_this_year_published, office=college)
    national = campaign_create(
        actor=None,
        issuing_unit=unit("000000"),
        year=jilin_this_year_published.year,
        slug="nat-office",
        title="全国",
    )
    national_star = make_requirement(
        national,
        RequirementKind.LEARNING_STAR,
        applies_to=[UnitKind.PROVINCE, UnitKind.COUNTY],
        quota_per_unit=5,
    )
    campaign_set_status(actor=None, campaign=national, status=CampaignStatus.PUBLISHED)
    province_staff = StaffFactory(unit=province, roles=[Role.REPORTER, Role.REVIEWER])
    other = services.nomination_create(
        actor=province_staff,
        requirement=national_star,
        unit=province,
        **(PERSON_VALUES | {"name": "省级草稿"}),
    )
    city = StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER])
    passed = services.nomination_create(
        actor=county_reporter,
        requirement=national_star,
        unit=county_reporter.unit,
        **(PERSON_VALUES | {"name": "全国推荐"}),
    )
    services.nomination_submit(actor=county_reporter, nomination=passed)
    passed = services.nomination_decide(actor=city, nomination=passed, action="recommend", comment="同意")
    assert passed.at_unit == province
    own_star = make_requirement(
        jilin_this_year_published, RequirementKind.LEARNING_STAR, applies_to=[UnitKind.COUNTY]
    )
    mine = services.nomination_create(
        actor=county_reporter, requirement=own_star, unit=county_reporter.unit, **PERSON_VALUES
    )
    services.nomination_submit(actor=county_reporter, nomination=mine)
    mine = services.nomination_decide(actor=city, nomination=mine, action="recommend", comment="同意")
    assert mine.at_unit == province
    staff = StaffFactory(unit=college, roles=[Role.REPORTER, Role.REVIEWER])
    return staff, other, passed, mine


def test_the_office_does_not_see_another_campaign_of_the_same_year(client, offices):
    staff, other, passed, mine = offices
    client.force_login(staff)
    for nominee in (other, passed):
        for name in ("nomination", "nomination_docx", "nomination_edit"):
            assert client.get(reverse(f"backoffice:{name}", args=[nominee.pk])).status_code == 404, name
    listed = client.get(reverse("backoffice:nominations", args=[other.requirement.pk]))
    assert "省级草稿" not in listed.content.decode() and "全国推荐" not in listed.content.decode()
    refused = client.post(reverse("backoffice:nomination_act", args=[passed.pk]), {"action": "recommend"})
    assert refused.status_code == 404
    token = client.post(
        "/api/v1/auth/token",
        {"username": staff.username, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    names = [n["name"] for n in client.get("/api/v1/nominations", headers=headers).json()]
    assert "省级草稿" not in names and "全国推荐" not in names and mine.name in names
    assert client.get(f"/api/v1/nominations/{other.pk}", headers=headers).status_code == 404
    decided = client.post(
        f"/api/v1/nominations/{passed.pk}/decisions",
        {"action": "recommend"},
        content_type="application/json",
        headers=headers,
    )
    assert decided.status_code == 404
    with pytest.raises(NotFound):
        services.nomination_decide(actor=staff, nomination=passed, action="recommend", comment="同意")
    passed.refresh_from_db()
    assert passed.state == NominationState.IN_REVIEW and passed.at_unit == unit(PROVINCE)


def test_the_office_acts_for_its_own_campaign(client, offices):
    staff, _, _, mine = offices
    client.force_login(staff)
    page = client.get(reverse("backoffice:nomination", args=[mine.pk]))
    assert page.status_code == 200
    assert client.get(reverse("backoffice:nomination_docx", args=[mine.pk])).status_code == 200
    services.nomination_decide(actor=staff, nomination=mine, action="recommend", comment="同意推荐")
    assert Nomination.objects.get(pk=mine.pk).state == NominationState.APPROVED
