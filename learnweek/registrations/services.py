"""Sign-ups, cancellations, the waiting list and check-in. Each is one transaction that takes the
activity's row lock (``_lock_seats``) before it reads or moves the seats counter the activity keeps
(``confirmed_count``, ``waitlisted_count``), so capacity holds however many people sign up at
once; changes of capacity and cancellations of the activity take the same lock."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object

from learnweek.activities.models import Activity
from learnweek.activities.selectors import activities_public
from learnweek.campaigns.access import require
from learnweek.core.chinese import chinese_month_day
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.phones import fold, normalise_mobile
from learnweek.core.sms import send_template
from learnweek.orgs.roles import Role
from learnweek.registrations.compiled import CompiledGet
from learnweek.registrations.models import ACTIVE, Registration, RegistrationStatus
from learnweek.registrations.selectors import position_next

if TYPE_CHECKING:
    from learnweek.accounts.models import User

# Crockford's base 32: no I, L, O or U, so a code read aloud or typed is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
NAME_MAX = 50


# Each random byte to a character: 256 is 8 × 32, so every character is as likely (as secrets.choice).
_BYTE_TO_CODE = bytes(ord(CODE_ALPHABET[b % len(CODE_ALPHABET)]) for b in range(256))


def new_code() -> str:
    return secrets.token_bytes(CODE_LENGTH).translate(_BYTE_TO_CODE).decode("ascii")


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


def _public_with_checks(*, activity_id: int, phone: str, code: str) -> QuerySet[Activity]:
    return (
        activities_public()
        .annotate(
            already=Exists(
                Registration.objects.filter(activity_id=OuterRef("pk"), phone=phone, status__in=ACTIVE)
            ),
            code_taken=Exists(Registration.objects.filter(code=code)),
        )
        .filter(pk=activity_id)
    )


# Compiled once per connection: building and compiling this queryset was most of a sign-up's Python.
_PUBLIC_WITH_CHECKS = CompiledGet(
    _public_with_checks,
    activity_id=Activity._meta.pk,
    phone=Registration._meta.get_field("phone"),
    code=Registration._meta.get_field("code"),
)


def _public(activity_id: int, *, phone: str, code: str) -> Activity:
    """The public activity, read without a lock (what the sign-up is refused on before it waits),
    in the same query: whether ``phone`` holds a sign-up for it (``already``) and whether a
    registration of any year holds ``code`` (``code_taken``)."""
    try:
        return _PUBLIC_WITH_CHECKS.get(activity_id=activity_id, phone=phone, code=code)
    except Activity.DoesNotExist as exc:
        raise NotFound("没有这项活动，或它未公开。") from exc


def _refuse_closed(activity: Activity, now: datetime.datetime) -> None:
    if activity.is_cancelled:
        raise DomainError(f"活动“{activity.name}”已取消，不能报名。", code="activity_cancelled")
    if activity.end < now:
        raise DomainError(f"活动“{activity.name}”已结束，不能报名。", code="activity_ended")


def _lock_seats(activity: Activity) -> None:
    """Lock the activity's row for the rest of the transaction and read into ``activity`` what
    the seats depend on as it is now: the capacity, the two counters, cancellation and the end.
    Every writer of seats (sign-up, cancellation, the waiting list, a change of capacity, calling
    the activity off) takes this lock first; on SQLite, which lets one writer in at a time, it is
    a plain read."""
    row = (
        Activity.objects.select_for_update()
        .filter(pk=activity.pk, year=activity.year)  # the year: one partition
        .values("capacity", "confirmed_count", "waitlisted_count", "cancelled_at", "end")
        .get()
    )
    for name, value in row.items():
        setattr(activity, name, value)


def _count(activity: Activity, **moves: int) -> None:
    """Move the activity's counters (``confirmed_count=+1``…) in the database and in ``activity``;
    the caller holds the row lock (``_lock_seats``)."""
    moved = {name: F(name) + n for name, n in moves.items()}
    Activity.objects.filter(pk=activity.pk, year=activity.year).update(**moved)
    for name, n in moves.items():
        setattr(activity, name, getattr(activity, name) + n)


def _waitlisted(registration: Registration, position: int | None) -> None:
    """``registration`` as the lock placed it: a seat (as built), or the waiting list."""
    if position is not None:
        registration.status = RegistrationStatus.WAITLISTED
        registration.confirmed_at = None


def _sign_up_by_orm(activity: Activity, registration: Registration, now: datetime.datetime) -> int | None:
    """SQLite (one writer at a time): lock, count, then insert ``registration`` and its history
    row; None for a seat, else its place on the waiting list."""
    position = _take_place(activity)
    _refuse_closed(activity, now)  # called off or moved while this waited
    _waitlisted(registration, position)
    try:
        # The insert alone (no save() signals), then its history row as the signal would write it
        # (the same user, from the request).
        Registration.objects.bulk_create([registration])
    except IntegrityError as exc:
        # The same number at the same moment, past the check before the lock. The transaction is
        # rolled back, the counter with it.
        raise DomainError("该手机号已报名此活动，每人只能报名一次。", code="already_registered") from exc
    Registration.history.bulk_history_create([registration])
    return position


def _take_place(activity: Activity) -> int | None:
    """Lock the activity's row and count the sign-up in (SQLite; PostgreSQL does it in
    ``_sign_up_statement``): None for a seat, else its place on the waiting list. ``activity``
    gets what the row holds now (the refusals are made on it after; a refused sign-up rolls the
    count back with the transaction)."""
    _lock_seats(activity)
    position = position_next(activity.capacity, activity.confirmed_count, activity.waitlisted_count)
    _count(activity, **{"confirmed_count" if position is None else "waitlisted_count": 1})
    return position


_SEATS = ("capacity", "confirmed_count", "waitlisted_count", "cancelled_at", "end")
_HISTORY = Registration.history.model  # once: each read of Registration.history makes a manager class
_INSERTED = [f for f in Registration._meta.concrete_fields if not f.primary_key]
# What the lock decides, in SQL; the other fields are inserted as ``registration`` holds them.
_DECIDED = {
    "status": "CASE WHEN old.seat THEN %(confirmed)s ELSE %(waitlisted)s END",
    "confirmed_at": "CASE WHEN old.seat THEN %(now)s END",
}
_sign_up_sql: str | None = None


def _sign_up_statement() -> str:
    """PostgreSQL: the whole sign-up under the activity's lock in one statement, so that the lock
    is held for that statement and its commit. ``old`` waits for the activity's row ``FOR
    UPDATE`` and reads it as committed then: the seats, whether there is one (the rule of
    ``position_next``) and whether the activity still takes sign-ups (the rule of
    ``_refuse_closed``); only then does ``taken`` move the counter and ``registration`` insert the
    sign-up (else nothing is written, and the refusal is raised on what ``old`` read);
    ``history`` writes its history row as django-simple-history's ``bulk_history_create`` would
    (the tracked fields as inserted, the date, the user and the reason given). Written from the
    models' fields, so a new field of the registration is inserted and tracked as well."""
    global _sign_up_sql
    if _sign_up_sql is not None:
        return _sign_up_sql
    qn = connection.ops.quote_name
    history = _HISTORY._meta
    if hasattr(_HISTORY, "history_relation"):
        raise NotImplementedError("history_relation is not written by _sign_up_statement")
    inserted = ", ".join(qn(f.column) for f in _INSERTED)
    values = ", ".join(_DECIDED.get(f.attname, f"%(f_{f.attname})s") for f in _INSERTED)
    tracked = [history.get_field(f.name).column for f in _HISTORY.tracked_fields]
    extra = [
        history.get_field(name).column for name in ("history_date", "history_change_reason", "history_type")
    ]
    user = history.get_field("history_user").column
    written = {*tracked, *extra, user, history.pk.column}
    if written != {f.column for f in history.concrete_fields}:
        raise NotImplementedError("the historical registration has columns _sign_up_statement does not write")
    activities, registrations = qn(Activity._meta.db_table), qn(Registration._meta.db_table)
    _sign_up_sql = f"""
WITH old AS (
    SELECT id, year, capacity, confirmed_count, waitlisted_count, cancelled_at, "end",
        capacity IS NULL OR confirmed_count < capacity AS seat,
        cancelled_at IS NULL AND "end" >= %(now)s AS open
    FROM {activities} WHERE id = %(activity)s AND year = %(year)s FOR UPDATE
), taken AS (
    UPDATE {activities} AS a
    SET confirmed_count = a.confirmed_count + old.seat::int,
        waitlisted_count = a.waitlisted_count + (NOT old.seat)::int
    FROM old WHERE a.id = old.id AND a.year = old.year AND old.open
    RETURNING a.confirmed_count, a.waitlisted_count
), registration AS (
    INSERT INTO {registrations} ({inserted})
    SELECT {values} FROM old JOIN taken ON true
    RETURNING *
), history AS (
    INSERT INTO {qn(history.db_table)} ({", ".join(qn(c) for c in [*tracked, *extra, user])})
    SELECT {", ".join(f"registration.{qn(c)}" for c in tracked)},
        %(history_date)s, %(history_change_reason)s, '+', %(history_user)s
    FROM registration WHERE %(history_enabled)s
)
SELECT old.capacity, coalesce(taken.confirmed_count, old.confirmed_count),
    coalesce(taken.waitlisted_count, old.waitlisted_count), old.cancelled_at, old."end", old.seat,
    registration.{qn(Registration._meta.pk.column)}
FROM old LEFT JOIN taken ON true LEFT JOIN registration ON true
"""  # noqa: S608 - the models' table and column names, values as parameters only
    return _sign_up_sql


