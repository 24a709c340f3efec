"""The load test's world, in the database the load test serves. ``prepare.py campaign``: this
year's national campaign, published (the activities are generated into it, from today).
``prepare.py people [COUNT]``: residents and a check-in account:
``COUNT`` residents with mobile numbers and API tokens whose raw values the locustfile derives
(``load-resident-<n>``), and one county reporter (``load-staff``) for check-ins. Run again, it adds
nothing. Prints the range of public, upcoming activity ids for the scenario."""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnweek.config.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.utils import timezone  # noqa: E402

from learnweek.accounts.models import ApiToken, User  # noqa: E402
from learnweek.activities.selectors import activities_public  # noqa: E402
from learnweek.core.db import bulk_insert  # noqa: E402
from learnweek.orgs.models import Unit  # noqa: E402

COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
SLUG = "load-week"


def campaign() -> dict:
    from learnweek.campaigns.models import Campaign, CampaignStatus
    from learnweek.campaigns.services import campaign_create, campaign_set_status

    found = Campaign.objects.filter(slug=SLUG).first()
    if found is None:
        found = campaign_create(
            actor=None,
            issuing_unit=Unit.objects.get(code="000000"),
            year=timezone.localdate().year,
            slug=SLUG,
            title="全民终身学习活动周（压力测试）",
        )
        campaign_set_status(actor=None, campaign=found, status=CampaignStatus.PUBLISHED)
    return {"campaign": found.slug}


def prepare() -> dict:
    with transaction.atomic():
        have = User.objects.filter(username__startswith="load-resident-").count()
        if have < COUNT:
            now = timezone.now()
            bulk_insert(
                User,
                [
                    {
                        "username": f"load-resident-{n}",
                        "phone": f"177{n:08d}",
                        "full_name": f"居民{n}",
                        "password": "!",  # unusable: residents sign in with codes
                        "date_joined": now,
                        "is_active": True,
                    }
                    for n in range(have, COUNT)
                ],
            )
            users = dict(
                User.objects.filter(username__startswith="load-resident-").values_list("username", "pk")
            )
            bulk_insert(
                ApiToken,
                [
                    {
                        "user_id": users[f"load-resident-{n}"],
                        "digest": ApiToken.digest_of(f"load-resident-{n}"),
                    }
                    for n in range(have, COUNT)
                ],
            )
        # A reporter of the ministry: may check residents in at any activity of the country.
        staff, made = User.objects.update_or_create(
            username="load-staff",
            defaults={"unit": Unit.objects.get(code="000000"), "is_reporter": True, "full_name": "签到员"},
        )
        if made:
            ApiToken.objects.create(user=staff, digest=ApiToken.digest_of("load-staff"))
    upcoming = activities_public().filter(end__gte=timezone.now(), cancelled_at__isnull=True)
    bounds = upcoming.aggregate(low=Min("pk"), high=Max("pk"))
    return {"residents": COUNT, "activities": activities_public().count(), **bounds}


if __name__ == "__main__":
    print(json.dumps(campaign() if sys.argv[1:2] == ["campaign"] else prepare()))
