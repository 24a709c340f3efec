"""The 活动开展情况统计表 as a requirement kind (registered in stats.apps): a unit answers it on
its live statistics table, not with a text, and hands in a frozen copy of it."""

from __future__ import annotations

from django.urls import reverse

from learnweek.campaigns.models import Requirement
from learnweek.orgs.models import Unit

STATISTICS = "statistics"  # the family of the statistics kind (campaigns.kinds)


def table_url(requirement: Requirement, unit: Unit) -> str:
    """The unit's live table of the requirement's campaign, where it is filled and handed in."""
    return reverse("backoffice:stats", args=[requirement.campaign.slug]) + f"?unit={unit.code}"
