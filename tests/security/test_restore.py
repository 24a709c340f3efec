"""Issue 21, finding 6: `learnweek restore` is all or nothing. A crafted backup (a `../../x` entry,
an entry that is or claims to be huge, a manifest that names no models or miscounts them, an
unsigned or re-signed zip) is refused before anything is touched; a backup whose rows or files
fail midway leaves the database and MEDIA_ROOT exactly as they were.

Each case starts from a real backup of a small installation, then changes the installation (a
renamed nominee, one more activity and account, every file rewritten, a stray file), so a
restore that went through, even partly, shows. The crafted backups are re-signed with the
deployment's key unless the test is about the signature: the checks hold even for a backup
signed by someone who holds the key."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learnweek.accounts.models import User
from learnweek.activities.models import Activity
from learnweek.core import backup as backup_module
from learnweek.core.backup import row_counts
from learnweek.nominations import services as nominations
from learnweek.nominations.models import Nomination
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import photo_file
from tests.nominations.helpers import make_requirement

MB = 1024 * 1024
WRITES = {"INSERT", "UPDATE", "DELETE", "TRUNCATE", "DROP", "CREATE", "ALTER"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def archive(jilin_this_year_published, county_reporter, make_activity, settings, tmp_path) -> Path:
    """A backup of a nominee with a photo and an activity, and the installation changed since."""
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
    nominations.photo_add(actor=county_reporter, nomination=nominee, upload=photo_file(), caption="书法课堂")
    make_activity("全民读书节")
    path = tmp_path / "backup.zip"
    call_command("backup", output=str(path))

    Nomination.objects.filter(pk=nominee.pk).update(name="刘桂芳（已核实）")
    make_activity("社区书法课")
    StaffFactory(unit=county_reporter.unit, roles=[Role.REPORTER])
    media = Path(settings.MEDIA_ROOT)
    for file in media.rglob("*"):
        if file.is_file():
            file.write_bytes(b"changed since the backup: " + file.name.encode())
    (media / "stray.txt").write_bytes(b"no row refers to me")
    return path


def state(media: Path) -> dict:
    """What a user would see change: rows (a few tables by name, then every model), the
    nominee's name, and every file under MEDIA_ROOT with its digest; folders too."""
    return {
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "activities": Activity.objects.count(),
        "nominees": sorted(Nomination.objects.values_list("name", flat=True)),
        "rows": row_counts(),
        "files": {
            str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(media.rglob("*"))
            if p.is_file()
        },
        "folders": sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_dir()),
    }


def restore_attempt(path: Path) -> str | None:
    """Runs `learnweek restore --yes`; the message it refused with, or None if it went through."""
    try:
        call_command("restore", str(path), yes=True)
    except CommandError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - the old code failed with whatever came up
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture
def refused(request, settings):
    """Asserts that a restore of ``path`` is refused with ``message`` before it writes a row or
    a file: the database and MEDIA_ROOT are exactly as before, no write statement ran, no
    staging folder is left. The time it took to refuse goes to the test's user_properties."""
    media = Path(settings.MEDIA_ROOT)

    def check(path: Path, message: str) -> str:
        before = state(media)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            error = restore_attempt(path)
            elapsed = time.perf_counter() - started
        request.node.user_properties.append(("refused_in_ms", round(elapsed * 1000, 1)))
        assert state(media) == before
        writes = [
            q["sql"][:60] for q in queries.captured_queries if q["sql"].split(None, 1)[0].upper() in WRITES
        ]
        assert writes == [], f"{len(writes)} write statements ran before the refusal, the first: {writes[0]}"
        assert error is not None, "the crafted backup was restored"
        assert re.search(message, error), error
        assert "未改动" in error
        assert not list(media.parent.glob(".learnweek-restore-*"))
        return error

    return check


