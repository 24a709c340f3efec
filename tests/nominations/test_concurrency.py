"""The quota holds when reporters of one unit submit at the same moment (PostgreSQL, threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from learnweek.core.errors import DomainError
from learnweek.nominations import services
from learnweek.nominations.models import DecisionAction, Nomination, NominationState
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, unit

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises every write"
)

REPORTERS = 8


def _race(calls) -> tuple[list[str], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    refusals: list[str] = []
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait()
            call()
        except DomainError as exc:
            refusals.append(exc.code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return refusals, errors


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_one_unit_take_one_place(advanced_unit, nominate):
    reporters = [StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER]) for _ in range(REPORTERS)]
    drafts = [nominate(r, advanced_unit, name=f"第{i}所社区学校") for i, r in enumerate(reporters)]
    calls = [
        (lambda r=r, n=n: services.nomination_submit(actor=r, nomination=n))
        for r, n in zip(reporters, drafts, strict=True)
    ]
    refusals, errors = _race(calls)
    assert errors == []
    assert Nomination.objects.filter(state=NominationState.IN_REVIEW).count() == 1
    assert sorted(refusals) == ["over_quota"] * (REPORTERS - 1)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_recommendations_of_a_city_stay_within_its_quota(submitted_by_districts):
    """The city may forward 2; six reviewers of the city recommend six nominees at once."""
    nominations = submitted_by_districts(["220102", "220103", "220104", "220105", "220106", "220112"])
    reviewers = [StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER]) for _ in nominations]
    calls = [
        (lambda r=r, n=n: services.nomination_decide(actor=r, nomination=n, action=DecisionAction.RECOMMEND))
        for r, n in zip(reviewers, nominations, strict=True)
    ]
    refusals, errors = _race(calls)
    assert errors == []
    assert Nomination.objects.filter(at_unit__code="220000").count() == 2
    assert sorted(refusals) == ["over_quota"] * 4
