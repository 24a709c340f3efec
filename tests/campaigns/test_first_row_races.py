"""Two first writes of a row that does not exist yet, made at the same moment (PostgreSQL,
threads): a province asking for its week twice, a resident tapping 想读 twice. Each is answered,
and one row is made — not a server error from the unique constraint."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections

from learnweek.campaigns.models import WeekSlot
from learnweek.campaigns.services import week_slot_apply
from learnweek.orgs.roles import Role
from learnweek.reading import log_services
from learnweek.reading.models import Book, ReadingLog
from tests.factories import StaffFactory
from tests.helpers import PROVINCE, unit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="advisory locks need PostgreSQL; SQLite has one writer"
    ),
]

WRITERS = 4


def at_once(write: Callable[[int], object]) -> list[BaseException]:
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            write(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def slowly(monkeypatch, owner, name: str) -> None:
    """Between "is there a row?" and writing it, as a busy server would be."""
    original = getattr(owner, name)

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)


@pytest.mark.django_db(transaction=True)
def test_a_province_asking_for_its_week_twice_at_once_gets_one_slot(cascade, monkeypatch):
    admin = StaffFactory(unit=unit(PROVINCE), roles=[Role.ADMIN])
    national = cascade["national"]
    start = datetime.date(national.year, 10, 20)
    slowly(monkeypatch, WeekSlot.objects, "create")

    errors = at_once(
        lambda i: week_slot_apply(
            actor=admin,
            campaign=national,
            province=unit(PROVINCE),
            start=start,
            end=start + datetime.timedelta(days=6),
        )
    )

    assert errors == []
    assert WeekSlot.objects.filter(campaign=national, province=unit(PROVINCE)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_book_tapped_twice_at_once_is_one_line_on_the_log(make_resident, monkeypatch):
    resident = make_resident()
    me = log_services.reader_self(account=resident)
    book = Book.objects.create(isbn="9787020002207", title="红楼梦", author="曹雪芹", category="古典文学")
    slowly(monkeypatch, ReadingLog, "save")

    errors = at_once(lambda i: log_services.log_set(account=resident, reader=me, book=book, status="want"))

    assert errors == []
    assert ReadingLog.objects.filter(reader=me, book=book).count() == 1
