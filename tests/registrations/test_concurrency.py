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
