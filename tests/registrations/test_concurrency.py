"""Capacity under simultaneous sign-ups, on PostgreSQL with real threads and connections."""

import threading

import pytest
from django.db import connection, connections

from learnweek.core.errors import DomainError
from learnweek.registrations.models import Registration
from learnweek.registrations.services import registration_create

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises every write"
)

PEOPLE, SEATS = 120, 30


@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ups_never_overbook(make_activity):
    activity = make_activity(capacity=SEATS)
    barrier = threading.Barrier(PEOPLE // 4)
    errors: list[BaseException] = []
    positions: list[int] = []

    def sign_up(start: int) -> None:
        try:
            barrier.wait()
            for i in range(start, PEOPLE, PEOPLE // 4):
                result = registration_create(
                    activity_id=activity.pk, phone=f"1390000{i:04d}", name=f"居民{i}"
                )
                if result.position is not None:
                    positions.append(result.position)
            # Each of them also tries again: refused, never a second seat.
            try:
                registration_create(activity_id=activity.pk, phone=f"1390000{start:04d}", name="again")
            except DomainError:
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(PEOPLE // 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Registration.objects.filter(activity=activity, status="confirmed").count() == SEATS
    assert Registration.objects.filter(activity=activity, status="waitlisted").count() == PEOPLE - SEATS
    assert sorted(positions) == list(range(1, PEOPLE - SEATS + 1))  # no two people share a place
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waitlisted_count) == (SEATS, PEOPLE - SEATS)
    # Each sign-up has its history row (the refused second tries none).
    assert Registration.history.filter(activity_id=activity.pk, history_type="+").count() == PEOPLE


@pytest.mark.django_db(transaction=True)
def test_an_activity_called_off_while_a_sign_up_waits_for_its_lock_takes_nothing(
    called_off_while_waiting, county_reporter
):
    """Committed at once (no transaction around the service): the refusal must leave the counters."""
    activity = called_off_while_waiting
    with pytest.raises(DomainError, match="已取消"):
        registration_create(activity_id=activity.pk, phone="13800001111", name="张三")
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waitlisted_count) == (0, 0)
    assert not Registration.objects.filter(activity=activity).exists()
    assert not Registration.history.filter(activity_id=activity.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_outside_a_transaction_is_written_whole_with_its_history_and_text(
    make_activity, make_resident, sms_outbox
):
    from simple_history.models import HistoricalRecords

    activity = make_activity(capacity=1)
    first, second = make_resident(), make_resident()
    seat = registration_create(activity_id=activity.pk, phone=first.phone, name="钱阿姨", resident=first)

    class Request:  # as HistoryRequestMiddleware leaves it: the signed-in resident
        user = second

    HistoricalRecords.context.request = Request()
    try:
        waiting = registration_create(
            activity_id=activity.pk, phone=second.phone, name="孙大爷", resident=second
        )
    finally:
        del HistoricalRecords.context.request
    assert (seat.status, seat.position, waiting.status, waiting.position) == (
        "confirmed",
        None,
        "waitlisted",
        1,
    )
    stored = Registration.objects.get(pk=waiting.registration.pk)
    assert (stored.code, stored.status, stored.confirmed_at) == (
        waiting.registration.code,
        "waitlisted",
        None,
    )
    histories = {h.id: h for h in Registration.history.filter(activity_id=activity.pk)}
    assert histories[seat.registration.pk].history_user is None
    assert histories[waiting.registration.pk].history_user == second
    assert histories[waiting.registration.pk].status == "waitlisted"
    assert [phone for phone, _ in sms_outbox] == [first.phone]  # the seat is confirmed by text