def craft(
    source: Path,
    target: Path,
    *,
    manifest=None,
    data=None,
    add=(),
    signature="deployment",
) -> Path:
    """A copy of the backup at ``source`` with its manifest and data changed by the callables
    given, the ``add`` entries (names or ZipInfos, with their bytes) placed before its files,
    and the manifest's digests brought up to date. ``signature``: "deployment" re-signs with
    the deployment's key, bytes with that key, "keep" keeps the old one, "drop" leaves none."""
    with zipfile.ZipFile(source) as zipped:
        entries = {info.filename: zipped.read(info) for info in zipped.infolist()}
    content = json.loads(entries["manifest.json"])
    if data is not None:
        objects = json.loads(entries["data.json"])
        data(objects)
        entries["data.json"] = json.dumps(objects, ensure_ascii=False).encode()
    signed = "manifest.sig" in entries  # the format of this version; the old one had no signature
    if signed:
        content["data"] = described(entries["data.json"])
        for entry, payload in add:
            name = entry.filename if isinstance(entry, zipfile.ZipInfo) else entry
            if name.startswith("media/"):
                content["media"][name.removeprefix("media/")] = described(payload)
    if manifest is not None:
        manifest(content)
    raw = json.dumps(content, ensure_ascii=False, indent=1).encode()
    entries["manifest.json"] = raw
    if signed and signature == "deployment":
        entries["manifest.sig"] = backup_module.sign_manifest(raw).encode()
    elif signed and isinstance(signature, bytes):
        entries["manifest.sig"] = backup_module.sign_manifest(raw, key=signature).encode()
    elif signature == "drop":
        entries.pop("manifest.sig", None)
    with warnings.catch_warnings(), zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        warnings.simplefilter("ignore")  # a duplicate name is what one of the tests wants
        for name, payload in entries.items():
            if not name.startswith("media/"):
                out.writestr(name, payload)
        for entry, payload in add:
            out.writestr(entry, payload)
        for name, payload in entries.items():
            if name.startswith("media/"):
                out.writestr(name, payload)
    return target


def described(payload: bytes) -> dict:
    return {"size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def claim_size(path: Path, name: str, size: int) -> None:
    """Make the zip's directory (and the entry's local header) claim ``size`` bytes unpacked."""
    raw = bytearray(path.read_bytes())
    encoded = name.encode()
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(raw[at + 28 : at + 30], "little")
        if raw[at + 46 : at + 46 + length] == encoded:
            raw[at + 24 : at + 28] = size.to_bytes(4, "little")
            local = int.from_bytes(raw[at + 42 : at + 46], "little")
            raw[local + 22 : local + 26] = size.to_bytes(4, "little")
        at = raw.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(raw))


# -- entry names ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("media/../../x", r"条目“media/\.\./\.\./x”名称含“\.\.”"),
        ("../../x", r"条目“\.\./\.\./x”名称含“\.\.”"),
        ("/etc/learnweek", r"条目“/etc/learnweek”是绝对路径"),
        ("media/..\\..\\x", r"名称含反斜杠"),
        ("C:/Windows/x", r"条目“C:/Windows/x”名称含盘符"),
        (symlink("media/nominations/link"), r"条目“media/nominations/link”是符号链接"),
        ("notes.txt", r"条目“notes\.txt”不是备份应有的条目"),
        ("data.json", r"条目“data\.json”出现了不止一次"),
    ],
    ids=["media-dotdot", "dotdot", "absolute", "backslash", "drive", "symlink", "unexpected", "duplicate"],
)
def test_an_entry_with_a_hostile_name_is_refused_before_anything_is_touched(
    archive, tmp_path, refused, entry, message
):
    crafted = craft(archive, tmp_path / "crafted.zip", add=[(entry, b"/etc/passwd")])
    refused(crafted, message)
    assert not (tmp_path.parent / "x").exists()


