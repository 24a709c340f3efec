"""Backup and restore of an installation: every row (Django's serialisation, so the same file
restores on SQLite and on PostgreSQL) and every uploaded file any row points to (read and written
through the storage API, so local folders and object storage alike), in one zip with a manifest
of row counts that the restore checks. For a national PostgreSQL database, pg_dump of the
database plus a copy of the storage is faster; this is the one that works everywhere."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from learnweek.core.errors import DomainError

FORMAT = 1
# Rows that are rebuilt on their own or mean nothing on another machine.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"]


def _models() -> list[type[models.Model]]:
    skipped = {e for e in EXCLUDED if "." not in e}
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label not in skipped
        and f"{m._meta.app_label}.{m._meta.model_name}" not in EXCLUDED
        and m._meta.managed
        and not m._meta.proxy
    ]


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in _models()}


def stored_files() -> list[str]:
    """The names of every stored file a row refers to."""
    names: set[str] = set()
    for model in _models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not fields:
            continue
        for values in model._default_manager.values_list(*fields):
            names.update(v for v in values if v)
    return sorted(names)


def backup(target: Path) -> dict:
    """Write the backup zip to ``target``; returns its manifest."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data.json"
        call_command(
            "dumpdata",
            *[f"--exclude={e}" for e in EXCLUDED],
            "--natural-foreign",
            output=str(data),
            verbosity=0,
        )
        files = stored_files()
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "rows": row_counts(),
            "files": len(files),
        }
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            archive.write(data, "data.json")
            for name in files:
                if default_storage.exists(name):
                    with default_storage.open(name, "rb") as handle:
                        archive.writestr(f"media/{name}", handle.read())
    return manifest


def restore(source: Path) -> dict:
    """Replace every row and the referenced files with those of the backup at ``source``, in one
    transaction; refused, with nothing changed, when the file is not a backup of this format or
    the rows read back do not match its manifest."""
    try:
        archive = zipfile.ZipFile(source)
        manifest = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError) as exc:
        raise DomainError(f"“{source}”不是本系统的备份文件。", code="not_backup") from exc
    if manifest.get("format") != FORMAT:
        raise DomainError(f"备份格式 {manifest.get('format')} 与本版本（{FORMAT}）不符。", code="not_backup")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data.json"
        data.write_bytes(archive.read("data.json"))
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(data), verbosity=0)
            found = row_counts()
            wrong = {k: (v, found.get(k)) for k, v in manifest["rows"].items() if found.get(k) != v}
            if wrong:
                listed = "；".join(
                    f"{k} 应为 {v} 行，读回 {got} 行" for k, (v, got) in sorted(wrong.items())[:5]
                )
                raise DomainError(f"恢复后的数据与备份不符，已撤销：{listed}", code="restore_mismatch")
            _reset_sequences()
    for member in archive.namelist():
        if member.startswith("media/") and not member.endswith("/"):
            name = member.removeprefix("media/")
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile(archive.read(member)))
    return manifest


def _reset_sequences() -> None:
    """PostgreSQL: the id sequences follow the restored rows, so new rows do not collide."""
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), _models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
