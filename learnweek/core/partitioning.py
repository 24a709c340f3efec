"""PostgreSQL declarative partitioning: turning a table made by Django's migrations into one
partitioned by a column's value, and adding the partition for a new value.

Activities and registrations are partitioned by campaign year (``year``, copied from the
campaign when the row is written; docs/scale.md says why and what it costs). A partitioned
table's primary key and unique constraints must contain the partition key, so their primary key
becomes (id, year) in the database while Django still addresses rows by id, which stays unique
through the table's one identity sequence. A foreign key to such a table must name both columns:
Django 5.2 cannot express that, so the model declares ``db_constraint=False`` and the migration
adds the composite key itself (``activities`` migration 0006); the system check in
``learnweek.core.checks`` refuses a new foreign key that would try to reference the id alone.

Each year gets its own partition when its first campaign is created (``ensure_partitions``);
the default partition takes any row whose year has none, so nothing is ever refused, only left
unpruned. Everywhere but PostgreSQL the tables stay plain and these functions do nothing."""

from __future__ import annotations

import logging
import time

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.utils import CursorWrapper
from psycopg import sql

logger = logging.getLogger(__name__)

# The tables partitioned by campaign year (by the column YEAR); the system check knows them from
# here without asking the database, and ensure_partitions looks for no others.
YEAR_PARTITIONED = ("activities_activity", "registrations_registration")
YEAR = "year"


def partition_name(table: str, value: int | str) -> str:
    return f"{table}_{value}"


def _is_postgresql(schema_editor: BaseDatabaseSchemaEditor | None = None) -> bool:
    return (schema_editor.connection if schema_editor else connection).vendor == "postgresql"


def partition_table(
    schema_editor: BaseDatabaseSchemaEditor, table: str, column: str, values: list[int]
) -> None:
    """Rebuild ``table`` as a table partitioned by LIST (``column``), with one partition per
    value and a default partition, keeping its rows, identity, indexes and constraints under
    their names (later migrations find them as Django made them). The primary key gains
    ``column``; a unique constraint or index without it is refused by PostgreSQL, so the model
    must include it first. Refuses a table that another table's foreign key references: that key
    must first become a composite one."""
    if not _is_postgresql(schema_editor):
        return
    ident = sql.Identifier
    with schema_editor.connection.cursor() as cursor:
        # A table with deferred checks still queued in this transaction cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        referencing = [row[0] for row in cursor.fetchall()]
        if referencing:
            raise RuntimeError(
                f"{table} is referenced by foreign keys of {', '.join(referencing)}; "
                "make them db_constraint=False and composite before partitioning"
            )
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid), conindid FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY contype, conname",
            [table],
        )
        constraints = cursor.fetchall()
        backing = {row[3] for row in constraints if row[3]}
        cursor.execute(
            "SELECT indexrelid, pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass",
            [table],
        )
        indexes = [definition for oid, definition in cursor.fetchall() if oid not in backing]
        cursor.execute(
            "SELECT a.attname, a.attidentity FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary",
            [table],
        )
        [(pk_column, identity)] = cursor.fetchall()
        [pk_name] = [name for name, kind, _definition, _index in constraints if kind == "p"]

        plain = f"{table}__plain"
        cursor.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(ident(table), ident(plain)))
        if identity:
            cursor.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP IDENTITY").format(ident(plain), ident(pk_column))
            )
        cursor.execute(
            sql.SQL(
                "CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMMENTS) "
                "PARTITION BY LIST ({})"
            ).format(ident(table), ident(plain), ident(column))
        )
        for value in values:
            _create_partition(cursor, table, value)
        cursor.execute(
            sql.SQL("CREATE TABLE {} PARTITION OF {} DEFAULT").format(
                ident(partition_name(table, "default")), ident(table)
            )
        )
        cursor.execute(sql.SQL("INSERT INTO {} SELECT * FROM {}").format(ident(table), ident(plain)))
        cursor.execute(sql.SQL("DROP TABLE {}").format(ident(plain)))
        if identity:
            cursor.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} ADD GENERATED BY DEFAULT AS IDENTITY").format(
                    ident(table), ident(pk_column)
                )
            )
            cursor.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), max({}), true) FROM {} HAVING count(*) > 0"
                ).format(ident(pk_column), ident(table)),
                [table, pk_column],
            )
        cursor.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({}, {})").format(
                ident(table), ident(pk_name), ident(pk_column), ident(column)
            )
        )
        for name, kind, definition, _index in constraints:
            if kind != "p":
                cursor.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(ident(table), ident(name))
                    + sql.SQL(definition)  # type: ignore[arg-type]  # PostgreSQL's own text
                )
        for definition in indexes:
            cursor.execute(definition)
        cursor.execute(sql.SQL("ANALYZE {}").format(ident(table)))
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's INITIALLY DEFERRED keys


