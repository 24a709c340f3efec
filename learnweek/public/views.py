import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse

from learnweek.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from learnweek.activities.exporters import span_text
from learnweek.activities.selectors import (
    CALENDAR_YEARS,
    ActivityFilters,
    activities_found,
    activities_week_near,
    region_coming_count,
    week_near_filters,
)
from learnweek.campaigns.posters import region_week_poster
from learnweek.campaigns.selectors import (
    campaign_get_public,
    campaign_lineage,
    campaigns_for_region,
    region_week,
    week_calendar,
)
from learnweek.core.clock import next_midnight, today
from learnweek.core.errors import NotFound
from learnweek.core.public_cache import public_activities
from learnweek.core.ratelimits import limit, remember_device
from learnweek.orgs.selectors import region_get, regions_below
from learnweek.public.page_cache import anonymous_page, cached_page
from learnweek.public.posters import png_response
from learnweek.public.region_forms import (
    RegionPickerForm,
    chain_codes,
    region_in_query,
    remembered_region,
    remembers_region,
)
from learnweek.public.resident_views import _is_resident
from learnweek.registrations.selectors import registrations_coming_of_resident

THEME_COLOUR = "#b3261e"  # the accent red of the site and its icons


@remembers_region
def home(request):
    """The residents' home page: this week's activities where the visitor lives (the region it
    chose last, else its reading profile's, else it is asked to choose), its next sign-ups, and
    the campaigns of its region this year and before."""
    region, source = (region_in_query(request.GET), "chosen") if "province" in request.GET else (None, "")
    if region is None and "province" not in request.GET:
        region, source = remembered_region(request)
    picker = RegionPickerForm(chain_codes(region) if region is not None else None)
    week = activities_week_near(region) if region is not None else None
    # 查看本周全部活动: the finder with the very filters the count above it was counted with.
    week_filters = week_near_filters(region, today()) if region is not None else None
    resident = _is_resident(request.user)
    context = {
        "region": region,
        "region_source": source,
        "just_chosen": "province" in request.GET,
        "picker": picker,
        "week": week,
        "cards": [{"a": a, "when": span_text(a)} for a in week.activities] if week else [],
        "week_query": urlencode(
            {
                **chain_codes(region),
                "date_from": week_filters.date_from.isoformat(),
                "date_to": week_filters.date_to.isoformat(),
            }
        )
        if week_filters and week_filters.date_from and week_filters.date_to
        else "",
        "resident": resident,
        "coming": [
            {"r": r, "when": span_text(r.activity)} for r in registrations_coming_of_resident(request.user)
        ]
        if resident
        else [],
        "campaigns": campaigns_for_region(region),
    }
    if settings.LEARNWEEK_DEMO:
        context |= {"demo_accounts": DEMO_ACCOUNTS, "demo_password": DEMO_PASSWORD}
    return render(request, "public/home.html", context)


def manifest(request):
    """The web-app manifest, so that a phone can add the site to its home screen."""
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    icons.append(
        {
            "src": static("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        }
    )
    body = {
        "name": "全民终身学习活动周",
        "short_name": "学习活动周",
        "description": "查找身边的终身学习活动，报名、签到、阅读和学习。",
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the PNG icon, for a year."""
    return HttpResponsePermanentRedirect(static("icons/favicon-32.png"))


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
    """Every province's activity week in a year (this year's without one); a year outside
    ``CALENDAR_YEARS`` (/calendar/10000/) is not found."""
    year = today().year if year is None else year
    if year not in CALENDAR_YEARS:
        raise NotFound(f"年历只有 {CALENDAR_YEARS[0]}—{CALENDAR_YEARS[-1]} 年的。")
    return render(request, "public/calendar.html", week_calendar(year))


REGION_ACTIVITIES = 12


@remember_device
def region(request, code):
    """A province's, city's or county's 专题 page: its activity week and opening ceremony, its
    coming activities, and the regions below it."""
    if anonymous_page(request):
        day = today()
        return cached_page(
            request,
            "region",
            (code, day),
            lambda extra: _region_page(request, code, extra),
            until=next_midnight(day),
        )
    return _region_page(request, code, {})


def _region_page(request, code, extra: dict):
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
        }
        | extra,
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
