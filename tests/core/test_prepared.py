"""A compiled-once query (``core.prepared.CompiledQuery``) answers what the ORM answers: the same
rows as the same model instances (their fields, the select_related objects, masking), in the same
one query, and nothing for what the ORM finds nothing for, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learnweek.activities.models import Activity, LinkAccess, Mode
from learnweek.activities.selectors import activities_public
from learnweek.activities.services import activity_cancel, activity_create
from learnweek.campaigns.models import CampaignStatus
from learnweek.campaigns.services import campaign_create, campaign_set_status
from learnweek.core.prepared import CompiledQuery
from tests.helpers import CITY, COUNTY, PROVINCE, SIBLING_COUNTY, unit


def _state(obj) -> dict:
    """What a model instance holds: its loaded values, where it was read from, and the related
    objects select_related put on it (compared the same way)."""
    values = {k: v for k, v in obj.__dict__.items() if k != "_state"}
    cached = {name: _state(rel) if rel is not None else None for name, rel in obj._state.fields_cache.items()}
    return {"values": values, "db": obj._state.db, "adding": obj._state.adding, "related": cached}


def _public():
    return activities_public().select_related("campaign", "organiser", "division")


def _orm(pk, year=None):
    found = _public().filter(pk=pk) if year is None else _public().filter(pk=pk, year=year)
    return list(found[:1])


by_pk = CompiledQuery(lambda pk: _public().filter(pk=pk)[:1])
by_pk_year = CompiledQuery(lambda pk, year: _public().filter(pk=pk, year=year)[:1])


@pytest.fixture
def activities(tree):
    """Activities of every kind the public read tells apart: public ones (with and without their
    own division, an online link for everyone or for seat holders, mobile numbers to mask), one
    cancelled, one internal, one of a draft campaign and one of a closed campaign."""
    start = timezone.now() + datetime.timedelta(days=3)

    def campaign(slug, status, year=2026):
        made = campaign_create(
            actor=None, issuing_unit=unit(PROVINCE), year=year, slug=slug, title=f"{slug}年度", theme="读书"
        )
        return campaign_set_status(actor=None, campaign=made, status=status) if status else made

    published, closed = (
        campaign("pub", CampaignStatus.PUBLISHED),
        campaign("old", CampaignStatus.CLOSED, 2025),
    )
    draft = campaign("draft", None)

    def make(on, n, **values):
        return activity_create(
            actor=None,
            campaign=on,
            organiser=unit((COUNTY, CITY, SIBLING_COUNTY)[n % 3]),
            name=f"读书会{n}",
            category="themed_reading",
            start=start + datetime.timedelta(hours=n),
            end=start + datetime.timedelta(hours=n + 2),
            **values,
        )

    made = [
        make(
            published,
            n,
            address=f"图书馆{n}楼" if n % 2 else "",
            division=unit(SIBLING_COUNTY) if n % 4 == 1 else None,
            registration_phone="13812345678 / 0431-88888888",
            content=f"联系 1399876543{n % 10}",
            capacity=n if n % 3 else None,
        )
        for n in range(12)
    ]
    made.append(
        make(
            published,
            20,
            mode=Mode.ONLINE,
            online_link="https://meeting.example.cn/1",
            online_link_access=LinkAccess.EVERYONE,
        )
    )
    made.append(
        make(
            published,
            21,
            mode=Mode.ONLINE,
            online_link="https://meeting.example.cn/2",
            online_link_access=LinkAccess.REGISTERED,
        )
    )
    made.append(activity_cancel(actor=None, activity=make(published, 22), reason="暴雨，联系 13812345678"))
    made.append(make(published, 23, is_internal=True))
    made.append(make(draft, 24))
    made.append(make(closed, 25))
    return made


def test_every_row_and_every_miss_is_answered_as_the_orm_answers_it(activities):
    pks = [a.pk for a in activities]
    missing = [0, -1, max(pks) + 1000, 2**63, -(2**63) - 1]
    found = 0
    for pk in pks + missing:
        expected = _orm(pk)
        with CaptureQueriesContext(connection) as ours:
            rows = by_pk(pk)
        assert [_state(r) for r in rows] == [_state(e) for e in expected], pk
        assert len(ours) == (0 if pk in (2**63, -(2**63) - 1) else 1)
        found += len(rows)
        for year in (2025, 2026, 1999, 40_000):
            assert [_state(r) for r in by_pk_year(pk, year)] == [_state(e) for e in _orm(pk, year)]
    # The internal and the draft campaign's activities are not public; the rest are.
    assert found == len(activities) - 2
    assert by_pk(activities[-3].pk) == [] and by_pk(activities[-2].pk) == []


def test_masked_text_and_links_come_out_as_the_public_reads_them(activities):
    [read] = by_pk(activities[0].pk)
    assert read.registration_phone == "138****5678 / 0431-88888888"
    assert read.content == "联系 139****5430"
    assert by_pk(activities[12].pk)[0].online_link == "https://meeting.example.cn/1"
    assert by_pk(activities[13].pk)[0].online_link == ""  # shown to seat holders only
    assert by_pk(activities[14].pk)[0].cancel_reason == "暴雨，联系 138****5678"


def test_the_same_sql_as_the_orm_and_nothing_more_when_the_row_is_used(activities):
    activity = activities[1]
    with CaptureQueriesContext(connection) as orm:
        _orm(activity.pk, activity.year)
    with CaptureQueriesContext(connection) as ours:
        [read] = by_pk_year(activity.pk, activity.year)
        for model_row in (read, read.campaign, read.organiser, read.division):
            for field in model_row._meta.concrete_fields:
                getattr(model_row, field.attname)
    assert [q["sql"] for q in ours] == [q["sql"] for q in orm]
    assert read.division.code == unit(SIBLING_COUNTY).code


def test_what_it_cannot_reproduce_is_refused_when_compiled(activities):
    pk = activities[0].pk
    refused = [
        CompiledQuery(lambda pk: Activity.objects.filter(pk=pk).values("name")),
        CompiledQuery(lambda pk: Activity.objects.filter(Q(pk=pk) | Q(name="x"))),
        CompiledQuery(lambda pk: Activity.objects.exclude(pk=pk)),
        CompiledQuery(lambda pk: Activity.objects.filter(pk=pk, capacity=pk)),
        CompiledQuery(lambda pk: Activity.objects.filter(pk__gt=pk)),
        CompiledQuery(lambda pk: Activity.objects.filter(pk=pk).prefetch_related("registrations")),
        # the time would be read once and kept: refused, not frozen
        CompiledQuery(lambda pk: Activity.objects.filter(pk=pk, end__gte=timezone.now())),
    ]
    for query in refused:
        with pytest.raises(TypeError):
            query(pk)
    with pytest.raises(TypeError):
        by_pk(pk, 2026)
