"""A read whose SQL costs more to compile than to run, compiled once.

Django builds and compiles a queryset's SQL on every evaluation: for a filter of a dozen
conditions that is a few milliseconds, as much as the national completeness board's whole join
(docs/performance.md). ``compiled_values`` keeps the compiled SQL and its parameters of a
``values_list`` queryset under a key the caller names, and runs it again with a plain cursor.
Only the statement is kept, never its rows: every call asks the database.

The key must name everything the SQL is made of (every value the queryset's filters read),
so that the same key always compiles to the same statement; what the caller leaves out of the
key goes stale. The tests switch ``VERIFY`` on (tests/conftest.py): then every call compiles
the queryset again and fails on a statement that differs from the kept one.

With ``core.prepared`` (model rows by id, the public activity read), one of the two places
that use Django's compiler directly (``get_compiler``, ``as_sql``,
``get_converters``, ``apply_converters``: what ``ValuesListIterable`` does for a ``values_list`` of
plain fields, not annotations); the rows equal the queryset's own (tests/core/test_compiled.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet

VERIFY = False  # tests: compile again on every call and compare
SIZE = 512  # statements kept per process, the least recently used dropped first

_lock = threading.Lock()
_kept: OrderedDict[Hashable, _Statement] = OrderedDict()


class _Statement:
    __slots__ = ("sql", "params", "converters", "compiler", "width")

    def __init__(self, queryset: QuerySet, using: str) -> None:
        if queryset.query.annotation_select or queryset.query.extra_select:
            # ValuesListIterable reorders such columns; plain fields come as selected.
            raise ValueError("compiled_values reads field values only, not annotations")
        compiler = queryset.query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a filter that matches nothing (``pk__in=[]``): no query
            sql, params = None, ()
        self.sql, self.params, self.compiler = sql, tuple(params), compiler
        self.converters = (
            compiler.get_converters([c[0] for c in compiler.select[: compiler.col_count]]) if sql else {}
        )
        self.width = compiler.col_count if compiler.has_extra_select else None


def compiled_values(key: Hashable, model: type[Model], build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of ``build()`` (a ``values_list`` queryset of ``model``, not ``flat`` nor
    ``named``) as tuples, as ``list(build())`` gives them, with the statement compiled the first
    time ``key`` is asked on the database the queryset would read (the router's for ``model``)
    and kept (``SIZE`` statements per process)."""
    using = router.db_for_read(model)
    full_key = (using, connections[using].vendor, key)
    with _lock:
        statement = _kept.get(full_key)
        if statement is not None:
            _kept.move_to_end(full_key)
    if statement is None:
        statement = _Statement(build(), using)
        with _lock:
            _kept[full_key] = statement
            while len(_kept) > SIZE:
                _kept.popitem(last=False)
    elif VERIFY:
        fresh = _Statement(build(), using)
        if (fresh.sql, fresh.params) != (statement.sql, statement.params):
            raise AssertionError(
                f"compiled_values: the key {key!r} kept another statement than it compiles to now"
            )
    if statement.sql is None:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        rows: list[Any] = cursor.fetchall()
    if statement.width is not None:
        rows = [row[: statement.width] for row in rows]
    if statement.converters:
        rows = [tuple(row) for row in statement.compiler.apply_converters(rows, statement.converters)]
    return rows


def forget() -> None:
    """Drop every kept statement (tests; after a migration changes a table in a running process)."""
    with _lock:
        _kept.clear()
