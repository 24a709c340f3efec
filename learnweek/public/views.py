from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from learnweek.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from learnweek.activities.exporters import span_text
from learnweek.activities.selectors import (
    ActivityFilters,
    activities_found,
    region_coming_count,
)
from learnweek.campaigns.posters import region_week_poster
from learnweek.campaigns.selectors import (
    campaign_get_public,
    campaign_lineage,
    campaigns_public,
    region_week,
    week_calendar,
)
from learnweek.core.clock import today
from learnweek.core.public_cache import public_activities
from learnweek.core.ratelimits import limit, remember_device
from learnweek.orgs.selectors import region_get, regions_below
from learnweek.public.posters import png_response


def home(request):
    context = {
        "campaigns": campaigns_public().order_by("-year", "issuing_unit__path")[:12],
        "provinces": regions_below(None),
    }
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
            "past": campaign.year < today().year,
        },
    )


def calendar(request, year=None):
    year = year or today().year
    return render(request, "public/calendar.html", week_calendar(year))


REGION_ACTIVITIES = 12


@remember_device
def region(request, code):
    """A province's, city's or county's 专题 page: its activity week and opening ceremony, its
    coming activities, and the regions below it."""
    unit = region_get(code)
    ancestors = [u for u in unit.get_ancestors() if u.kind != "ministry"]
    # The finder's region selects, top down: province, then the level below, then the next.
    finder_query = urlencode(
        dict(zip(("province", "city", "county"), [u.code for u in [*ancestors, unit]], strict=False))
    )
    upcoming = list(activities_found(ActivityFilters(under=unit))[:REGION_ACTIVITIES])
    total, more = region_coming_count(unit)
    return render(
        request,
        "public/region.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "finder_query": finder_query,
            "week": region_week(unit),
            "cards": [{"a": a, "when": span_text(a)} for a in upcoming],
            "total": total,
            "capped": more,
            "children": regions_below(unit),
        },
    )


def region_poster(request, code):
    """The 专题 page's activity-week poster, cached until an activity or campaign changes."""
    unit = region_get(code)
    url = request.build_absolute_uri(reverse("public:region", args=[unit.code]))
    limit(request, "poster")

    def build() -> bytes:
        return region_week_poster(unit, region_week(unit), url, *region_coming_count(unit))

    body = public_activities.cached("region-poster", (unit.pk, url, today()), build)
    return png_response(body, f"region-{unit.code}-week-poster.png")
