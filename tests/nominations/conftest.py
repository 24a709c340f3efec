"""Nomination fixtures: Jilin's campaign of this year (``jilin_this_year_published``) asking each
county (and each university or related unit) for one advanced unit and one advanced individual (as
Jilin did in 2023), and the national campaign asking each province for 3 to 5 learning stars."""

from __future__ import annotations

import datetime

import pytest

from learnweek.campaigns.models import CampaignStatus, RequirementKind
from learnweek.campaigns.services import (
    campaign_derive,
    campaign_set_status,
)
from learnweek.nominations import services
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, SIBLING_COUNTY, unit
from tests.nominations.helpers import PERSON_VALUES, UNIT_VALUES, make_requirement


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def advanced_unit(jilin_this_year_published):
    return make_requirement(jilin_this_year_published, RequirementKind.ADVANCED_UNIT)


@pytest.fixture
def advanced_individual(jilin_this_year_published):
    return make_requirement(jilin_this_year_published, RequirementKind.ADVANCED_INDIVIDUAL)


@pytest.fixture
def city_cascade(jilin_this_year_published):
    """The province asks each city for 2 advanced units; Changchun passes the requirement down
    to its districts, 1 each, with an earlier deadline. Returns (provincial, local)."""
    provincial = make_requirement(
        jilin_this_year_published,
        RequirementKind.ADVANCED_UNIT,
        title="先进单位",
        applies_to=[UnitKind.PREFECTURE],
        quota_per_unit=2,
    )
    city_campaign = campaign_derive(actor=None, parent=jilin_this_year_published, unit=unit(CITY))
    campaign_set_status(actor=None, campaign=city_campaign, status=CampaignStatus.PUBLISHED)
    local = make_requirement(
        city_campaign,
        RequirementKind.ADVANCED_UNIT,
        parent_requirement=provincial,
        title="先进单位（市级收集）",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(jilin_this_year_published.year, 12, 1),
    )
    return provincial, local


@pytest.fixture
def submitted_by_districts(city_cascade, nominate):
    """One nomination handed in by each of the given districts of Changchun under the city's
    requirement, in that order."""

    def make(codes):
        made = []
        for code in codes:
            reporter = StaffFactory(unit=unit(code), roles=[Role.REPORTER])
            nomination = nominate(reporter, city_cascade[1], name=f"{unit(code).name}社区学校")
            services.nomination_submit(actor=reporter, nomination=nomination)
            made.append(nomination)
        return made

    return make


@pytest.fixture
def county_reporter_reviewer(tree):
    return StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER, Role.REVIEWER])


@pytest.fixture
def sibling_county_reporter(tree):
    return StaffFactory(unit=unit(SIBLING_COUNTY), roles=[Role.REPORTER])


@pytest.fixture
def nominate():
    """A nomination by ``actor``'s unit (the county by default), with complete values."""

    def make(actor, requirement, **values):
        base = UNIT_VALUES if requirement.kind == RequirementKind.ADVANCED_UNIT else PERSON_VALUES
        return services.nomination_create(
            actor=actor, requirement=requirement, unit=actor.unit, **(base | values)
        )

    return make
