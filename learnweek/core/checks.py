"""System checks for rules the database imposes that Django's own checks do not know."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.checks import Error, register
from django.db import models

from learnweek.core.partitioning import YEAR_PARTITIONED


@register()
def foreign_keys_to_partitioned_tables(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return foreign_key_problems()


def foreign_key_problems(among: Iterable[type[models.Model]] | None = None) -> list[Error]:
    """A foreign key to a table partitioned by year must not be a database constraint on the id
    alone: PostgreSQL refuses it, since the id is unique only together with the year. Declare it
    ``db_constraint=False``, give the referencing table the year, and add the composite key in a
    migration, as registrations do."""
    errors = []
    for model in apps.get_models(include_auto_created=True) if among is None else among:
        for field in model._meta.local_fields:
            remote = getattr(field, "related_model", None)
            if (
                field.is_relation
                and remote is not None
                and not isinstance(remote, str)
                and remote._meta.db_table in YEAR_PARTITIONED
                and getattr(field, "db_constraint", False)
            ):
                errors.append(
                    Error(
                        f"{model._meta.label}.{field.name} references {remote._meta.db_table}, which is "
                        "partitioned by year: PostgreSQL cannot make a foreign key to its id alone.",
                        hint="Set db_constraint=False, give the table a year column and add the composite "
                        "key (…_id, year) in a migration; see learnweek/core/partitioning.py.",
                        obj=field,
                        id="learnweek.E001",
                    )
                )
    return errors
