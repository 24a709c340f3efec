"""core.db.bulk_insert writes what an insert through the ORM writes (on PostgreSQL through COPY):
text cleaned as the fields clean it, JSON as JSON, defaults and auto_now for what a row leaves out."""

from __future__ import annotations

import datetime
import gc

import pytest
from django.utils import timezone

from learnweek.activities.models import Activity
from learnweek.core.db import bulk_insert
from learnweek.core.memory import collections_paused
from tests.helpers import COUNTY, jilin_this_year, unit


@pytest.mark.django_db
def test_a_bulk_row_reads_back_as_the_orm_writes_it(tree):
    campaign, organiser = jilin_this_year(), unit(COUNTY)
    start = datetime.datetime(2023, 10, 15, 14, 0, tzinfo=timezone.get_current_timezone())
    values = {
        "campaign_id": campaign.pk,
        "year": campaign.year,
        "organiser_id": organiser.pk,
        "unit_path": organiser.path,
        "name": "读书会\x0b第一期\t",  # Word's Shift+Enter and a tab: one line
        "category": "themed_reading",
        "start": start,
        "end": start + datetime.timedelta(hours=2),
        "address": "社区\r\n活动室",
        "audiences": ["elderly", "workers"],
        "content": "第一段\r\n第二段\x0c",
        "headcount": 30,
    }
    before = timezone.now()
    bulk_insert(Activity, [values, values | {"name": "另一项", "audiences": []}])
    orm = Activity.objects.create(**values | {"name": "对照"})
    orm.refresh_from_db()
    bulk = Activity.objects.exclude(pk=orm.pk).order_by("pk")
    first, second = bulk
    assert first.name == "读书会 第一期"
    assert first.address == orm.address == "社区 活动室"
    assert first.content == orm.content == "第一段\n第二段\n"
    assert first.audiences == ["elderly", "workers"] and second.audiences == []
    assert (first.start, first.end, first.headcount) == (orm.start, orm.end, 30)
    assert (first.mode, first.is_week, first.time_known, first.search_text) == ("offline", False, True, "")
    assert first.capacity is None and first.cancelled_at is None
    assert first.created_at >= before and first.updated_at >= before


def test_the_collector_comes_back_on_after_the_last_paused_block_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), collections_paused():
        with collections_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds it
        raise ValueError
    assert gc.isenabled()
