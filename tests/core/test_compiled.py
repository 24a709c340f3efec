"""core.compiled.compiled_values gives the rows the queryset gives, asks the database every time,
and (as the tests run it, VERIFY on) refuses a key that keeps a statement gone stale."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, FilteredRelation, Q
from django.test.utils import CaptureQueriesContext

from learnweek.core import compiled
from learnweek.core.compiled import compiled_values
from learnweek.orgs.models import Unit
from learnweek.orgs.selectors import within
from tests.helpers import PROVINCE, unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept():
    compiled.forget()
    yield
    compiled.forget()


def province_units(province=PROVINCE):
    """Units of a province with a boolean and a column across a filtered relation (the kinds
    of values the board reads), in path order."""
    root = province if isinstance(province, Unit) else unit(province)
    return (
        within(Unit.objects.filter(kind__in=["prefecture", "county"]), root)
        .annotate(named=FilteredRelation("designations", condition=Q(designations__pk__gt=0)))
        .order_by("path")
        .values_list("pk", "code", "name", "is_active", "named__pk")
    )


def test_the_rows_are_the_querysets_own(tree):
    rows = compiled_values(("test", PROVINCE), Unit, province_units)
    assert rows == list(province_units())
    assert rows and all(type(row) is tuple for row in rows)
    assert all(type(row[3]) is bool for row in rows)  # SQLite's 0/1 converted as the ORM does
    assert compiled_values(("test", PROVINCE), Unit, province_units) == rows


def test_each_call_asks_the_database_again(tree):
    province = unit(PROVINCE)
    before = compiled_values(("test", PROVINCE), Unit, lambda: province_units(province))
    first = before[0]
    Unit.objects.filter(pk=first[0]).update(name="改过的名称", is_active=False)
    with CaptureQueriesContext(connection) as ctx:
        after = compiled_values(("test", PROVINCE), Unit, lambda: province_units(province))
    assert len(ctx.captured_queries) == 1  # the statement alone (VERIFY compiles, asks nothing)
    assert after[0] == (first[0], first[1], "改过的名称", False, first[4])
    assert after == list(province_units())


def test_a_key_that_leaves_out_what_the_sql_is_made_of_fails_under_verify(tree):
    assert compiled.VERIFY  # tests/conftest.py
    compiled_values(("test",), Unit, lambda: province_units("220000"))
    with pytest.raises(AssertionError, match="another statement"):
        compiled_values(("test",), Unit, lambda: province_units("130000"))


def test_a_filter_that_matches_nothing_asks_nothing(tree):
    with CaptureQueriesContext(connection) as ctx:
        rows = compiled_values(("none",), Unit, lambda: Unit.objects.filter(pk__in=[]).values_list("pk"))
    assert rows == [] and not ctx.captured_queries


def test_annotations_are_refused(tree):
    with pytest.raises(ValueError):
        compiled_values(("count",), Unit, lambda: Unit.objects.annotate(n=Count("pk")).values_list("pk", "n"))
