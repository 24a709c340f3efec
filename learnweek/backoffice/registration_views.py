"""Staff pages of an activity's sign-ups: the list, check-in by QR code or typed code, calling
the activity off."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from learnweek.activities.selectors import activity_get_visible
from learnweek.activities.services import activity_cancel
from learnweek.backoffice.activity_views import activity_page
from learnweek.backoffice.guards import staff_required
from learnweek.core.errors import DomainError
from learnweek.registrations.selectors import (
    registration_get_for_staff,
    registration_history,
    registrations_for_staff,
    seats_of,
)
from learnweek.registrations.services import checkin


@staff_required
def registrations(request, pk):
    return _registrations_page(request, pk)


def _registrations_page(request, pk, code: str = ""):
    activity, rows = registrations_for_staff(request.user, pk)
    return render(
        request,
        "backoffice/activities/registrations.html",
        {"a": activity, "rows": rows, "seats": seats_of(activity), "code": code},
    )


@staff_required
def registration_history_page(request, pk, registration):
    found = registration_get_for_staff(request.user, pk, registration)
    return render(
        request,
        "backoffice/activities/registration_history.html",
        {"a": found.activity, "r": found, "changes": registration_history(found)},
    )


@staff_required
@require_POST
def checkin_post(request, pk):
    """One scan or typed code; answers with a fragment for HTMX, or the page without it."""
    activity = activity_get_visible(request.user, pk)
    try:
        result = checkin(actor=request.user, code=request.POST.get("code", ""), activity=activity)
    except DomainError as exc:
        outcome = {"kind": "error", "message": exc.message}
    else:
        outcome = {"kind": "again" if result.already else "ok", "message": result.message}
    if request.headers.get("HX-Request"):
        return render(request, "backoffice/activities/_checkin_result.html", {"outcome": outcome})
    (messages.success if outcome["kind"] != "error" else messages.error)(request, outcome["message"])
    if outcome["kind"] == "error":  # the code again, as typed, to correct
        return _registrations_page(request, pk, code=request.POST.get("code", ""))
    return redirect("backoffice:activity_registrations", pk=pk)


@staff_required
@require_POST
def cancel(request, pk):
    activity = activity_get_visible(request.user, pk)
    try:
        activity_cancel(actor=request.user, activity=activity, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        # The page again, the reason as typed: nothing typed is lost.
        return activity_page(request, activity_get_visible(request.user, pk), request.POST.get("reason", ""))
    messages.success(request, "活动已取消，已报名的居民将收到短信通知。")
    return redirect("backoffice:activity", pk=pk)
