"""Reads of registrations: a resident's own, and an activity's for the staff who may see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from learnweek.activities.models import Activity
from learnweek.activities.selectors import activity_get_visible, public_activity
from learnweek.core.audit import SYSTEM, Change, actor_label
from learnweek.core.errors import NotFound
from learnweek.core.phones import MaskedRows, masked
from learnweek.core.validation import is_http_url
from learnweek.registrations.models import Registration, RegistrationStatus

if TYPE_CHECKING:
    from learnweek.accounts.models import User


class _OwnRegistrationRows(MaskedRows):
    """A resident's sign-ups with their activities as the public reads them (mobiles masked); the
    online link an organiser shows only to those signed up is kept for a seat holder's."""

    def mask(self, obj):
        public_activity(obj.activity, link_granted=obj.status == RegistrationStatus.CONFIRMED)
        return obj


def registrations_of_resident(user: User) -> QuerySet[Registration]:
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return masked(
        Registration.objects.filter(resident=user)
        .select_related("activity", "activity__campaign")
        .order_by("-activity__start", "-pk"),
        _OwnRegistrationRows,
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


def waitlist_position(registration: Registration) -> int | None:
    """The place of a waiting registration on its activity's list (first come first served),
    or None for one that holds a seat or is cancelled."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            activity_id=registration.activity_id, status=RegistrationStatus.WAITLISTED, pk__lt=registration.pk
        ).count()
        + 1
    )


def position_next(capacity: int | None, confirmed: int, waitlisted: int) -> int | None:
    """The place on the waiting list the next sign-up gets with these seats counted, or None
    while a seat is free."""
    if capacity is None or confirmed < capacity:
        return None
    return waitlisted + 1


def waitlist_position_next(activity: Activity) -> int | None:
    """The place on the waiting list a sign-up made now would get, or None while a seat is free,
    from the seats counter the activity keeps (read now, whatever ``activity`` held).
    ``registration_create`` decides by the same rule (``position_next``, under the activity's row
    lock), and the confirm page shows it before the tap, so the page promises what the sign-up
    gives."""
    if activity.capacity is None:
        return None
    row = (
        Activity.objects.filter(pk=activity.pk)
        .values_list("capacity", "confirmed_count", "waitlisted_count")
        .first()
    )
    return None if row is None else position_next(*row)


def online_link_for(activity: Activity, registration: Registration | None) -> str:
    """The online link a visitor of the activity's page may see: the public one (``activity`` as
    ``activities_public`` reads it), or, where the organiser shows it only to those signed up,
    the link of the visitor's own registration when it holds a seat (``registrations_of_resident``
    keeps it then); else empty."""
    link = activity.online_link
    if not link and registration is not None and registration.status == RegistrationStatus.CONFIRMED:
        link = registration.activity.online_link
    return link if link and is_http_url(link) else ""  # checked on write; a link of old data too


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


def registration_get_for_staff(user: User, activity_pk: int, pk: int) -> Registration:
    """A registration of an activity the user may see; anything else is missing."""
    activity = activity_get_visible(user, activity_pk)
    try:
        return Registration.objects.select_related("activity").get(activity=activity, pk=pk)
    except Registration.DoesNotExist as exc:
        raise NotFound() from exc


def _standing(record) -> str:
    label = RegistrationStatus(record.status).label
    return f"{label}，已签到" if record.checked_in_at else label


def registration_history(registration: Registration) -> list[Change]:
    """The sign-up's changes from its history table: signed up, moved up from the waiting list,
    cancelled, checked in; by the resident, a staff member or the system (a seat freed by someone
    else's cancellation is handed on by the system)."""
    records = registration.history.select_related("history_user", "history_user__unit").order_by(
        "history_date", "history_id"
    )
    changes = []
    before = "—"
    for record in records:
        after = _standing(record)
        if after == before:
            continue
        user = record.history_user
        if user is not None and user.pk == registration.resident_id:
            actor = "本人"
        elif user is not None and user.unit_id is not None:
            actor = actor_label(user)
        else:
            actor = SYSTEM  # another resident's cancellation freed the seat, or no signed-in user
        comment = ""
        if record.checked_in_at and "已签到" not in before:
            comment = "扫码签到"
        elif (
            before.startswith(RegistrationStatus.WAITLISTED.label)
            and record.status == RegistrationStatus.CONFIRMED
        ):
            comment = "有人取消，候补递补"
        changes.append(
            Change(at=record.history_date, actor=actor, before=before, after=after, comment=comment)
        )
        before = after
    return changes


def registrations_coming_of_resident(user: User, *, limit: int = 2) -> list[Registration]:
    """The resident's next sign-ups (seat or waiting place) of activities that have not ended,
    the soonest first: what the home page reminds it of."""
    return list(
        registrations_of_resident(user)
        .filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED])
        .filter(activity__end__gte=timezone.now(), activity__cancelled_at__isnull=True)
        .order_by("activity__start", "pk")[:limit]
    )
