from django.conf import settings
from django.shortcuts import render

from learnweek.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from learnweek.campaigns.selectors import (
    campaign_get_public,
    campaign_lineage,
    campaigns_public,
    today,
    week_calendar,
)


def home(request):
    context = {"campaigns": campaigns_public().order_by("-year", "issuing_unit__path")[:12]}
    if settings.LEARNWEEK_DEMO:
        context |= {"demo_accounts": DEMO_ACCOUNTS, "demo_password": DEMO_PASSWORD}
    return render(request, "public/home.html", context)


def campaign(request, slug):
    campaign = campaign_get_public(slug)
    return render(
        request,
        "public/campaign.html",
        {
            "campaign": campaign,
            "lineage": campaign_lineage(campaign),
            "requirements": campaign.requirements.all(),
        },
    )


def calendar(request, year=None):
    year = year or today().year
    return render(request, "public/calendar.html", week_calendar(year))
