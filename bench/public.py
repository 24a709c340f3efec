"""The public side at national scale (PostgreSQL, the 1,000,000 kept activities).

1. The finder: a Chinese keyword (读书) in one province over one month, first page of 20 with the
   count the page shows, through our selector and paginator, against the best hand-written SQL
   for the same page (the same GIN index and filters, written by hand).
2. 1,000 simultaneous sign-ups for a 100-seat activity: threads, each with its own connection,
   through the real service; checks that exactly 100 get a seat and 900 a place on the waiting
   list with no errors, and prints sign-ups per second beside hand-written SQL doing the same
   lock-count-insert in the same threads.
"""

import datetime
import threading
import time

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone

from bench.activities import prepare as prepare_activities
from learnweek.activities.models import Activity
from learnweek.activities.search import query_tokens
from learnweek.activities.selectors import ActivityFilters, activities_found
from learnweek.activities.services import activity_create
from learnweek.core.paging import DeferredJoinPaginator
from learnweek.orgs.models import Unit
from learnweek.public.activity_views import CARD_FIELDS
from learnweek.registrations.models import Registration
from learnweek.registrations.services import new_code, registration_create

SIGN_UPS, SEATS, THREADS = 1000, 100, 25
# Runs outside the rolled-back transaction of the other benchmarks: the sign-up threads have their
# own connections and see only committed rows. It deletes what it made.
COMMITS = True


def prepare():
    return prepare_activities()


def _finder(median_ms, report, campaign) -> None:
    tz = timezone.get_current_timezone()
    date_from, date_to = datetime.date(2023, 10, 1), datetime.date(2023, 10, 31)
    # The province with the most activities.
    top = Activity.objects.filter(campaign=campaign).values("unit_path").annotate(n=Count("id")).order_by()
    per_province: dict[str, int] = {}
    for row in top:
        key = row["unit_path"][: 2 * Unit.steplen]
        per_province[key] = per_province.get(key, 0) + row["n"]
    province = Unit.objects.get(path=max(per_province, key=per_province.get))
    filters = ActivityFilters(q="读书", under=province, date_from=date_from, date_to=date_to)

    def ours():
        page = DeferredJoinPaginator(activities_found(filters).only(*CARD_FIELDS), 20).page(1)
        return page.paginator.count, [a.pk for a in page.object_list]

    lo = datetime.datetime.combine(date_from, datetime.time(), tzinfo=tz)
    hi = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    query = " & ".join(f"'{t}'" for t in query_tokens("读书"))
    where = (
        "a.is_internal = false AND c.status IN ('published', 'closed') AND a.unit_path LIKE %s "
        'AND a."end" >= %s AND a.start < %s '
        "AND to_tsvector('simple'::regconfig, a.search_text) @@ to_tsquery('simple'::regconfig, %s)"
    )
    params = [province.path + "%", lo, hi, query]
    columns = ", ".join(f'a."{f}"' for f in CARD_FIELDS)

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM activities_activity a JOIN campaigns_campaign c ON c.id = a.campaign_id WHERE {where}",
                params,
            )
            count = cursor.fetchone()[0]
            # The matches first (GIN and path indexes), then the sort: the planner left to itself
            # walks the start index instead.
            cursor.execute(
                f"WITH m AS MATERIALIZED (SELECT {columns} FROM activities_activity a "
                f"JOIN campaigns_campaign c ON c.id = a.campaign_id WHERE {where}) "
                "SELECT * FROM m ORDER BY start, id LIMIT 20",
                params,
            )
            return count, [row[0] for row in cursor.fetchall()]

    assert ours() == baseline(), "the finder and the hand-written SQL disagree"
    count = baseline()[0]
    report(
        f"finder: 读书 in {province.name}, Oct 2023 ({count} hits), page 1",
        median_ms(ours),
        median_ms(baseline),
    )


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


def run(median_ms, report, campaign) -> None:
    _finder(median_ms, report, campaign)  # the sign-ups: bench.signups
