"""The Chinese search index: tokens for the activities already stored, and on PostgreSQL a GIN
index over them (SQLite matches tokens with LIKE and needs none)."""

from django.db import migrations

from learnweek.activities.search import activity_index_text

FIELDS = ("name", "forms", "organiser_name", "co_organisers", "address", "content")
BATCH = 5000


def fill_tokens(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    connection = schema_editor.connection
    last = 0
    while True:
        rows = list(
            Activity.objects.filter(pk__gt=last, search_text="").order_by("pk").values("pk", *FIELDS)[:BATCH]
        )
        if not rows:
            return
        last = rows[-1]["pk"]
        pairs = [(row["pk"], activity_index_text(row)) for row in rows]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                values = ", ".join(["(%s, %s)"] * len(pairs))
                cursor.execute(
                    f"UPDATE activities_activity a SET search_text = v.t FROM (VALUES {values}) AS v(id, t) "  # noqa: S608 - placeholders only
                    "WHERE a.id = v.id",
                    [x for pair in pairs for x in pair],
                )
        else:
            for pk, text in pairs:
                Activity.objects.filter(pk=pk).update(search_text=text)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS act_search_gin ON activities_activity "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS act_search_gin")


class Migration(migrations.Migration):
    atomic = False  # a large table is filled in batches, each committed

    dependencies = [("activities", "0003_public_finder")]

    operations = [
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
