"""The campaign's year on every activity, the key the table is partitioned by on PostgreSQL
(migration 0006); the import's unique constraint carries it, as a partitioned table requires."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_year(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    Campaign = apps.get_model("campaigns", "Campaign")
    Activity.objects.update(
        year=Subquery(Campaign.objects.filter(pk=OuterRef("campaign_id")).values("year")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0004_search_index"),
        ("campaigns", "0005_historicalsubmission_details_submission_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="年度"),
        ),
        migrations.RunPython(fill_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="activity",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="年度"),
        ),
        migrations.RemoveConstraint(model_name="activity", name="act_import_key_unique"),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.UniqueConstraint(
                condition=models.Q(("import_key", ""), _negated=True),
                fields=("campaign", "import_key", "year"),
                name="act_import_key_unique",
            ),
        ),
    ]
