"""Sign-ups, cancellations, the waiting list and check-in. Each is one transaction that takes the
activity's seats lock (``core.locking``) before it counts seats, so capacity holds however many
people sign up at once; changes of capacity and cancellations of the activity take it too."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from learnweek.activities.models import Activity
from learnweek.activities.selectors import activities_public
from learnweek.campaigns.access import require
from learnweek.core.chinese import chinese_month_day
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.locking import SEATS, key, lock
from learnweek.core.phones import fold, normalise_mobile
from learnweek.core.sms import send_template
from learnweek.orgs.roles import Role
from learnweek.registrations.models import ACTIVE, Registration, RegistrationStatus
from learnweek.registrations.selectors import waitlist_position_next

if TYPE_CHECKING:
    from learnweek.accounts.models import User

# Crockford's base 32: no I, L, O or U, so a code read aloud or typed is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
NAME_MAX = 50


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _unused_code() -> str:
    """A code no registration of any year holds. The database keeps codes unique within a year
    (a partitioned table's unique index cannot span its partitions); this keeps them unique
    across years, so check-in by code finds one registration."""
    code = new_code()
    while Registration.objects.filter(code=code).exists():
        code = new_code()
    return code


def normalise_code(raw: str) -> str:
    """The code as stored, from what a scanner or a person types: full-width forms folded, dashes
    and spaces dropped, upper case, O read as 0 and I/L as 1 (Crockford's rule)."""
    text = "".join(ch for ch in fold(raw).upper() if ch.isalnum())
    return text.translate(str.maketrans("OIL", "011"))[:32]


def _lock_public(activity_id: int) -> Activity:
    """The public activity, its seats locked for the rest of the transaction."""
    lock(key(SEATS, activity_id))
    try:
        return activities_public().get(pk=activity_id)
    except Activity.DoesNotExist as exc:
        raise NotFound("没有这项活动，或它未公开。") from exc


def _confirmed(activity: Activity) -> int:
    return Registration.objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED).count()


@dataclass
class SignUp:
    registration: Registration
    position: int | None  # place on the waiting list; None when a seat was given

    @property
    def status(self) -> str:
        return str(self.registration.status)


def _notify(phone: str, key: str, activity: Activity, **params: object) -> None:
    """Text ``phone`` the notice ``key`` about ``activity`` once the transaction commits."""
    when = timezone.localtime(activity.start)
    start = f"{chinese_month_day(when.date())}{when:%H:%M}"
    # robust: a provider that refuses or times out is logged and never undoes or breaks the sign-up
    transaction.on_commit(
        lambda: send_template(phone, key, activity=activity.name, start=start, **params), robust=True
    )


@transaction.atomic
def registration_create(*, activity_id: int, phone: str, name: str, resident: User | None = None) -> SignUp:
    """Sign ``name`` (mobile ``phone``) up for a public activity: a seat while there is one, else
    a place on the waiting list."""
    phone = normalise_mobile(phone)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写姓名。", code="name_required")
    if len(name) > NAME_MAX:
        raise DomainError(f"姓名不能超过 {NAME_MAX} 个字（现有 {len(name)} 个）。", code="name_too_long")
    activity = _lock_public(activity_id)
    now = timezone.now()
    if activity.is_cancelled:
        raise DomainError(f"活动“{activity.name}”已取消，不能报名。", code="activity_cancelled")
    if activity.end < now:
        raise DomainError(f"活动“{activity.name}”已结束，不能报名。", code="activity_ended")
    existing = Registration.objects.filter(activity=activity, phone=phone, status__in=ACTIVE).first()
    if existing is not None:
        raise DomainError(
            f"该手机号已报名此活动（{existing.get_status_display()}），每人只能报名一次。",
            code="already_registered",
        )
    # The same reading the confirm page shows before the tap; under the seats lock it is final.
    position = waitlist_position_next(activity)
    full = position is not None
    registration = Registration(
        activity=activity,
        year=activity.year,
        resident=resident,
        name=name,
        phone=phone,
        status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED,
        code=_unused_code(),
        created_at=now,
        confirmed_at=None if full else now,
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:  # the same number at the same moment, past the seats lock
        raise DomainError("该手机号已报名此活动，每人只能报名一次。", code="already_registered") from exc
    if position is None:  # a place on the waiting list is told on the page, not by text message
        _notify(phone, "signup_confirmed", activity, code=registration.code_display)
    return SignUp(registration, position)


def waitlist_fill(activity: Activity) -> list[Registration]:
    """Give free seats to the waiting list, first come first served. The caller holds the
    activity's seats lock (a cancelled sign-up, a larger capacity)."""
    waiting = Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED).order_by(
        "pk"
    )
    if activity.capacity is not None:
        free = activity.capacity - _confirmed(activity)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        _notify(registration.phone, "waitlist_promoted", activity, code=registration.code_display)
    return promoted


def notify_cancelled(activity: Activity) -> None:
    """Tell everyone holding a seat or waiting that the activity is called off."""
    for phone in Registration.objects.filter(activity=activity, status__in=ACTIVE).values_list(
        "phone", flat=True
    ):
        _notify(phone, "activity_cancelled", activity)


@transaction.atomic
def registration_cancel(*, resident: User, registration: Registration) -> Registration:
    """The resident gives up its seat (or its place on the waiting list); a freed seat goes to the
    first person waiting."""
    if registration.resident_id != resident.pk:
        raise NotFound()
    lock(key(SEATS, registration.activity_id))
    activity = Activity.objects.get(pk=registration.activity_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError("该报名已取消。", code="already_cancelled")
    if registration.checked_in_at is not None:
        raise DomainError("已签到的报名不能取消。", code="checked_in")
    had_seat = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if had_seat and not activity.is_cancelled:
        waitlist_fill(activity)
    return registration


@dataclass
class CheckIn:
    registration: Registration
    already: bool  # scanned before: nothing changed

    @property
    def message(self) -> str:
        r = self.registration
        when = timezone.localtime(r.checked_in_at).strftime("%H:%M") if r.checked_in_at else ""
        if self.already:
            return f"{r.name} 已于 {when} 签到，无需重复签到。"
        return f"{r.name} 签到成功（{when}）。"


INVALID_CODE = "签到码无效：没有这张报名凭证，或它不属于您单位的活动。"


@transaction.atomic
def checkin(*, actor: User | None, code: str, activity: Activity | None = None) -> CheckIn:
    """Check the holder of ``code`` in. Staff of the organiser's unit or a unit above it, holding
    the 填报员 role; a second scan says so and changes nothing. Each check-in raises the
    activity's person-times to at least the number checked in."""
    normalised = normalise_code(code)
    found = (
        Registration.objects.select_related("activity__organiser").filter(code=normalised).first()
        if len(normalised) == CODE_LENGTH
        else None
    )
    if found is None:
        raise DomainError(INVALID_CODE, code="checkin_invalid")
    try:
        require(actor, None, found.activity.organiser, Role.REPORTER, "签到")
    except NotFound as exc:
        raise DomainError(INVALID_CODE, code="checkin_invalid") from exc
    # The activity's row (its person-times change), then the registration's: the order every writer
    # taking both locks them in. Check-in counts no seats and needs no seats lock.
    locked = Activity.objects.select_for_update().get(pk=found.activity_id)
    registration = Registration.objects.select_for_update().get(pk=found.pk)
    registration.activity = locked
    if activity is not None and registration.activity_id != activity.pk:
        raise DomainError(
            f"该签到码属于另一项活动“{registration.activity.name}”，不是本活动的报名。",
            code="checkin_other_activity",
        )
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError(f"{registration.name} 的报名已取消，不能签到。", code="checkin_cancelled")
    if registration.status == RegistrationStatus.WAITLISTED:
        raise DomainError(f"{registration.name} 仍在候补，尚未获得名额。", code="checkin_waitlisted")
    if registration.checked_in_at is not None:
        return CheckIn(registration, already=True)
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = actor
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    checked_in = Registration.objects.filter(activity=locked, checked_in_at__isnull=False).count()
    if (locked.person_times or 0) < checked_in:
        locked.person_times = checked_in
        locked.save(update_fields=["person_times", "updated_at"])
    return CheckIn(registration, already=False)
