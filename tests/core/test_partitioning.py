"""Activities and registrations partitioned by campaign year on PostgreSQL: each year's rows in
its own partition, the composite key between them, queries of one campaign reading one partition,
and the conversion of a table made by Django keeping its rows, names and identity."""

from __future__ import annotations

import datetime
from itertools import chain, repeat

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import isolate_apps
from django.utils import timezone

from learnweek.activities.models import Activity
from learnweek.activities.selectors import ActivityFilters, activities_filtered
from learnweek.activities.services import activity_create
from learnweek.campaigns.models import Campaign, CampaignStatus
from learnweek.campaigns.services import campaign_create, campaign_set_status
from learnweek.core.checks import foreign_key_problems
from learnweek.core.partitioning import ensure_partitions, partition_table, partition_years
from learnweek.registrations import services as registrations
from learnweek.registrations.models import Registration
from learnweek.stats.selectors import family_activities
from tests.helpers import COUNTY, PROVINCE, unit


def postgres(test):  # type: ignore[no-untyped-def]
    """The tables are partitioned on PostgreSQL alone; elsewhere they stay plain."""
    return pytest.mark.postgres(
        pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")(test)
    )


def _campaign(year: int, slug: str) -> Campaign:
    campaign = campaign_create(
        actor=None, issuing_unit=unit(PROVINCE), year=year, slug=slug, title=f"{year}年"
    )
    return campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)


def _activity(campaign: Campaign, name: str = "社区读书会") -> Activity:
    start = timezone.now() + datetime.timedelta(days=2)
    return activity_create(
        actor=None,
        campaign=campaign,
        organiser=unit(COUNTY),
        name=name,
        category="themed_reading",
        start=start,
        end=start + datetime.timedelta(hours=2),
        capacity=10,
    )


