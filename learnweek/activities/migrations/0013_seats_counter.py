"""The seats counter on the activity (``confirmed_count``, ``waitlisted_count``), filled from the
registrations there are. The columns have a database default of 0, so a process still running the
previous release keeps inserting activities while this runs."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    Registration = apps.get_model("registrations", "Registration")

    def counted(status):
        return Coalesce(
            Subquery(
                Registration.objects.filter(activity=OuterRef("pk"))
                .values("activity")
                .annotate(n=Count("pk", filter=Q(status=status)))
                .values("n")[:1]
            ),
            0,
        )

    # Only the activities someone signed up for: the others hold 0 already.
    Activity.objects.filter(pk__in=Registration.objects.values("activity_id")).update(
        confirmed_count=counted("confirmed"), waitlisted_count=counted("waitlisted")
    )


class Migration(migrations.Migration):
    dependencies = [("activities", "0012_held_index"), ("registrations", "0002_registration_year")]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="confirmed_count",
            field=models.PositiveIntegerField(
                db_default=0, default=0, editable=False, verbose_name="已报名人数"
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="waitlisted_count",
            field=models.PositiveIntegerField(
                db_default=0, default=0, editable=False, verbose_name="候补人数"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