def _sign_up_at_once(activity: Activity, registration: Registration, now: datetime.datetime) -> int | None:
    """PostgreSQL: lock, count and insert ``registration`` with its history row in one statement
    (``_sign_up_statement``); None for a seat, else its place on the waiting list. ``activity``
    gets what its row holds now; the refusals are made on it."""
    user = getattr(registration, "_history_user", _HISTORY.get_default_history_user(registration))
    params = {
        "activity": activity.pk,
        "year": activity.year,
        "now": now,
        "confirmed": RegistrationStatus.CONFIRMED.value,
        "waitlisted": RegistrationStatus.WAITLISTED.value,
        "history_enabled": getattr(settings, "SIMPLE_HISTORY_ENABLED", True),
        "history_date": getattr(registration, "_history_date", timezone.now()),
        "history_change_reason": get_change_reason_from_object(registration) or "",
        "history_user": None if user is None else user.pk,
    }
    for field in _INSERTED:
        if field.attname not in _DECIDED:
            params[f"f_{field.attname}"] = field.get_db_prep_save(
                field.pre_save(registration, True), connection
            )
    with connection.cursor() as cursor:
        try:
            cursor.execute(_sign_up_statement(), params)
        except IntegrityError as exc:
            # The same number at the same moment, past the check before the lock (the unique index
            # waited for the other sign-up's commit). The transaction is rolled back, the counter with it.
            raise DomainError("该手机号已报名此活动，每人只能报名一次。", code="already_registered") from exc
        row = cursor.fetchone()
    if row is None:  # deleted meanwhile
        raise NotFound("没有这项活动，或它未公开。")
    for name, value in zip(_SEATS, row[:5], strict=True):
        setattr(activity, name, value)
    _refuse_closed(activity, now)  # called off or ended while this waited: nothing was written
    position = None if row[5] else activity.waitlisted_count
    _waitlisted(registration, position)
    registration.pk = row[6]
    registration._state.adding = False  # as bulk_create leaves it
    registration._state.db = connection.alias
    return position