def _create_partition(cursor: CursorWrapper, table: str, value: int) -> None:
    cursor.execute(
        sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES IN ({})").format(
            sql.Identifier(partition_name(table, value)), sql.Identifier(table), sql.Literal(value)
        )
    )


def year_partitioned_tables() -> list[str]:
    """The tables that are partitioned by year in this database (none off PostgreSQL)."""
    if not _is_postgresql():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = ANY (%s) AND pg_table_is_visible(c.oid) ORDER BY c.relname",
            [list(YEAR_PARTITIONED)],
        )
        return [row[0] for row in cursor.fetchall()]


def ensure_partitions(year: int) -> list[str]:
    """Give ``year`` its own partition in every year-partitioned table; returns the partitions
    created. Run in the transaction that creates the year's first campaign, before any activity
    of the year exists. A year whose rows already sit in a default partition keeps them there
    (moving them would break the registrations' keys): logged, not refused."""
    created: list[str] = []
    tables = year_partitioned_tables()
    if not tables:
        return created
    with connection.cursor() as cursor:
        # Two campaigns of a new year created at once would both try to create its partitions.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('learnweek.partitions'))")
        for table in tables:
            name = partition_name(table, year)
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
            if cursor.fetchone()[0]:
                continue
            cursor.execute(
                sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE {} = %s)").format(
                    sql.Identifier(partition_name(table, "default")), sql.Identifier(YEAR)
                ),
                [year],
            )
            if cursor.fetchone()[0]:
                logger.warning(
                    "%s has rows of %s in its default partition; no partition created", table, year
                )
                continue
            _create_partition(cursor, table, year)
            created.append(name)
    return created


def partition_years(table: str) -> list[int]:
    """The years that have their own partition of ``table``, oldest first."""
    if not _is_postgresql():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        suffixes = [row[0].removeprefix(f"{table}_") for row in cursor.fetchall()]
    return sorted(int(s) for s in suffixes if s.isdigit())


# -- which year an id is in --------------------------------------------------------------------

# How long a process trusts the id ranges it read of each year's partition before reading them
# again (they only grow, and a hint is never relied on: see ``year_hint``).
ID_RANGES_SECONDS = 60.0
_id_ranges: dict[tuple[str, str], tuple[float, list[tuple[int, int, int]]]] = {}


def _read_id_ranges(table: str) -> list[tuple[int, int, int]]:
    years = partition_years(table)
    if not years:
        return []
    parts = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {}::int, min(id), max(id) FROM {}").format(
            sql.Literal(year), sql.Identifier(partition_name(table, year))
        )
        for year in years
    )
    with connection.cursor() as cursor:
        cursor.execute(parts)
        return [(year, low, high) for year, low, high in cursor.fetchall() if low is not None]


def year_hint(table: str, pk: int) -> int | None:
    """The year whose partition of ``table`` most likely holds the row ``pk``: the one year whose
    partition's ids, as last read (at most ``ID_RANGES_SECONDS`` ago, by each partition's primary
    key index), span ``pk``. None when no single year does (a row newer than the last reading,
    years whose ids interleave, no such id) and everywhere but PostgreSQL. A hint only: a caller
    that finds nothing in the hinted year must look again without it (a row written since, or
    whose year changed), so a stale reading costs a second query, never a wrong answer."""
    if not _is_postgresql():
        return None
    key = (connection.settings_dict["NAME"], table)
    now = time.monotonic()
    cached = _id_ranges.get(key)
    if cached is None or now - cached[0] > ID_RANGES_SECONDS:
        cached = _id_ranges[key] = (now, _read_id_ranges(table))
    years = [year for year, low, high in cached[1] if low <= pk <= high]
    return years[0] if len(years) == 1 else None
