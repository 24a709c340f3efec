"""The demo's reporting line below the province: 长春市 derives Jilin's 2023 campaign and passes
the 附表1 and the statistics table down to its districts, a few days before Jilin's deadlines,
so the demo's district account (chaoyang) has them to hand in and the city's to review.
Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction

from learnweek.campaigns.models import Campaign, CampaignStatus, Requirement, RequirementKind
from learnweek.campaigns.services import campaign_derive, campaign_set_status, requirement_create
from learnweek.orgs.models import UnitKind
from learnweek.orgs.selectors import unit_get_by_code

PASSED_DOWN = (RequirementKind.DEMO_TABLE, RequirementKind.STATISTICS)
DAYS_EARLIER = 5


@transaction.atomic
def demo_city_campaign() -> Campaign | None:
    province = Campaign.objects.filter(slug="2023-jilin").first()
    if province is None:
        return None  # the seeded campaigns are not loaded
    city = Campaign.objects.filter(parent=province, issuing_unit__code="220100").first()
    if city is None:
        city = campaign_derive(
            actor=None,
            parent=province,
            unit=unit_get_by_code("220100"),
            slug="2023-changchun",
            title="2023年长春市全民终身学习活动",
            issued_on=province.issued_on,
        )
        campaign_set_status(actor=None, campaign=city, status=CampaignStatus.PUBLISHED)
    for parent in province.requirements.filter(kind__in=PASSED_DOWN).order_by("deadline", "pk"):
        if Requirement.objects.filter(campaign=city, parent_requirement=parent).exists():
            continue
        deadline = parent.deadline - datetime.timedelta(days=DAYS_EARLIER)
        requirement_create(
            actor=None,
            campaign=city,
            parent_requirement=parent,
            applies_to=[UnitKind.COUNTY],
            deadline=max(deadline, city.issued_on or deadline),
        )
    return city
