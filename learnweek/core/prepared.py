"""A queryset compiled once per process, run again with new values: for a hot read that Django
would otherwise compile on every call (the public activity page's, ``activities.selectors``).

``CompiledQuery(build)`` takes a function of some integer values that returns a queryset, each
value used once as the right-hand side of an exact lookup (``pk=pk``, ``year=year``). The first
call on a database connection builds the queryset with placeholder values, compiles its SQL and
remembers where the values go; every later call runs that SQL with the new values and builds the
model instances as the ORM would (``ModelIterable``: ``from_db``, the ``select_related`` objects,
the database's converters, and a ``masked`` queryset's masking). So it answers what
``list(build(*values))`` answers, queries included, without building or compiling anything.

A value out of its column's range finds nothing, as the ORM's ``IntegerFieldOverflow`` decides,
without asking the database. What the SQL must not depend on beyond those values (the time, a
setting, another argument) must not be in ``build``: it is read once. Only model rows are
supported (no ``values()``, annotations, ``prefetch_related`` or known related objects); a
queryset it cannot reproduce is refused when first compiled, not answered differently.

Django internals (``SQLCompiler``, ``klass_info``, ``get_related_populators``, ``from_db``) are
used here and, for ``values_list`` statements kept under a caller's key (the completeness
board), in ``core.compiled``, nowhere else; tests/core/test_prepared.py compares the answers with the ORM's."""

from __future__ import annotations

import inspect
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.lookups import Exact
from django.db.models.query import (  # type: ignore[attr-defined]  # Django's, not in the stubs
    ModelIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.where import AND, WhereNode

from learnweek.core.phones import MaskedRows

M = TypeVar("M", bound=Model)

# Placeholder values: small (inside a smallint column's range, so no lookup drops them as an
# overflow) and unlikely elsewhere in a query; a clash is refused when compiling.
_PLACEHOLDERS = tuple(range(32_641, 32_641 + 16))


@dataclass
class _Compiled:
    sql: str
    params: list[Any]
    slots: list[tuple[int, type, int | None, int | None]]  # position, its type, min, max
    compiler: SQLCompiler
    converters: dict
    col_count: int
    model_fields: tuple[int, int]
    init_list: list[str]
    populators: list
    mask: Callable[[Any], Any] | None
    db: str


class CompiledQuery(Generic[M]):
    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self.build = build
        self.arity = len(inspect.signature(build).parameters)
        if self.arity > len(_PLACEHOLDERS):
            raise ValueError("too many values for a compiled query")
        # One compiled statement per database connection (each thread has its own).
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        self._model: type[Model] | None = None
        self._db: str | None = None
        self._hints: dict = {}

    def __call__(self, *values: int) -> list[M]:
        if len(values) != self.arity:
            raise TypeError(f"expected {self.arity} values, got {len(values)}")
        if self._model is None:
            sample: Any = self.build(*_PLACEHOLDERS[: self.arity])  # its private attributes
            self._model, self._db, self._hints = sample.model, sample._db, dict(sample._hints)
        db = self._db or router.db_for_read(self._model, **self._hints)
        connection = connections[db]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compile(db, connection)
            with self._lock:
                self._compiled[connection] = compiled
        params = list(compiled.params)
        for (position, kind, low, high), value in zip(compiled.slots, values, strict=True):
            value = int(value)
            if (low is not None and value < low) or (high is not None and value > high):
                return []  # what the ORM answers for a value no row of the column can hold
            params[position] = value if kind is int else kind(value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return self._instances(compiled, rows)

    def _compile(self, db: str, connection: BaseDatabaseWrapper) -> _Compiled:
        placeholders = _PLACEHOLDERS[: self.arity]
        queryset: Any = self.build(*placeholders)  # its private attributes
        if queryset._iterable_class is not ModelIterable and not issubclass(
            queryset._iterable_class, MaskedRows
        ):
            raise TypeError("only model rows can be compiled")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("prefetch_related and related managers' querysets cannot be compiled")
        ranges = self._ranges(queryset.query.where, placeholders, connection)
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        params = list(params)
        # What the SQL depends on beyond the values is read once: refuse a build whose SQL is not
        # the same twice (the time, a counter), rather than answer with its first reading forever.
        again = self.build(*placeholders).query.get_compiler(using=db).as_sql()
        if (again[0], list(again[1])) != (sql, params):
            raise TypeError("the query depends on more than its values: it cannot be compiled once")
        if compiler.annotation_col_map or compiler.klass_info is None:
            raise TypeError("annotations and values() cannot be compiled")
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise TypeError("composite fields cannot be compiled")
        slots = []
        for placeholder in placeholders:
            positions = [i for i, p in enumerate(params) if p == placeholder and isinstance(p, int)]
            if len(positions) != 1 or placeholder not in ranges:
                raise TypeError("each value must be used once, as an exact lookup's value")
            slots.append((positions[0], type(params[positions[0]]), *ranges[placeholder]))
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        masker = (
            queryset._iterable_class(queryset) if issubclass(queryset._iterable_class, MaskedRows) else None
        )
        return _Compiled(
            sql=sql,
            params=params,
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters(fields),
            col_count=compiler.col_count,
            model_fields=(start, end),
            init_list=[f[0].target.attname for f in compiler.select[start:end]],
            populators=get_related_populators(klass_info, compiler.select, db),
            mask=masker.mask if masker is not None else None,
            db=db,
        )

    @staticmethod
    def _ranges(
        where: WhereNode, placeholders: tuple[int, ...], connection: BaseDatabaseWrapper
    ) -> dict[int, tuple[int | None, int | None]]:
        """The range of the integer column each placeholder is compared with: only an ``exact``
        lookup that every row must pass (under AND, not negated), where a value out of range
        means no row, as the ORM decides."""
        found: dict[int, tuple[int | None, int | None]] = {}
        if where.negated or (where.connector != AND and len(where.children) > 1):
            return found
        for child in where.children:
            if isinstance(child, WhereNode):
                found |= CompiledQuery._ranges(child, placeholders, connection)
            elif isinstance(child, Exact) and isinstance(child.rhs, int) and child.rhs in placeholders:
                internal_type = child.lhs.output_field.get_internal_type()
                found[child.rhs] = connection.ops.integer_field_range(internal_type)
        return found

    @staticmethod
    def _instances(compiled: _Compiled, rows: list) -> list:
        if compiled.compiler.has_extra_select:
            rows = [row[: compiled.col_count] for row in rows]
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        start, end = compiled.model_fields
        model = compiled.compiler.klass_info["model"]
        found = []
        for row in rows:
            obj = model.from_db(compiled.db, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            found.append(compiled.mask(obj) if compiled.mask else obj)
        return found
