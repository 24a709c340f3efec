"""Where the campaigns' services tell the units: a requirement passed down, returned, approved,
reopened."""

import pytest

from learnweek.campaigns.models import CampaignStatus, RequirementKind
from learnweek.campaigns.services import (
    campaign_create,
    campaign_set_status,
    requirement_create,
    submission_approve,
    submission_reopen,
    submission_save,
    submission_submit,
)
from learnweek.core.chinese import chinese_date
from learnweek.notices.models import Notice
from learnweek.orgs.models import UnitKind
from tests.campaigns.helpers import TODAY, days
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, unit


@pytest.fixture
def jilin(tree):
    campaign = campaign_create(
        actor=None,
        issuing_unit=unit(PROVINCE),
        year=TODAY.year,
        slug="jl-n",
        title="吉林省活动",
        issued_on=days(-5),
    )
    StaffFactory(unit=unit(CITY), roles=["reporter"])
    StaffFactory(unit=unit(COUNTY), roles=["reporter"])
    return campaign


def _requirement(campaign, **extra):
    return requirement_create(
        actor=None,
        campaign=campaign,
        kind=RequirementKind.WORK_PLAN,
        title="活动周工作方案",
        applies_to=[UnitKind.PREFECTURE],
        deadline=days(20),
        **extra,
    )


def test_publishing_tells_the_units_each_requirement_addresses(jilin):
    _requirement(jilin)
    assert not Notice.objects.exists()  # a draft tells no one
    campaign_set_status(actor=None, campaign=jilin, status=CampaignStatus.PUBLISHED)
    notice = Notice.objects.get()
    assert notice.unit == unit(CITY) and notice.kind == "passed_down"  # the county is not addressed
    assert "活动周工作方案" in notice.title and f"{chinese_date(days(20))}" in notice.title
    campaign_set_status(actor=None, campaign=jilin, status=CampaignStatus.PUBLISHED)
    assert Notice.objects.count() == 1  # publishing again is not news


def test_a_requirement_added_to_a_published_campaign_is_passed_down(jilin):
    campaign_set_status(actor=None, campaign=jilin, status=CampaignStatus.PUBLISHED)
    assert not Notice.objects.exists()
    _requirement(jilin)
    assert Notice.objects.filter(kind="passed_down", unit=unit(CITY)).count() == 1


def test_approving_and_reopening_tell_the_submitting_unit(jilin, province_admin):
    requirement = _requirement(jilin)
    campaign_set_status(actor=None, campaign=jilin, status=CampaignStatus.PUBLISHED)
    submission = submission_save(
        actor=None, requirement=requirement, unit=unit(CITY), title="方案", body="正文"
    )
    submission = submission_submit(actor=None, submission=submission)
    submission_approve(actor=province_admin, submission=submission, comment="很好")
    approved = Notice.objects.get(kind="approved")
    assert approved.unit == unit(CITY) and "已审核通过" in approved.title and "很好" in approved.body
    submission_reopen(actor=province_admin, submission=submission, reason="补充联系人")
    reopened = Notice.objects.get(kind="reopened")
    assert "补充联系人" in reopened.body and reopened.link.endswith(f"/submissions/{submission.pk}/")


def test_handing_in_tells_the_level_that_asked(jilin, province_admin):
    requirement = _requirement(jilin)
    campaign_set_status(actor=None, campaign=jilin, status=CampaignStatus.PUBLISHED)
    submission = submission_save(
        actor=None, requirement=requirement, unit=unit(CITY), title="方案", body="正文"
    )
    submission = submission_submit(actor=None, submission=submission)
    (notice,) = Notice.objects.filter(kind="submitted")
    assert notice.recipient == province_admin and notice.title == "长春市提交了“活动周工作方案”"
    assert notice.link.endswith(f"/submissions/{submission.pk}/")
