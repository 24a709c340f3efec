"""A ``get()`` compiled to SQL once and run again with other values (the sign-up's read before the
activity's lock, ``services._public``).

The ORM builds and compiles a queryset anew on every call: the filters, the ``Exists``
annotations, the SQL text. For a statement every sign-up runs that is most of its Python time, and
sign-ups come at once from many threads of one process that share one interpreter lock.
``CompiledGet`` builds the queryset once with stand-in values, compiles it once per connection,
finds where the stand-ins went among the parameters and puts each call's values there; the row
comes out as ``get()`` gives it: the model's instance with its annotations, passed through the
queryset's own row class where that changes rows (``core.phones.MaskedRows``: the public's masked
text)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # not in the stubs
    MAX_GET_RESULTS,
    ModelIterable,
    get_related_populators,
)

from learnweek.core.phones import MaskedRows

M = TypeVar("M", bound=Model)


def _prepare(field: Field, value: Any, connection: Any) -> Any:
    """``value`` as an exact lookup on ``field`` sends it."""
    return field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)


def _stand_in(n: int, field: Field) -> Any:
    """A value of ``field``'s kind that none of the statement's constants equals."""
    if field.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField"):
        return 1_987_654_321 - n  # within every one of these columns' range
    return f"compiled-get-stand-in-{n}"


class _Statement:
    """One connection's compiled statement and what turns its rows into instances."""

    def __init__(self, queryset: QuerySet, connection: Any, slots: dict[str, Field], stand_ins: dict) -> None:
        self.connection = connection
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        # Each value's places among the parameters, its field, and the range an integer must be in
        # (out of it the ORM's exact lookup matches nothing and sends nothing: no row).
        self.binds: list[tuple[list[int], Field, tuple[int | None, int | None] | None]] = []
        ranges = connection.ops.integer_field_ranges
        for name, field in slots.items():
            prepared = _prepare(field, stand_ins[name], connection)
            places = [i for i, p in enumerate(self.params) if type(p) is type(prepared) and p == prepared]
            if not places:
                raise ValueError(f"CompiledGet: {name} does not reach the statement's parameters")
            self.binds.append((places, field, ranges.get(field.get_internal_type())))
        select = compiler.select
        fields = [s[0] for s in select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("CompiledGet: no composite fields")
        self.converters = compiler.get_converters(fields)
        self.compiler = compiler  # applies the converters, with this connection
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        self.start, self.end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.related = get_related_populators(klass_info, select, connection.alias)
        self.annotations = list(compiler.annotation_col_map.items())

    def objects(self, values: dict[str, Any]) -> list[Any]:
        """The instances of the rows the statement finds with ``values`` in its slots."""
        params = self.params.copy()
        for (places, field, bounds), value in zip(self.binds, values.values(), strict=True):
            prepared = _prepare(field, value, self.connection)
            if bounds is not None and isinstance(prepared, int):
                low, high = bounds
                if (low is not None and prepared < low) or (high is not None and prepared > high):
                    return []
            for i in places:
                params[i] = prepared
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        objs = []
        for row in rows:
            obj = self.model.from_db(self.connection.alias, self.init_list, row[self.start : self.end])
            for populator in self.related:
                populator.populate(row, obj)
            for name, i in self.annotations:
                setattr(obj, name, row[i])
            objs.append(obj)
        return objs


class CompiledGet(Generic[M]):
    """``build(**values).get()``, compiled once per connection. ``slots`` names each value and the
    model field it is compared with by an exact lookup in the queryset's filters or annotations
    (``pk=…``: the primary key; ``phone=…``: the phone field), which prepares it as that lookup
    would. A value must not change the statement's shape: None (``IS NULL``) is refused, and an
    integer out of its column's range gives no row, as the ORM's lookup in a filter does; so an
    integer slot belongs in the queryset's own filter, not only in an annotation."""

    def __init__(self, build: Callable[..., QuerySet[M]], **slots: Field) -> None:
        self._build = build
        self._slots = slots
        self._local = threading.local()  # each thread has its own connections

    def _statement(self, alias: str) -> tuple[_Statement, MaskedRows | None]:
        connection = connections[alias]
        cached = getattr(self._local, alias, None)
        if cached is None or cached[0].connection is not connection:
            stand_ins = {name: _stand_in(n, field) for n, (name, field) in enumerate(self._slots.items())}
            queryset = self._build(**stand_ins)
            # As get() does: no ordering, at most MAX_GET_RESULTS rows.
            if queryset.query.can_filter() and not queryset.query.distinct_fields:
                queryset = queryset.order_by()
            queryset = queryset.all()
            queryset.query.set_limits(high=MAX_GET_RESULTS)
            if queryset._known_related_objects or queryset.query.select_for_update:  # type: ignore[attr-defined]
                raise ValueError("CompiledGet: a plain read only")
            rows_class = queryset._iterable_class
            if not (rows_class is ModelIterable or issubclass(rows_class, MaskedRows)):
                raise ValueError("CompiledGet: model rows only, masked or not (not values())")
            masker = rows_class(queryset) if issubclass(rows_class, MaskedRows) else None
            cached = (_Statement(queryset, connection, self._slots, stand_ins), masker)
            setattr(self._local, alias, cached)
        return cached

    def get(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> M:
        """The one row, as ``get()`` gives it; ``DoesNotExist`` and ``MultipleObjectsReturned``
        as ``get()`` raises them."""
        if values.keys() != self._slots.keys() or any(v is None for v in values.values()):
            raise TypeError(f"CompiledGet.get() takes {', '.join(self._slots)}, none of them None")
        statement, masker = self._statement(using)
        objs = statement.objects({name: values[name] for name in self._slots})
        model = statement.model
        if len(objs) == 1:
            return masker.mask(objs[0]) if masker is not None else objs[0]  # type: ignore[return-value]
        if not objs:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        raise model.MultipleObjectsReturned(f"get() returned more than one {model._meta.object_name}!")
