from django.db import migrations, models
from django.db.models.functions import Concat

HELP = "本单位教育行政部门在文件上的署名，如 吉林省教育厅、长春市教育局"


def fill_issuer_name(apps, schema_editor):
    """The signature of every division already loaded, by the rule orgs.models.default_issuer_name
    applies to new ones (copied here: a migration keeps the rule of its day): 教育部办公厅;
    北京市教育委员会 for the four municipalities; 吉林省教育厅; 长春市教育局 and the counties'
    教育局. Institutions stay blank and sign with their own name."""
    Unit = apps.get_model("orgs", "Unit")
    blank = Unit.objects.filter(issuer_name="")
    blank.filter(kind="ministry").update(issuer_name="教育部办公厅")
    blank.filter(kind="province", is_municipality=True).update(
        issuer_name=Concat("name", models.Value("教育委员会"))
    )
    blank.filter(kind="province", is_municipality=False).update(
        issuer_name=Concat("name", models.Value("教育厅"))
    )
    blank.filter(kind__in=["prefecture", "county"]).update(issuer_name=Concat("name", models.Value("教育局")))


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_unit_admin_unit"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalunit",
            name="issuer_name",
            field=models.CharField(blank=True, help_text=HELP, max_length=100, verbose_name="发文机关名称"),
        ),
        migrations.AddField(
            model_name="unit",
            name="issuer_name",
            field=models.CharField(blank=True, help_text=HELP, max_length=100, verbose_name="发文机关名称"),
        ),
        migrations.RunPython(fill_issuer_name, migrations.RunPython.noop),
    ]
