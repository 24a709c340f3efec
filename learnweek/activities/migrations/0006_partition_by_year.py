"""On PostgreSQL, activities and registrations become tables partitioned by year, one partition
per campaign year and a default one (core.partitioning), and the registrations' composite key to
their activity is declared. Elsewhere nothing happens. Not reversible: going back would mean
rebuilding both tables plain, which no release needs."""

from django.db import migrations

from learnweek.core.partitioning import YEAR, partition_table


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Campaign = apps.get_model("campaigns", "Campaign")
    years = sorted(set(Campaign.objects.values_list("year", flat=True)))
    partition_table(schema_editor, "activities_activity", YEAR, years)
    partition_table(schema_editor, "registrations_registration", YEAR, years)
    schema_editor.execute(
        "ALTER TABLE registrations_registration ADD CONSTRAINT registration_activity_year_fk "
        "FOREIGN KEY (activity_id, year) REFERENCES activities_activity (id, year) "
        "DEFERRABLE INITIALLY DEFERRED"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0005_activity_year"),
        ("registrations", "0002_registration_year"),
    ]

    operations = [migrations.RunPython(partition)]
