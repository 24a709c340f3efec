"""Reads of registrations: a resident's own, and an activity's for the staff who may see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from learnweek.activities.selectors import activity_get_visible
from learnweek.core.errors import NotFound
from learnweek.registrations.models import Registration, RegistrationStatus

if TYPE_CHECKING:
    from learnweek.accounts.models import User
    from learnweek.activities.models import Activity


def registrations_of_resident(user: User) -> QuerySet[Registration]:
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return (
        Registration.objects.filter(resident=user)
        .select_related("activity", "activity__campaign")
        .order_by("-activity__start", "-pk")
    )


def registration_get_for_resident(user: User, pk: int) -> Registration:
    """The resident's own registration; anyone else's answers as missing."""
    try:
        return registrations_of_resident(user).get(pk=pk)
    except Registration.DoesNotExist as exc:
        raise NotFound() from exc


def registration_of_resident_for(user: User, activity: Activity) -> Registration | None:
    """The resident's active registration for ``activity``, if any."""
    return (
        registrations_of_resident(user)
        .filter(activity=activity, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED])
        .first()
    )


@dataclass
class Seats:
    capacity: int | None
    confirmed: int
    waitlisted: int
    checked_in: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


def seats_of(activity: Activity) -> Seats:
    counts = Registration.objects.filter(activity=activity).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    return Seats(capacity=activity.capacity, **counts)


def registrations_for_staff(user: User, activity_pk: int) -> tuple[Activity, QuerySet[Registration]]:
    """An activity the user may see (scope rule) and its registrations, seat holders first."""
    activity = activity_get_visible(user, activity_pk)
    registrations = Registration.objects.filter(activity=activity).order_by("status", "pk")
    return activity, registrations