# -- sizes ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_entry_over_the_size_limit_is_refused(archive, tmp_path, settings, refused):
    with zipfile.ZipFile(archive) as zipped:
        limit = zipped.getinfo("data.json").file_size // MB + 1  # the largest entry passes
    settings.BACKUP_MAX_ENTRY_MB = limit
    big = os.urandom(limit * MB + MB // 2)  # random: it cannot shrink, so the size limit is what stops it
    crafted = craft(archive, tmp_path / "crafted.zip", add=[("media/big.bin", big)])
    refused(crafted, rf"条目“media/big\.bin”解压后有 {limit}\.5 MB，超过每个条目 {limit} MB 的上限")


@pytest.mark.django_db
def test_an_entry_claiming_3_gib_is_refused_from_the_zip_directory_alone(archive, tmp_path, refused):
    crafted = craft(archive, tmp_path / "crafted.zip", add=[("media/huge.bin", b"small really")])
    claim_size(crafted, "media/huge.bin", 3 * 1024 * MB)
    refused(crafted, r"条目“media/huge\.bin”解压后有 3072\.0 MB，超过每个条目 2048 MB 的上限")


@pytest.mark.django_db
def test_a_zip_bomb_entry_is_refused(archive, tmp_path, refused):
    crafted = craft(archive, tmp_path / "crafted.zip", add=[("media/zeros.bin", bytes(8 * MB))])
    refused(
        crafted, r"条目“media/zeros\.bin”压缩后只有 [\d.]+ KB，解压后却有 8\.0 MB，超过 100 倍的压缩比上限"
    )


@pytest.mark.django_db
def test_entries_over_the_total_limit_are_refused(archive, tmp_path, settings, refused):
    with zipfile.ZipFile(archive) as zipped:
        total = sum(info.file_size for info in zipped.infolist())
    settings.BACKUP_MAX_TOTAL_MB = total // MB + 1
    crafted = craft(archive, tmp_path / "crafted.zip", add=[("media/more.bin", os.urandom(MB))])
    refused(crafted, rf"全部条目解压后共 .* MB，超过 {total // MB + 1} MB 的上限")


# -- the manifest --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(rows={}), r"缺少本版本的 \d+ 个数据表（"),
        (lambda m: m["rows"].pop("orgs.Unit"), r"缺少本版本的 1 个数据表（orgs\.Unit）"),
        (lambda m: m["rows"].update({"ghosts.Ghost": 0}), r"列有本版本没有的 1 个数据表（ghosts\.Ghost）"),
    ],
    ids=["no-rows", "a-model-missing", "an-unknown-model"],
)
def test_a_manifest_that_does_not_name_every_model_is_refused(archive, tmp_path, refused, change, message):
    crafted = craft(archive, tmp_path / "crafted.zip", manifest=change)
    refused(crafted, r"清单与本版本的数据表不符：.*" + message)


@pytest.mark.django_db
def test_a_manifest_count_that_does_not_match_the_data_is_refused(archive, tmp_path, refused):
    def one_unit_more(manifest):
        manifest["rows"]["orgs.Unit"] += 1

    crafted = craft(archive, tmp_path / "crafted.zip", manifest=one_unit_more)
    refused(crafted, r"清单的行数与 data\.json 不符：orgs\.Unit 清单写 \d+ 行，数据里有 \d+ 行")


# -- the signature -------------------------------------------------------------------------------


def rename_nominee(objects):
    for obj in objects:
        if obj["model"] == "nominations.nomination":
            obj["fields"]["name"] = "篡改者"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("drop", r"备份没有签名（manifest\.sig）"),
        (b"a key the attacker made up", r"签名与内容不符"),
        ("keep", r"签名与内容不符"),
    ],
    ids=["unsigned", "signed-with-another-key", "old-signature-kept"],
)
def test_a_tampered_or_unsigned_backup_is_refused(archive, tmp_path, refused, signature, message):
    crafted = craft(archive, tmp_path / "crafted.zip", data=rename_nominee, signature=signature)
    refused(crafted, message)


