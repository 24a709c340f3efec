"""What is being held at a moment (start ≤ moment ≤ end), from an index: a GiST index of each
activity's start–end range (PostgreSQL; SQLite compares the two columns). The finder's default,
what has not ended yet, takes what is being held now from it before walking what is to come
(activities.selectors.HeldThenComing)."""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS act_held ON activities_activity USING gist (tstzrange(start, \"end\", '[]'))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS act_held")


class Migration(migrations.Migration):
    dependencies = [("activities", "0011_search_facets")]

    operations = [migrations.RunPython(create_index, drop_index)]
