"""全民阅读 on the public site: curated book lists, the reading guidance catalogue by audience,
the online lecture hall (with its iCal feed), and a page per recommended book."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from learnweek.activities.selectors import ActivityFilters, activities_found
from learnweek.core.errors import DomainError
from learnweek.public.resident_views import _is_resident
from learnweek.reading.ical import lectures_ics
from learnweek.reading.models import Audience, ListKind
from learnweek.reading.selectors import (
    book_page,
    catalogue,
    essay_call_get_public,
    essay_calls_public,
    lecture_get_public,
    lectures_public,
    list_entries,
    list_get_public,
    lists_public,
)
from learnweek.reading.services import essay_submit

LOCAL_ACTIVITIES = 6


def reading_home(request):
    kind = request.GET.get("kind", "")
    context = {
        "lists": lists_public(kind=kind if kind in ListKind.values else None)[:60],
        "kinds": [(v, label) for v, label in ListKind.choices if v != ListKind.GUIDANCE],
        "kind": kind,
        "lectures": lectures_public(upcoming=True)[:5],
    }
    return render(request, "public/reading/home.html", context)


def book_list(request, pk):
    the_list = list_get_public(pk)
    return render(request, "public/reading/list.html", {"list": the_list, "entries": list_entries(the_list)})


def reading_catalogue(request):
    audience = request.GET.get("audience", "")
    context = {
        "groups": catalogue(audience=audience if audience in Audience.values else None),
        "audiences": Audience.choices,
        "audience": audience,
    }
    return render(request, "public/reading/catalogue.html", context)


def lecture_hall(request):
    context = {"upcoming": lectures_public(upcoming=True)[:100], "past": lectures_public(upcoming=False)[:30]}
    return render(request, "public/reading/lectures.html", context)


def lecture_feed(request):
    content = lectures_ics(
        lectures_public(upcoming=True)[:500],
        url_of=lambda lecture: request.build_absolute_uri(reverse("public:lecture", args=[lecture.pk])),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lectures.ics"'
    return response


def lecture(request, pk):
    return render(request, "public/reading/lecture.html", {"lecture": lecture_get_public(pk)})


def lecture_ics(request, pk):
    """加入日历 of one lecture: a one-event file, not a subscription."""
    the_lecture = lecture_get_public(pk)
    content = lectures_ics(
        [the_lecture],
        url_of=lambda lecture: request.build_absolute_uri(reverse("public:lecture", args=[lecture.pk])),
        name=the_lecture.title,
        feed=False,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lecture-{the_lecture.pk}.ics"'
    return response


def book(request, isbn):
    page = book_page(isbn)
    # Activities to come whose text mentions the book's title (the finder's Chinese search).
    found = activities_found(ActivityFilters(q=page.book.title[:50]))
    return render(
        request,
        "public/reading/book.html",
        {"page": page, "book": page.book, "activities": list(found[:LOCAL_ACTIVITIES])},
    )


def essays(request):
    return render(request, "public/reading/essays.html", {"calls": essay_calls_public()[:50]})


def essay_call(request, pk):
    call = essay_call_get_public(pk)
    resident = _is_resident(request.user)
    mine = call.essays.filter(account=request.user).first() if resident else None
    if request.method == "POST":
        if not resident:
            return redirect(f"{reverse('public:sign_in')}?next={reverse('public:essay_call', args=[pk])}")
        try:
            essay_submit(
                account=request.user,
                call=call,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            mine = None
            context = {"call": call, "resident": resident, "mine": mine, "posted": request.POST}
            return render(request, "public/reading/essay_call.html", context, status=400)
        messages.success(request, "征文已提交，截止前可以修改后重新提交。")
        return redirect("public:essay_call", pk=pk)
    return render(
        request, "public/reading/essay_call.html", {"call": call, "resident": resident, "mine": mine}
    )
