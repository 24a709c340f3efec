import django.db.models.deletion
from django.db import migrations, models

ADMINISTRATIVE_KINDS = ("ministry", "province", "prefecture", "county")


def fill_admin_unit(apps, schema_editor):
    """Administrative units point at themselves; institutions at the division they hang under."""
    Unit = apps.get_model("orgs", "Unit")
    Unit.objects.filter(kind__in=ADMINISTRATIVE_KINDS).update(admin_unit=models.F("pk"))
    ids_by_path = dict(Unit.objects.filter(kind__in=ADMINISTRATIVE_KINDS).values_list("path", "pk"))
    for institution in Unit.objects.exclude(kind__in=ADMINISTRATIVE_KINDS).only("pk", "path"):
        Unit.objects.filter(pk=institution.pk).update(admin_unit=ids_by_path.get(institution.path[:-4]))


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="admin_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.unit",
                verbose_name="所属行政区划",
            ),
        ),
        migrations.RunPython(fill_admin_unit, migrations.RunPython.noop),
    ]
