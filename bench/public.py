"""Sign-ups at once (PostgreSQL), run by bench/signups.py: 1,000 simultaneous sign-ups for a 100-seat activity: threads, each with its own connection, through
the real service; checks that exactly 100 get a seat and 900 a place on the waiting list with no
errors, and prints sign-ups per second beside hand-written SQL doing the same lock-count-insert
in the same threads. (The finder's search is bench/search.py.)
"""

import datetime
import threading
import time

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone

from learnweek.activities.models import Activity
from learnweek.activities.services import activity_create
from learnweek.registrations.models import Registration
from learnweek.registrations.services import new_code, registration_create

SIGN_UPS, SEATS, THREADS = 1000, 100, 25


def _activity(campaign) -> Activity:
    start = timezone.now() + datetime.timedelta(days=30)
    with transaction.atomic():
        return activity_create(
            actor=None,
            campaign=campaign,
            organiser=campaign.issuing_unit,
            name="bench 报名",
            category="themed_reading",
            start=start,
            end=start + datetime.timedelta(hours=2),
            capacity=SEATS,
        )


def _run_threads(work) -> tuple[float, list[BaseException]]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(n, SIGN_UPS, THREADS):
                work(i)
        except BaseException as exc:  # noqa: BLE001 - counted and reported
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, errors


def _sign_ups(report, campaign) -> None:
    settings.SMS_BACKEND = "learnweek.core.sms.LocmemBackend"  # 1,000 messages to nowhere, quietly
    ours_activity = _activity(campaign)
    ours_time, ours_errors = _run_threads(
        lambda i: registration_create(activity_id=ours_activity.pk, phone=f"1370000{i:04d}", name=f"居民{i}")
    )
    states = dict(
        Registration.objects.filter(activity=ours_activity)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    hand_activity = _activity(campaign)

    def by_hand(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT capacity FROM activities_activity WHERE id = %s FOR UPDATE", [hand_activity.pk]
            )
            capacity = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM registrations_registration WHERE activity_id = %s AND status = 'confirmed'",
                [hand_activity.pk],
            )
            status = "confirmed" if cursor.fetchone()[0] < capacity else "waitlisted"
            cursor.execute(
                "INSERT INTO registrations_registration (activity_id, year, name, phone, status, code, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, now())",
                [hand_activity.pk, hand_activity.year, f"居民{i}", f"1370000{i:04d}", status, new_code()],
            )

    hand_time, hand_errors = _run_threads(by_hand)
    hand_confirmed = Registration.objects.filter(activity=hand_activity, status="confirmed").count()
    print(
        f"sign-ups: {SIGN_UPS} at once for {SEATS} seats ({THREADS} threads): "
        f"confirmed {states.get('confirmed', 0)}, waitlisted {states.get('waitlisted', 0)}, errors {len(ours_errors)}; "
        f"hand-written: confirmed {hand_confirmed}, errors {len(hand_errors)}"
    )
    assert (
        states.get("confirmed") == SEATS and states.get("waitlisted") == SIGN_UPS - SEATS and not ours_errors
    ), ours_errors[:3]
    report(
        "sign-ups per second (1,000 at once, 100 seats)",
        SIGN_UPS / ours_time,
        SIGN_UPS / hand_time,
        unit="/s",
    )
    with transaction.atomic():
        for activity in (ours_activity, hand_activity):
            Registration.history.filter(activity_id=activity.pk).delete()
            Registration.objects.filter(activity=activity).delete()
            Activity.history.filter(id=activity.pk).delete()
            activity.delete()
