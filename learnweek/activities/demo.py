"""The demo's current campaign: the seeded notices are of 2021–2023, so residents trying `make
demo` would find nothing still to come. This adds a published campaign of Jilin for this year,
its week starting next Monday with an opening ceremony and a live stream, and activities spread
over the coming weeks. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction

from learnweek.activities.generate import generate
from learnweek.campaigns.models import Campaign, CampaignStatus
from learnweek.campaigns.services import campaign_create, campaign_set_status
from learnweek.core.clock import today
from learnweek.orgs.selectors import unit_get_by_code

DEMO_ACTIVITIES = 1500


@transaction.atomic
def demo_current_campaign() -> Campaign:
    now = today()
    slug = f"demo-{now.year}-jilin"
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        monday = now + datetime.timedelta(days=7 - now.weekday())
        campaign = campaign_create(
            actor=None,
            issuing_unit=unit_get_by_code("220000"),
            year=now.year,
            slug=slug,
            title=f"{now.year}年吉林省全民终身学习活动周（演示）",
            theme="学习成就美好生活",
            week_start=monday,
            week_end=monday + datetime.timedelta(days=6),
            ceremony_host="吉林开放大学",
            ceremony_venue="吉林开放大学报告厅",
            ceremony_date=monday,
            ceremony_stream_url="https://www.example.com/live/jilin-opening",
            summary="演示数据：活动时间从今天起分布在之后六周内。",
        )
        campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)
    if not campaign.activities.exists():
        generate(campaign, DEMO_ACTIVITIES, seed=now.toordinal(), start=now, days=42)
    return campaign
