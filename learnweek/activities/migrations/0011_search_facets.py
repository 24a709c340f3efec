"""Region and month facets in the search index (activities.search): the stored activities gain
their facet tokens, and "end" its own index (what has not ended yet is the finder's default).

On PostgreSQL the tokens are appended in one statement, with the search index dropped for the
update and built again afterwards (maintaining a GIN index row by row over a million rows costs
far more than one build); the SQL computes exactly what ``activity_index_text`` computes
(tests/activities/test_search_facets.py holds the two together). SQLite rows are rewritten in
Python, in batches."""

from django.conf import settings
from django.db import migrations, models

from learnweek.activities.search import (
    FACET_MONTHS,
    LONG_FACET,
    MONTH_FACET,
    MONTH_FACET_IN_TEXT,
    REGION_FACET,
    STEPLEN,
    month_facets,
    region_facets,
)

BATCH = 5000

# The facet tokens of a row of activities_activity, as SQL (%(tz)s: the project's time zone).
FACETS_SQL = f"""
concat_ws(' ',
  (SELECT string_agg('{REGION_FACET}' || lower(left(a.unit_path, n)), ' ' ORDER BY n)
     FROM generate_series({2 * STEPLEN}, length(a.unit_path), {STEPLEN}) AS n),
  CASE
    WHEN ((extract(year FROM (a."end" AT TIME ZONE %(tz)s)) - extract(year FROM (a.start AT TIME ZONE %(tz)s))) * 12
          + extract(month FROM (a."end" AT TIME ZONE %(tz)s)) - extract(month FROM (a.start AT TIME ZONE %(tz)s)))
         >= {FACET_MONTHS} AND a."end" > a.start
    THEN '{LONG_FACET}'
    ELSE (SELECT string_agg('{MONTH_FACET}' || to_char(m, 'YYYYMM'), ' ' ORDER BY m)
            FROM generate_series(
              date_trunc('month', a.start AT TIME ZONE %(tz)s),
              date_trunc('month', (CASE WHEN a."end" > a.start THEN a."end" ELSE a.start END) AT TIME ZONE %(tz)s),
              interval '1 month') AS m)
  END)
"""  # noqa: S608 - constants of activities.search, no input


def with_facets_sql() -> str:
    """``search_text`` with its facets appended: words first (or one space), facets, a space."""
    return f"CASE WHEN a.search_text = '' THEN ' ' ELSE a.search_text END || ({FACETS_SQL}) || ' '"


def add_facets(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS act_search_gin")
            cursor.execute(
                f"UPDATE activities_activity a SET search_text = {with_facets_sql()} "  # noqa: S608 - fixed SQL
                # Rows that hold no month facet yet (a word such as "lwmedia" is none).
                f"WHERE a.search_text !~ ' {MONTH_FACET}([0-9]{{6}}|long) '",
                {"tz": settings.TIME_ZONE},
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS act_search_gin ON activities_activity "
                "USING gin (to_tsvector('simple'::regconfig, search_text))"
            )
            # The planner's statistics of the rewritten rows (and of the index expression):
            # without them it estimates one match for any word and sorts every match of 读书
            # (9 s) instead of walking the start index (50 ms).
            cursor.execute("ANALYZE activities_activity")
        return
    last = 0
    while True:
        rows = list(
            Activity.objects.filter(pk__gt=last)
            .order_by("pk")
            .values("pk", "search_text", "unit_path", "start", "end")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1]["pk"]
        for row in rows:
            if MONTH_FACET_IN_TEXT.search(row["search_text"]):
                continue
            facets = [*region_facets(row["unit_path"]), *month_facets(row["start"], row["end"])]
            text = (row["search_text"] or " ") + " ".join(facets) + " "
            Activity.objects.filter(pk=row["pk"]).update(search_text=text)


class Migration(migrations.Migration):
    atomic = False  # a large table: the statement commits on its own

    dependencies = [("activities", "0010_online_link_access")]

    operations = [
        migrations.RunPython(add_facets, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["end"], name="act_end"),
        ),
    ]
