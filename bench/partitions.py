"""What partitioning by year costs a lookup that does not name the year: one activity by id, as
a sign-up and an activity's .ics read it (and as its page reads it, with the two units it links
to), on the partitioned table with this year's partition and then with ten more years' partitions
attached, against the same rows in one plain table (the hand-written baseline: the table as it was
before partitioning). PostgreSQL only; the extra partitions and the plain copy are rolled back."""

import random

from django.db import connection

from bench.activities import prepare as prepare_activities
from learnweek.activities.selectors import activity_get_public, activity_get_public_page
from learnweek.campaigns.models import Campaign
from learnweek.core.partitioning import ensure_partitions, partition_years

LOOKUPS = 200
SQL = "SELECT id, name, start, capacity FROM {} WHERE id = %s"


def prepare() -> Campaign:
    return prepare_activities()


def run(median_ms, report, campaign: Campaign) -> None:
    if connection.vendor != "postgresql":
        print("partitions: PostgreSQL only, skipped")
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id) FROM activities_activity WHERE campaign_id = %s", [campaign.pk]
        )
        low, high = cursor.fetchone()
        cursor.execute("CREATE TEMPORARY TABLE plain_activity AS SELECT * FROM activities_activity")
        cursor.execute("ALTER TABLE plain_activity ADD PRIMARY KEY (id)")
        cursor.execute("ANALYZE plain_activity")
    rng = random.Random(7)  # noqa: S311 - which ids, not secrets
    ids = [rng.randint(low, high) for _ in range(LOOKUPS)]

    def by_sql(table: str):
        def lookups() -> None:
            with connection.cursor() as cursor:
                for pk in ids:
                    cursor.execute(SQL.format(table), [pk])
                    cursor.fetchone()

        return lookups

    def through(read):
        def reads() -> None:
            for pk in ids:
                read(pk)

        return reads

    baseline = median_ms(by_sql("plain_activity"), repeat=9)
    for label in ("this year", "11 years"):
        if label == "11 years":
            for year in range(campaign.year - 10, campaign.year):
                ensure_partitions(year)
        years = len(partition_years("activities_activity"))
        report(
            f"{LOOKUPS} lookups by id, SQL, {years} year partitions ({label})",
            median_ms(by_sql("activities_activity"), repeat=9),
            baseline,
        )
        report(
            f"{LOOKUPS} public activity reads (selector), {years} year partitions",
            median_ms(through(activity_get_public), repeat=9),
            baseline,
        )
        report(
            f"{LOOKUPS} activity page reads (+ organiser, division), {years} year partitions",
            median_ms(through(activity_get_public_page), repeat=9),
            baseline,
        )
