"""A small year the statistics tests count by hand: Jilin (a province with two cities, counties and
institutions at province and county level), Beijing (a municipality), activities registered
under the national, the provincial and the municipal campaign, activities without person-times,
the week flag, reported totals, and activities that must not count (another year, another
province's subtree for Jilin's table, a category outside the table)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from learnweek.activities.services import activity_create
from learnweek.campaigns.models import CampaignStatus, RequirementKind
from learnweek.campaigns.services import (
    campaign_create,
    campaign_derive,
    campaign_set_status,
    requirement_create,
)
from learnweek.orgs.models import InstitutionType, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.services import institution_create
from learnweek.stats.services import reported_total_add
from tests.factories import StaffFactory
from tests.helpers import unit

TODAY = timezone.localdate()


def _published(campaign):
    return campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)


def _activity(campaign, organiser, category, *, week=False, person_times=None, year=None):
    start = datetime.datetime(year or campaign.year, 9, 1, 9, tzinfo=timezone.get_current_timezone())
    return activity_create(
        actor=None,
        campaign=campaign,
        organiser=organiser,
        name=f"{organiser.name}{category}",
        category=category,
        is_week=week,
        start=start,
        end=start + datetime.timedelta(hours=2),
        person_times=person_times,
    )


class Year:
    """The campaigns, units and requirements of the data set."""


@pytest.fixture
def year(tree) -> Year:
    y = Year()
    y.national = campaign_create(actor=None, issuing_unit=unit("000000"), year=2023, slug="n23", title="全国")
    y.requirement = requirement_create(
        actor=None,
        campaign=y.national,
        kind=RequirementKind.STATISTICS,
        title="2023年全民终身学习活动开展情况统计表",
        applies_to=[UnitKind.PROVINCE],
        deadline=TODAY + datetime.timedelta(days=30),
    )
    _published(y.national)
    y.jilin = _published(
        campaign_derive(actor=None, parent=y.national, unit=unit("220000"), slug="jl23", title="吉林")
    )
    y.city_requirement = requirement_create(
        actor=None,
        campaign=y.jilin,
        kind=RequirementKind.STATISTICS,
        title="吉林省统计表",
        applies_to=[UnitKind.PREFECTURE],
        deadline=TODAY + datetime.timedelta(days=20),
        parent_requirement=y.requirement,
    )
    y.beijing = _published(
        campaign_derive(actor=None, parent=y.national, unit=unit("110000"), slug="bj23", title="北京")
    )
    y.shanxi = _published(
        campaign_derive(actor=None, parent=y.national, unit=unit("140000"), slug="sx23", title="山西")
    )
    y.last_year = _published(
        campaign_create(actor=None, issuing_unit=unit("000000"), year=2022, slug="n22", title="全国2022")
    )
    y.ou = institution_create(
        actor=None,
        parent=unit("220000"),
        code="JL-OU",
        name="吉林开放大学",
        institution_type=InstitutionType.OPEN_UNIVERSITY,
    )
    y.school = institution_create(
        actor=None,
        parent=unit("220104"),
        code="CY-SCHOOL",
        name="朝阳区社区学院",
        institution_type=InstitutionType.COMMUNITY_SCHOOL,
    )
    a = _activity
    # Jilin province's own level (the open university counts at the province's level).
    a(y.jilin, unit("220000"), "themed_reading", week=True, person_times=100)
    a(y.national, y.ou, "online_lecture", person_times=50)
    # Prefecture level: Changchun and 吉林市 (registered under the national campaign).
    a(y.jilin, unit("220100"), "themed_reading", person_times=200)
    a(y.jilin, unit("220100"), "publisher_picks", week=True)  # no person-times yet
    a(y.national, unit("220200"), "themed_reading", week=True, person_times=30)
    # County level: 朝阳区, its community school, 南关区.
    a(y.jilin, unit("220104"), "themed_reading", person_times=40)
    a(y.jilin, y.school, "digital_reading", week=True, person_times=60)
    a(y.jilin, unit("220102"), "smart_elderly", week=True, person_times=500)  # week column only
    a(y.jilin, unit("220102"), "other", person_times=999)  # in no column
    # Beijing: the municipality itself, and a district.
    a(y.beijing, unit("110000"), "themed_reading", week=True, person_times=70)
    a(y.beijing, unit("110101"), "online_lecture")
    # Must not count in 2023: last year's campaign.
    a(y.last_year, unit("220104"), "themed_reading", week=True, person_times=10_000, year=2022)
    # Must not count in Jilin's table: Shanxi.
    a(y.shanxi, unit("140100"), "themed_reading", week=True, person_times=7)
    # Reported totals: Changchun for 南关区, Beijing for 西城区.
    reported_total_add(
        actor=None,
        campaign=y.jilin,
        entered_by=unit("220100"),
        unit=unit("220102"),
        column="digital_reading",
        activities=3,
        person_times=300,
    )
    reported_total_add(
        actor=None,
        campaign=y.beijing,
        entered_by=unit("110000"),
        unit=unit("110102"),
        column="activity_week",
        activities=2,
        person_times=20,
    )
    return y


@pytest.fixture
def province_reporter(tree):
    return StaffFactory(unit=unit("220000"), roles=[Role.REPORTER])


@pytest.fixture
def city_reporter(tree):
    return StaffFactory(unit=unit("220100"), roles=[Role.REPORTER])


@pytest.fixture
def ministry_reviewer(tree):
    return StaffFactory(unit=unit("000000"), roles=[Role.REVIEWER])
