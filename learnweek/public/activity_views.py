"""Residents' activity pages: the finder (list and calendar), an activity, iCalendar feeds."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from learnweek.activities.exporters import span_text
from learnweek.activities.ical import FEED_LIMIT, to_ics
from learnweek.activities.posters import activity_poster
from learnweek.activities.selectors import (
    CALENDAR_YEARS,
    activities_found,
    activity_get_public,
    activity_get_public_cached,
    activity_state,
    activity_state_until,
    calendar_month,
    finder_page,
    found_month,
)
from learnweek.core.clock import next_midnight, today
from learnweek.core.public_cache import public_activities
from learnweek.core.ratelimits import limit, remember_device
from learnweek.public.forms import FinderForm
from learnweek.public.page_cache import anonymous_page, cached_page, worker_copy
from learnweek.public.posters import png_response
from learnweek.registrations.selectors import (
    online_link_for,
    registration_of_resident_for,
    seats_of,
    waitlist_position,
)

PAGE_SIZE = 20
CARD_FIELDS = (
    "id",
    "name",
    "category",
    "start",
    "end",
    "time_known",
    "mode",
    "address",
    "organiser_name",
    "is_week",
    "cancelled_at",
)


def _finder(request) -> tuple[FinderForm, object]:
    form = FinderForm(request.GET)  # bound even when empty: no filter is every upcoming activity
    if not form.is_valid():
        return form, None
    return form, activities_found(form.filters())


def _cards(activities) -> list[dict]:
    return [{"a": a, "when": span_text(a)} for a in activities]


def _month(request, default: datetime.date) -> tuple[datetime.date, str]:
    """The month the 日历 shows, and what to tell the visitor about it: ?month=2023-09, else the
    month of ``default`` (the date the filter starts from). A month that is none (2023-13, abc)
    or lies outside ``CALENDAR_YEARS`` (9999-12) shows this month instead, and says so."""
    this_month = today().replace(day=1)
    raw = request.GET.get("month", "")
    if raw:
        try:
            year, month = (int(x) for x in raw.split("-"))
        except ValueError:
            month = 0
        if not 1 <= month <= 12:
            return this_month, "没有这个月份，已显示本月。"
    else:
        year, month = default.year, default.month
    first = calendar_month(year, month)
    if first is None:
        years = f"{CALENDAR_YEARS[0]}年至{CALENDAR_YEARS[-1]}年"
        return this_month, f"日历只能查看{years}的月份，已显示本月。"
    return first, ""


def _next_month(first: datetime.date) -> datetime.date | None:
    """The month after ``first``, None past the last the 日历 shows."""
    after = (first + datetime.timedelta(days=31)).replace(day=1)
    return calendar_month(after.year, after.month)


def _previous_month(first: datetime.date) -> datetime.date | None:
    before = first - datetime.timedelta(days=1)
    return calendar_month(before.year, before.month)


@remember_device
def finder(request):
    if request.GET.get("q"):
        limit(request, "search")
    if anonymous_page(request):
        day = today()
        return cached_page(
            request, "finder", (day,), lambda extra: _finder_page(request, extra), until=next_midnight(day)
        )
    return _finder_page(request, {})


def _finder_page(request, extra: dict):
    form, found = _finder(request)
    view = "calendar" if request.GET.get("view") == "calendar" else "list"
    context = {
        "form": form,
        "view": view,
        "query": form.query_without("page", "view", "month"),
        "region": form.region,
        "chips": form.chips(),
    }
    if found is not None and view == "list":
        page = finder_page(form.filters(), request.GET.get("page"), fields=CARD_FIELDS, per_page=PAGE_SIZE)
        context |= {"page": page, "cards": _cards(page)}
    elif found is not None:
        filters = form.filters()
        first, month_note = _month(request, filters.date_from or today())
        context |= {
            "month": first,
            "month_note": month_note,
            "grid": found_month(filters, first),
            "day_query": form.query_without("page", "view", "month", "when", "date_from", "date_to"),
            "today": today(),
            "prev_month": _previous_month(first),
            "next_month": _next_month(first),
        }
    return render(request, "public/activities/finder.html", context | extra)


def _page_url(request, activity) -> str:
    return request.build_absolute_uri(reverse("public:activity", args=[activity.pk]))


def finder_ics(request):
    form, found = _finder(request)
    activities = list(found[:FEED_LIMIT]) if found is not None else []
    title = "全民终身学习活动" + (f" · {form.region.name}" if form.region else "")
    response = HttpResponse(
        to_ics(activities, name=title, url_of=lambda a: _page_url(request, a), feed=True),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="activities.ics"'
    return response


@remember_device
def activity(request, pk):
    if anonymous_page(request):
        # The page every anonymous visitor gets: seats left load live (activity_seats).
        a = worker_copy(request, ("activity", pk), lambda: activity_get_public_cached(pk))
        state = activity_state(a)
        return cached_page(
            request,
            "activity",
            (pk, state),
            lambda extra: _activity_page(request, a, state, None, extra),
            until=activity_state_until(a, state),
        )
    a = activity_get_public_cached(pk)
    mine = registration_of_resident_for(request.user, a) if request.user.is_authenticated else None
    return _activity_page(request, a, activity_state(a), mine, {"seats": seats_of(a)})


def _activity_page(request, a, state: str, mine, extra: dict):
    return render(
        request,
        "public/activities/detail.html",
        {
            "a": a,
            "when": span_text(a),
            "state": state,
            "seats": None,  # None: loaded by the page (the anonymous page, kept in the cache)
            "mine": mine,
            "position": waitlist_position(mine) if mine else None,
            "link": online_link_for(a, mine),
            "region": a.organiser.admin_unit if a.organiser.admin_unit_id else None,
        }
        | extra,
    )


def activity_seats(request, pk):
    """名额 of an activity as they are now: the fragment the activity page loads (htmx), and a
    small page of its own for a browser without JavaScript (the page's 查看剩余名额 link)."""
    a = activity_get_public_cached(pk)
    context = {"a": a, "state": activity_state(a), "seats": seats_of(a)}
    htmx = request.headers.get("HX-Request") == "true"
    template = "public/activities/fragment_seats.html" if htmx else "public/activities/seats.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


def activity_poster_png(request, pk):
    """The activity's shareable poster (PNG, phone proportions), cached until the activity
    changes."""
    a = activity_get_public_cached(pk)
    url = request.build_absolute_uri(reverse("public:activity", args=[a.pk]))
    limit(request, "poster")
    left = seats_of(a).left
    # Seats change without the activity changing: whether any is left is part of the key, and so
    # is whether it has ended.
    parts = (a.pk, url, left == 0, activity_state(a) == "ended")
    body = public_activities.cached("poster", parts, lambda: activity_poster(a, url, seats_left=left))
    return png_response(body, f"activity-{a.pk}-poster.png")


def activity_ics(request, pk):
    a = activity_get_public(pk)
    response = HttpResponse(
        to_ics([a], name=a.name, url_of=lambda x: _page_url(request, x)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="activity-{a.pk}.ics"'
    return response
