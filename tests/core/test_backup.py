"""A populated installation round-trips through `learnweek backup` and `learnweek restore` with
nothing lost: every row (counted per model and compared field by field for the ones we made) and
every uploaded file byte for byte. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learnweek.core.backup import row_counts
from learnweek.nominations import services as nominations
from learnweek.nominations.models import Nomination, NominationPhoto
from tests.helpers import photo_file
from tests.nominations.helpers import make_requirement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_backup_and_restore_round_trip(jilin_this_year_published, county_reporter, make_activity, tmp_path):
    from learnweek.campaigns.models import RequirementKind
    from learnweek.orgs.models import UnitKind

    star = make_requirement(
        jilin_this_year_published,
        RequirementKind.LEARNING_STAR,
        applies_to=[UnitKind.COUNTY],
        quota_per_unit=3,
    )
    nominee = nominations.nomination_create(
        actor=county_reporter,
        requirement=star,
        unit=county_reporter.unit,
        name="刘桂芳",
        deeds="学书法二十年。",
    )
    photo = nominations.photo_add(
        actor=county_reporter, nomination=nominee, upload=photo_file(), caption="书法课堂"
    )
    make_activity("全民读书节")
    with photo.original.open("rb") as handle:
        original_bytes = handle.read()
    before = row_counts()
    archive = tmp_path / "backup.zip"
    call_command("backup", output=str(archive))
    assert zipfile.ZipFile(archive).testzip() is None

    # Lose things: a row and a file.
    Nomination.objects.filter(pk=nominee.pk).update(name="被改掉")
    photo.original.storage.delete(photo.original.name)
    NominationPhoto.objects.all().delete()

    call_command("restore", str(archive), yes=True)
    assert row_counts() == before
    restored = Nomination.objects.get(pk=nominee.pk)
    assert (restored.name, restored.deeds, restored.unit_id) == (
        "刘桂芳",
        "学书法二十年。",
        county_reporter.unit_id,
    )
    kept = NominationPhoto.objects.get(pk=photo.pk)
    with kept.original.open("rb") as handle:
        assert handle.read() == original_bytes
    # New rows after a restore take new ids (PostgreSQL sequences follow the restored rows).
    again = nominations.nomination_create(
        actor=county_reporter, requirement=star, unit=county_reporter.unit, name="陈志强"
    )
    assert again.pk > nominee.pk


def test_restore_refuses_what_is_not_a_backup(tmp_path, tree):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    before = row_counts()
    with pytest.raises(CommandError, match="不是本系统的备份文件"):
        call_command("restore", str(junk), yes=True)
    assert row_counts() == before
