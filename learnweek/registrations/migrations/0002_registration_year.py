"""The activity's year on every registration, the key the table is partitioned by on PostgreSQL
(activities migration 0006). The foreign key to the activity leaves the database here and comes
back there as the composite (activity_id, year); the unique constraints carry the year."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_year(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    Activity = apps.get_model("activities", "Activity")
    Registration.objects.update(
        year=Subquery(Activity.objects.filter(pk=OuterRef("activity_id")).values("year")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0005_activity_year"),
        ("registrations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="年度"),
        ),
        migrations.RunPython(fill_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="年度"),
        ),
        migrations.AlterField(
            model_name="registration",
            name="activity",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=models.deletion.PROTECT,
                related_name="registrations",
                to="activities.activity",
                verbose_name="活动",
            ),
        ),
        migrations.RemoveConstraint(model_name="registration", name="registration_one_per_person"),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["confirmed", "waitlisted"])),
                fields=("activity", "phone", "year"),
                name="registration_one_per_person",
            ),
        ),
        migrations.AlterField(
            model_name="registration",
            name="code",
            field=models.CharField(max_length=16, verbose_name="签到码"),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(fields=("code", "year"), name="registration_code_unique"),
        ),
    ]
