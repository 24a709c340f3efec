"""Bulk writes that Django's ORM makes slow at national scale."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models
from psycopg import sql
from psycopg.types.json import Jsonb


def bulk_insert(model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 2000) -> None:
    """Insert new rows. On PostgreSQL through COPY (psycopg), several times faster than
    ``bulk_create`` for wide rows; elsewhere ``bulk_create``. Like ``bulk_create`` it sends no
    signals and does not set primary keys on ``objs``; it does fill auto_now fields."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objs:
            row = []
            for field in fields:
                value = field.pre_save(obj, add=True)
                row.append(Jsonb(value) if field.attname in json_fields else value)
            copy.write_row(row)