@dataclass
class SignUp:
    registration: Registration
    position: int | None  # place on the waiting list; None when a seat was given

    @property
    def status(self) -> str:
        return str(self.registration.status)


def _notify(phone: str, key: str, activity: Activity, **params: object) -> None:
    """Text ``phone`` the notice ``key`` about ``activity`` once the transaction commits."""

    def send() -> None:
        when = timezone.localtime(activity.start)
        start = f"{chinese_month_day(when.date())}{when:%H:%M}"
        send_template(phone, key, activity=activity.name, start=start, **params)

    # robust: a provider that refuses or times out is logged and never undoes or breaks the sign-up
    transaction.on_commit(send, robust=True)


def registration_create(*, activity_id: int, phone: str, name: str, resident: User | None = None) -> SignUp:
    """Sign ``name`` (mobile ``phone``) up for a public activity: a seat while there is one, else
    a place on the waiting list. One transaction: on PostgreSQL, outside a transaction of the
    caller's, the one statement that writes (``_sign_up_statement``) is the transaction, with no
    round trip between its lock and its commit; the reads before it take no lock and read what is
    committed, as they would in the transaction (READ COMMITTED)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _registration_create(activity_id=activity_id, phone=phone, name=name, resident=resident)
    with transaction.atomic():
        return _registration_create(activity_id=activity_id, phone=phone, name=name, resident=resident)


def _registration_create(*, activity_id: int, phone: str, name: str, resident: User | None) -> SignUp:
    phone = normalise_mobile(phone)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写姓名。", code="name_required")
    if len(name) > NAME_MAX:
        raise DomainError(f"姓名不能超过 {NAME_MAX} 个字（现有 {len(name)} 个）。", code="name_too_long")
    # Everything that needs no lock first, in one query (compiled once): the activity as the public
    # sees it, a sign-up the number already holds, whether the code drawn is free; then the
    # refusals. On PostgreSQL the row lock is then held for one statement (lock, counter, insert
    # and its history row) and its commit.
    code = new_code()
    activity = _public(activity_id, phone=phone, code=code)
    now = timezone.now()
    _refuse_closed(activity, now)
    if activity.already:  # type: ignore[attr-defined]  # annotated by _public
        existing = Registration.objects.filter(activity=activity, phone=phone, status__in=ACTIVE).first()
        if existing is not None:  # else cancelled meanwhile: the number may sign up again
            raise DomainError(
                f"该手机号已报名此活动（{existing.get_status_display()}），每人只能报名一次。",
                code="already_registered",
            )
    if activity.code_taken:  # type: ignore[attr-defined]
        code = _unused_code()
    registration = Registration(
        activity=activity,
        year=activity.year,
        resident=resident,
        name=name,
        phone=phone,
        status=RegistrationStatus.CONFIRMED,  # until the lock says otherwise
        code=code,
        created_at=now,
        confirmed_at=now,
    )
    # The same rule the confirm page shows before the tap (position_next); under the lock it is final.
    sign_up = _sign_up_at_once if connection.vendor == "postgresql" else _sign_up_by_orm
    position = sign_up(activity, registration, now)
    # A place on the waiting list is told on the page, not by text message. (Outside a transaction
    # the sign-up is committed already and the text goes now.)
    if position is None:
        _notify(phone, "signup_confirmed", activity, code=registration.code_display)
    return SignUp(registration, position)


def waitlist_fill(activity: Activity) -> list[Registration]:
    """Give free seats to the waiting list, first come first served. The caller holds the
    activity's row lock (``_lock_seats``: a cancelled sign-up, a larger capacity), so the counters
    in ``activity`` are current."""
    waiting = Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED).order_by(
        "pk"
    )
    if activity.capacity is not None:
        free = activity.capacity - activity.confirmed_count
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
    if promoted:
        _count(activity, confirmed_count=len(promoted), waitlisted_count=-len(promoted))
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
    activity = Activity.objects.get(pk=registration.activity_id)
    _lock_seats(activity)  # the activity's row, then the registration's (as check-in)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError("该报名已取消。", code="already_cancelled")
    if registration.checked_in_at is not None:
        raise DomainError("已签到的报名不能取消。", code="checked_in")
    had_seat = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    _count(activity, **{"confirmed_count" if had_seat else "waitlisted_count": -1})
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
