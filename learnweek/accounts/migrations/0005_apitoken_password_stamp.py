from django.db import migrations, models
from django.utils.crypto import salted_hmac

SALT = "learnweek.accounts.ApiToken.password_stamp"  # noqa: S105 - accounts.models.TOKEN_STAMP_SALT


def stamp_existing(apps, schema_editor):
    """Tokens issued before the stamp existed carry their user's password as it is now, so they
    keep working until they expire (API_TOKEN_TTL_DAYS from their creation)."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.select_related("user").iterator():
        token.password_stamp = salted_hmac(SALT, token.user.password, algorithm="sha256").hexdigest()
        token.save(update_fields=["password_stamp"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_personaldataexport"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(stamp_existing, migrations.RunPython.noop),
    ]
