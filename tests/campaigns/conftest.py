"""A small cascade: the ministry's campaign, Jilin's derived from it, Changchun's derived from
Jilin's (with an earlier deadline for its counties), and a county campaign for its institutions."""

import pytest

from learnweek.campaigns.models import CampaignStatus, RequirementKind
from learnweek.campaigns.services import (
    campaign_create,
    campaign_derive,
    campaign_set_status,
    contact_add,
    requirement_create,
)
from learnweek.orgs.models import InstitutionType, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.services import institution_create
from tests.campaigns.helpers import TODAY, days
from tests.factories import StaffFactory
from tests.helpers import unit


@pytest.fixture
def cascade(tree):
    national = campaign_create(
        actor=None,
        issuing_unit=unit("000000"),
        year=TODAY.year,
        slug="nat",
        title="全民终身学习活动",
        theme="让学习成为一种生活方式",
        issued_on=days(-30),
    )
    contact_add(actor=None, campaign=national, name="齐坤", office="职成司", phone="010-66096253")
    stats = requirement_create(
        actor=None,
        campaign=national,
        kind=RequirementKind.STATISTICS,
        title="活动开展情况统计表",
        applies_to=[UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY],
        deadline=days(30),
    )
    campaign_set_status(actor=None, campaign=national, status=CampaignStatus.PUBLISHED)

    jilin = campaign_derive(actor=None, parent=national, unit=unit("220000"), slug="jl", issued_on=days(-20))
    board = requirement_create(
        actor=None,
        campaign=jilin,
        kind=RequirementKind.EXHIBITION_BOARD,
        title="成果展展板素材",
        applies_to=[UnitKind.PREFECTURE, UnitKind.COUNTY],
        deadline=days(10),
        title_max_chars=20,
        body_min_chars=10,
        body_max_chars=600,
    )
    campaign_set_status(actor=None, campaign=jilin, status=CampaignStatus.PUBLISHED)

    changchun = campaign_derive(actor=None, parent=jilin, unit=unit("220100"), slug="cc", issued_on=days(-10))
    cc_stats = requirement_create(
        actor=None,
        campaign=changchun,
        parent_requirement=stats,
        applies_to=[UnitKind.COUNTY],
        deadline=days(20),
    )
    campaign_set_status(actor=None, campaign=changchun, status=CampaignStatus.PUBLISHED)

    school = institution_create(
        actor=None,
        parent=unit("220104"),
        code="CY-SCHOOL",
        name="朝阳区社区学院",
        institution_type=InstitutionType.COMMUNITY_SCHOOL,
    )
    chaoyang = campaign_derive(
        actor=None, parent=changchun, unit=unit("220104"), slug="cy", issued_on=days(-5)
    )
    cy_plan = requirement_create(
        actor=None,
        campaign=chaoyang,
        kind=RequirementKind.WORK_PLAN,
        title="社区学院活动周方案",
        applies_to=[UnitKind.INSTITUTION],
        deadline=days(5),
    )
    campaign_set_status(actor=None, campaign=chaoyang, status=CampaignStatus.PUBLISHED)
    return {
        "national": national,
        "stats": stats,
        "jilin": jilin,
        "board": board,
        "changchun": changchun,
        "cc_stats": cc_stats,
        "chaoyang": chaoyang,
        "cy_plan": cy_plan,
        "school": school,
    }


@pytest.fixture
def school_reporter(cascade):
    return StaffFactory(unit=cascade["school"], roles=[Role.REPORTER], email="school@example.cn")