@pytest.mark.django_db
def test_data_changed_under_a_valid_signature_is_refused(archive, tmp_path, refused):
    # The manifest and its signature as they were, data.json changed: its digest gives it away.
    with zipfile.ZipFile(archive) as zipped:
        entries = {info.filename: zipped.read(info) for info in zipped.infolist()}
    objects = json.loads(entries["data.json"])
    rename_nominee(objects)
    entries["data.json"] = json.dumps(objects, ensure_ascii=False).encode()
    crafted = tmp_path / "crafted.zip"
    with zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as out:
        for name, payload in entries.items():
            out.writestr(name, payload)
    refused(crafted, r"data\.json.*不符")


@pytest.mark.django_db
def test_a_backup_signed_by_another_deployment_names_both_keys(archive, tmp_path, settings, refused):
    settings.BACKUP_SIGNING_KEY = "the key of another installation"
    other = tmp_path / "other.zip"
    call_command("backup", output=str(other))
    settings.BACKUP_SIGNING_KEY = "this installation's key"
    refused(other, r"备份由另一把密钥签名（备份的密钥指纹 [0-9a-f]{12}，本部署的 [0-9a-f]{12}）")


# -- failures midway -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_row_that_fails_to_load_leaves_rows_and_files_as_they_were(archive, tmp_path, settings):
    def orphan_nominee(objects):
        for obj in objects:
            if obj["model"] == "nominations.nomination":
                obj["fields"]["unit"] = 987654321  # no such unit: fails after the other rows went in

    crafted = craft(archive, tmp_path / "crafted.zip", data=orphan_nominee)
    media = Path(settings.MEDIA_ROOT)
    before = state(media)
    error = restore_attempt(crafted)
    assert state(media) == before
    assert error is not None and "写入数据行时出错，已全部撤销，数据和文件均未改动" in error
    assert not list(media.parent.glob(".learnweek-restore-*"))


@pytest.mark.django_db(transaction=True)
def test_a_file_that_fails_to_be_placed_puts_everything_back(archive, settings, monkeypatch):
    with zipfile.ZipFile(archive) as zipped:
        names = sorted(n.removeprefix("media/") for n in zipped.namelist() if n.startswith("media/"))
    assert len(names) >= 2
    failing, failed = names[1], []  # the first file is already in place when the second fails
    save = FileSystemStorage._save

    def disk_full_once(self, name, content):
        if name == failing and not failed:
            failed.append(name)
            raise OSError(errno.ENOSPC, "No space left on device")
        return save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full_once)
    media = Path(settings.MEDIA_ROOT)
    before = state(media)
    error = restore_attempt(archive)
    assert failed == [failing]
    assert state(media) == before
    assert error is not None and f"放置文件“{failing}”时出错" in error and "已全部撤销" in error
    assert not list(media.parent.glob(".learnweek-restore-*"))

    # And with room on the disk, the same backup restores.
    assert restore_attempt(archive) is None
    assert Nomination.objects.get().name == "刘桂芳"
    assert "stray.txt" in state(media)["files"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="year partitions exist on PostgreSQL only")
def test_a_restore_into_a_database_without_the_years_partitions_makes_them(archive):
    """A fresh database has no partition for the backup's years: the restore makes them before
    the rows arrive, so no activity lands in the default partition."""
    from learnweek.core.partitioning import partition_name, year_partitioned_tables

    years = sorted(set(Activity.objects.values_list("year", flat=True)))
    with connection.cursor() as cursor:
        for table in reversed(year_partitioned_tables()):  # registrations before activities
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - names of our own tables
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deletes' deferred checks, before DDL
        for table in reversed(year_partitioned_tables()):
            for year in years:
                cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {partition_name(table, year)}")
                cursor.execute(f"DROP TABLE {partition_name(table, year)}")
    assert restore_attempt(archive) is None
    table = Activity._meta.db_table
    with connection.cursor() as cursor:
        for year in years:
            cursor.execute(f"SELECT count(*) FROM {partition_name(table, year)}")  # noqa: S608
            assert cursor.fetchone()[0] == Activity.objects.filter(year=year).count() > 0
        cursor.execute(f"SELECT count(*) FROM {partition_name(table, 'default')}")  # noqa: S608
        assert cursor.fetchone()[0] == 0
