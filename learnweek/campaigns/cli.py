"""What the commands that work on one campaign and one unit share."""

from __future__ import annotations

from django.core.management.base import CommandError

from learnweek.campaigns.models import Campaign
from learnweek.core.errors import NotFound
from learnweek.orgs.models import Unit
from learnweek.orgs.selectors import unit_get_by_code


def campaign_and_unit(slug: str, code: str) -> tuple[Campaign, Unit]:
    """The campaign with ``slug`` and the unit with ``code``, or a CommandError that says which
    one is missing."""
    try:
        return Campaign.objects.get(slug=slug), unit_get_by_code(code)
    except Campaign.DoesNotExist as exc:
        raise CommandError(f"没有标识为 {slug} 的年度活动。") from exc
    except NotFound as exc:
        raise CommandError(f"没有代码为 {code} 的单位。") from exc