def _partition_of(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@postgres
def test_a_new_years_activities_and_registrations_are_stored_in_its_partition(tree):
    assert 2031 not in partition_years("activities_activity")
    campaign = _campaign(2031, "jl31")
    assert 2031 in partition_years("activities_activity")
    assert 2031 in partition_years("registrations_registration")

    activity = _activity(campaign)
    signup = registrations.registration_create(activity_id=activity.pk, phone="13800001111", name="王老师")

    assert activity.year == 2031 and signup.registration.year == 2031
    assert _partition_of("activities_activity", activity.pk) == "activities_activity_2031"
    assert (
        _partition_of("registrations_registration", signup.registration.pk)
        == "registrations_registration_2031"
    )


@postgres
def test_the_database_refuses_a_registration_under_another_year_than_its_activity(tree):
    activity = _activity(_campaign(2031, "jl31"))
    signup = registrations.registration_create(activity_id=activity.pk, phone="13800001111", name="王老师")

    with pytest.raises(IntegrityError, match="registration_activity_year_fk"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS registration_activity_year_fk IMMEDIATE")
        Registration.objects.filter(pk=signup.registration.pk).update(year=2030)


@postgres
def test_one_campaigns_activities_are_read_from_its_years_partition_alone(tree):
    this_year, last_year = _campaign(2031, "jl31"), _campaign(2030, "jl30")
    _activity(this_year), _activity(last_year)

    plans = [
        activities_filtered(
            Activity.objects.all(), ActivityFilters(campaign=this_year, under=unit(PROVINCE))
        ).explain(),
        family_activities(this_year).explain(),
    ]

    for plan in plans:
        assert "activities_activity_2031" in plan
        assert "activities_activity_2030" not in plan
        assert "activities_activity_default" not in plan


@postgres
def test_a_year_already_in_the_default_partition_keeps_its_rows_there(tree):
    # A campaign written around the service: its year has no partition, its activity lands in
    # the default one, and a later partition for that year would have to move it.
    campaign = Campaign.objects.create(slug="jl32", year=2032, issuing_unit=unit(PROVINCE), title="2032年")
    activity = _activity(campaign)
    assert _partition_of("activities_activity", activity.pk) == "activities_activity_default"

    # The registrations of 2032 have none yet, so they get theirs.
    assert ensure_partitions(2032) == ["registrations_registration_2032"]

    assert Activity.objects.get(pk=activity.pk).name == "社区读书会"
    assert 2032 not in partition_years("activities_activity")


@postgres
def test_partitioning_a_table_keeps_its_rows_names_identity_and_constraints(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE scratch (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            "year smallint NOT NULL, name varchar(20) NOT NULL, "
            "campaign_id bigint REFERENCES campaigns_campaign (id) DEFERRABLE INITIALLY DEFERRED, "
            "CONSTRAINT scratch_name_year UNIQUE (name, year), CONSTRAINT scratch_year_ok CHECK (year > 2000))"
        )
        cursor.execute("CREATE INDEX scratch_by_name ON scratch (name) INCLUDE (year)")
        cursor.execute("INSERT INTO scratch (year, name) VALUES (2024, '甲'), (2025, '乙'), (2025, '丙')")

    with connection.schema_editor() as editor:
        partition_table(editor, "scratch", "year", [2025])

    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, name FROM scratch ORDER BY id")
        assert cursor.fetchall() == [
            ("scratch_default", "甲"),
            ("scratch_2025", "乙"),
            ("scratch_2025", "丙"),
        ]
        cursor.execute("INSERT INTO scratch (year, name) VALUES (2025, '丁') RETURNING id")
        assert cursor.fetchone()[0] == 4  # the identity goes on where it was
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'scratch' ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == [
            "scratch_by_name",
            "scratch_name_year",
            "scratch_pkey",
        ]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'scratch'::regclass AND contype IN ('p', 'f') ORDER BY 1"
        )
        keys = dict(cursor.fetchall())
        assert keys["scratch_pkey"] == "PRIMARY KEY (id, year)"
        assert any("REFERENCES campaigns_campaign(id)" in definition for definition in keys.values())
        with pytest.raises(IntegrityError, match="scratch_year_ok"), transaction.atomic():
            cursor.execute("INSERT INTO scratch (year, name) VALUES (1999, '戊')")
        with (
            pytest.raises(IntegrityError, match=r"\(name, year\)=\(乙, 2025\) already exists"),
            transaction.atomic(),
        ):
            cursor.execute("INSERT INTO scratch (year, name) VALUES (2025, '乙')")


@postgres
def test_partitioning_refuses_a_table_another_table_references(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE scratch (id bigint PRIMARY KEY, year smallint NOT NULL)")
        cursor.execute(
            "CREATE TABLE scratch_child (id bigint PRIMARY KEY, scratch_id bigint REFERENCES scratch (id))"
        )

    with pytest.raises(RuntimeError, match="scratch_child"), connection.schema_editor() as editor:
        partition_table(editor, "scratch", "year", [])


def test_check_in_codes_stay_unique_across_years(tree, monkeypatch):
    activities = [_activity(_campaign(2030, "jl30")), _activity(_campaign(2031, "jl31"))]
    monkeypatch.setattr(
        registrations, "new_code", iter(chain(["AAAA0000AA"] * 2, repeat("BBBB0000BB"))).__next__
    )

    codes = [
        registrations.registration_create(
            activity_id=a.pk, phone="13800001111", name="王老师"
        ).registration.code
        for a in activities
    ]

    assert codes == ["AAAA0000AA", "BBBB0000BB"]


def test_the_project_declares_no_plain_foreign_key_to_a_partitioned_table():
    assert foreign_key_problems() == []


@isolate_apps("learnweek.core")
def test_a_plain_foreign_key_to_activities_is_refused_by_the_system_check():
    class Favourite(models.Model):  # noqa: DJ008
        activity = models.ForeignKey(Activity, on_delete=models.CASCADE)

        class Meta:
            app_label = "core"

    class Bookmark(models.Model):  # noqa: DJ008
        activity = models.ForeignKey(Activity, on_delete=models.CASCADE, db_constraint=False)

        class Meta:
            app_label = "core"

    [problem] = foreign_key_problems([Favourite, Bookmark])
    assert problem.id == "learnweek.E001"
    assert "Favourite.activity" in problem.msg
