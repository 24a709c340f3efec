"""Backup and restore of an installation: every row (Django's serialisation, so the same file
restores on SQLite and on PostgreSQL) and every uploaded file any row points to (read and written
through the storage API, so local folders and object storage alike), in one zip.

The zip holds ``data.json``, the files under ``media/``, ``manifest.json`` (row counts of every
model, the size and SHA-256 of data.json and of every file) and ``manifest.sig``, the
HMAC-SHA256 of the manifest under ``settings.BACKUP_SIGNING_KEY``: since the manifest holds the
digests, the signature seals the whole backup.

A restore is all or nothing. Before it touches anything it checks the whole zip (entry names,
sizes against ``BACKUP_MAX_*``, the signature, a manifest naming every model of this version,
its counts against the rows in data.json) and unpacks data.json and the files into a staging
folder beside MEDIA_ROOT, keeping a copy of every file it will replace. Then, in one transaction,
it replaces the rows and puts the files in place; any failure rolls the rows back and puts the
old files back. For a national PostgreSQL database, pg_dump of the database plus a copy of the
storage is faster; this is the one that works everywhere."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from learnweek.core.errors import DomainError
from learnweek.core.partitioning import ensure_partitions

FORMAT = 2
MANIFEST, SIGNATURE, DATA, MEDIA = "manifest.json", "manifest.sig", "data.json", "media/"
# Rows that are rebuilt on their own or mean nothing on another machine.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"]
MB = 1024 * 1024
MANIFEST_MAX_MB = 256
RATIO_FROM_BYTES = MB  # smaller entries may shrink as much as they like
CHUNK = MB
UNCHANGED = "数据和文件均未改动。"
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError)


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


# -- the signature ---------------------------------------------------------------------------------


def _key() -> bytes:
    key = settings.BACKUP_SIGNING_KEY
    if not key:
        raise DomainError(
            "未设置备份签名密钥 BACKUP_SIGNING_KEY，无法制作或恢复备份。", code="backup_key_missing"
        )
    return str(key).encode()


def sign_manifest(manifest: bytes, key: bytes | None = None) -> str:
    """HMAC-SHA256 of a manifest, under the deployment's key unless another is given."""
    return hmac.new(key or _key(), b"learnweek-backup\n" + manifest, hashlib.sha256).hexdigest()


def key_fingerprint(key: bytes | None = None) -> str:
    """Names a key without giving it away: shown when a backup was signed with another one."""
    return hmac.new(key or _key(), b"learnweek-backup key id", hashlib.sha256).hexdigest()[:12]


# -- what an entry of the zip may be ---------------------------------------------------------------


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB // 10 else f"{size / 1024:.1f} KB"


def _name_problem(name: str) -> str | None:
    """Why ``name`` may not be an entry of a backup, or None."""
    if not name:
        return "名称为空"
    if "\\" in name:
        return "名称含反斜杠"
    if name.startswith("/"):
        return "是绝对路径"
    if any(unicodedata.category(ch)[0] == "C" for ch in name):
        return "名称含控制字符"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "名称含“..”“.”或空的路径段"
    if any(len(part) >= 2 and part[1] == ":" and part[0].isascii() and part[0].isalpha() for part in parts):
        return "名称含盘符"
    if name in (MANIFEST, SIGNATURE, DATA) or name.startswith(MEDIA):
        return None
    return f"不是备份应有的条目（只应有 {MANIFEST}、{SIGNATURE}、{DATA} 和 {MEDIA} 下的文件）"


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    """Why this entry may not be restored (name, kind, size, compression ratio), or None."""
    name = info.filename
    problem = _name_problem(name)
    if problem:
        return f"条目“{name}”{problem}"
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return f"条目“{name}”是符号链接"
    if info.is_dir() or kind not in (0, stat.S_IFREG):
        return f"条目“{name}”不是普通文件"
    if info.flag_bits & 0x1:
        return f"条目“{name}”是加密的"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"条目“{name}”的压缩方式（{info.compress_type}）不受支持"
    limit = settings.BACKUP_MAX_ENTRY_MB
    if info.file_size > limit * MB:
        return (
            f"条目“{name}”解压后有 {_mb(info.file_size)}，"
            f"超过每个条目 {limit} MB 的上限（BACKUP_MAX_ENTRY_MB）"
        )
    ratio = settings.BACKUP_MAX_COMPRESSION_RATIO
    if info.file_size > RATIO_FROM_BYTES and info.file_size > ratio * info.compress_size:
        return (
            f"条目“{name}”压缩后只有 {_mb(info.compress_size)}，解压后却有 {_mb(info.file_size)}，"
            f"超过 {ratio} 倍的压缩比上限（BACKUP_MAX_COMPRESSION_RATIO），疑似压缩炸弹"
        )
    return None


def _total_problem(total: int) -> str | None:
    limit = settings.BACKUP_MAX_TOTAL_MB
    if total > limit * MB:
        return f"全部条目解压后共 {_mb(total)}，超过 {limit} MB 的上限（BACKUP_MAX_TOTAL_MB）"
    return None


def _refused(problem: str, code: str = "backup_refused") -> DomainError:
    return DomainError(f"拒绝恢复：{problem}。{UNCHANGED}", code=code)


def _count_rows(path: Path) -> tuple[dict[str, int], list[str]]:
    """Rows per model label in a data.json, and the model names in it this version does not restore."""
    with open(path, "rb") as handle:
        objects = json.load(handle)
    if not isinstance(objects, list) or not all(
        isinstance(o, dict) and isinstance(o.get("model"), str) for o in objects
    ):
        raise ValueError("不是数据行的列表")
    counted = Counter(o["model"] for o in objects)
    labels = {m._meta.label_lower: m._meta.label for m in _models()}
    rows = dict.fromkeys(sorted(labels.values()), 0)
    for model, count in counted.items():
        if model in labels:
            rows[labels[model]] = count
    return rows, sorted(set(counted) - labels.keys())


# -- backup -----------------------------------------------------------------------------------------


def backup(target: Path) -> dict:
    """Write the signed backup zip to ``target``; returns its manifest. Refused, with no file
    left behind, when the backup could not be restored (a file name or a size the restore
    refuses)."""
    key = _key()
    partial = target.with_name(target.name + ".partial")
    try:
        with tempfile.TemporaryDirectory() as folder:
            data = Path(folder) / DATA
            call_command(
                "dumpdata",
                *[f"--exclude={e}" for e in EXCLUDED],
                "--natural-foreign",
                output=str(data),
                verbosity=0,
            )
            rows, unknown = _count_rows(data)
            if unknown:
                raise DomainError(
                    f"无法备份：数据里有恢复时不认的模型 {'、'.join(unknown)}。", code="backup_refused"
                )
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(data, DATA)
                media: dict[str, dict[str, Any]] = {}
                missing: list[str] = []
                for name in stored_files():
                    problem = _name_problem(MEDIA + name)
                    if problem:
                        raise DomainError(
                            f"无法备份：文件“{name}”{problem}，恢复时会被拒绝。", code="backup_refused"
                        )
                    if not default_storage.exists(name):
                        missing.append(name)
                        continue
                    media[name] = _add_file(archive, name)
                manifest = {
                    "format": FORMAT,
                    "created": timezone.now().isoformat(),
                    "database": connection.vendor,
                    "key": key_fingerprint(key),
                    "rows": rows,
                    "files": len(media),
                    "missing": missing,
                    "data": _describe(data),
                    "media": media,
                }
                raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                archive.writestr(MANIFEST, raw)
                archive.writestr(SIGNATURE, sign_manifest(raw, key) + "\n")
        # What the restore would refuse is refused now, not on the day the backup is needed.
        with zipfile.ZipFile(partial) as archive:
            infos = archive.infolist()
        problems = [_entry_problem(info) for info in infos] + [
            _total_problem(sum(i.file_size for i in infos))
        ]
        for problem in filter(None, problems):
            raise DomainError(
                f"无法备份：{problem}，恢复时会被拒绝；请先调高这一上限。", code="backup_refused"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _describe(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def _add_file(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    with (
        default_storage.open(name, "rb") as source,
        archive.open(MEDIA + name, "w", force_zip64=True) as target,
    ):
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


# -- restore ----------------------------------------------------------------------------------------


def restore(source: Path) -> dict:
    """Replace every row and the referenced files with those of the backup at ``source``.
    Refused, with nothing changed, unless the whole zip passes the checks; then rows and files
    are replaced together, and any failure leaves both as they were."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, *READ_ERRORS) as exc:
        raise DomainError(f"“{source}”不是本系统的备份文件。", code="not_backup") from exc
    with archive:
        entries = _check_entries(archive)
        manifest = _check_manifest(source, archive, entries)
        parent = Path(settings.MEDIA_ROOT).parent
        parent.mkdir(parents=True, exist_ok=True)
        needed, free = sum(i.file_size for i in entries.values()), shutil.disk_usage(parent).free
        if needed > free:
            raise _refused(f"解压备份需要 {_mb(needed)}，暂存目录所在的磁盘（{parent}）只剩 {_mb(free)}")
        staging = Path(tempfile.mkdtemp(prefix=".learnweek-restore-", dir=parent))
        keep_staging = False
        try:
            data = staging / DATA
            _unpack(archive, entries[DATA], manifest["data"], data)
            _check_data(data, manifest["rows"])
            swap = _MediaSwap(default_storage, staging)
            swap.stage(archive, entries, manifest["media"])
            step = "写入数据行"
            try:
                with transaction.atomic():
                    _replace_rows(data, manifest["rows"])
                    step = "放置文件"
                    swap.place()
                    step = "提交数据"
            except BaseException as exc:
                stranded = swap.undo()
                if stranded:
                    keep_staging = True
                    raise DomainError(
                        f"恢复失败（{exc}），数据已撤销，但有 {len(stranded)} 个原有文件未能放回原处："
                        f"{'、'.join(stranded[:5])}。原件在 {staging / 'old'}，对照表见 "
                        f"{swap.write_stranded(stranded)}，请手工放回。",
                        code="restore_failed",
                    ) from exc
                if isinstance(exc, DomainError) or not isinstance(exc, Exception):
                    raise
                raise DomainError(
                    f"{step}时出错，已全部撤销，{UNCHANGED}原因：{exc}", code="restore_failed"
                ) from exc
        finally:
            if not keep_staging:
                shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _check_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Every entry's name, kind and declared size, from the zip's directory alone."""
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        problem = _entry_problem(info)
        if problem:
            raise _refused(problem)
        if info.filename in entries:
            raise _refused(f"条目“{info.filename}”出现了不止一次")
        entries[info.filename] = info
    problem = _total_problem(sum(i.file_size for i in entries.values()))
    if problem:
        raise _refused(problem)
    return entries


def _check_manifest(source: Path, archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> dict:
    """The signature, then a manifest that describes exactly this version's models and this zip."""
    if MANIFEST not in entries or DATA not in entries:
        raise DomainError(f"“{source}”不是本系统的备份文件。", code="not_backup")
    if SIGNATURE not in entries:
        raise _refused(
            f"备份没有签名（{SIGNATURE}），无法确认它出自本部署且未被改动"
            "（本版本之前制作的备份没有签名，请用制作它的版本恢复）",
            code="backup_unsigned",
        )
    if entries[MANIFEST].file_size > MANIFEST_MAX_MB * MB:
        raise _refused(f"清单 {MANIFEST} 有 {_mb(entries[MANIFEST].file_size)}，超过 {MANIFEST_MAX_MB} MB")
    if entries[SIGNATURE].file_size > 1024:
        raise _refused(f"签名 {SIGNATURE} 不是一个签名", code="backup_bad_signature")
    try:
        raw = archive.read(entries[MANIFEST])
        signature = archive.read(entries[SIGNATURE]).strip()
    except READ_ERRORS as exc:
        raise _refused(f"清单或签名已损坏，无法读出（{exc}）") from exc
    if not hmac.compare_digest(signature, sign_manifest(raw).encode()):
        theirs = _fingerprint_in(raw)
        if theirs and theirs != key_fingerprint():
            raise _refused(
                f"备份由另一把密钥签名（备份的密钥指纹 {theirs}，本部署的 {key_fingerprint()}）；"
                "若它确是本系统的备份，请把 BACKUP_SIGNING_KEY 设为制作它时的值",
                code="backup_bad_signature",
            )
        raise _refused("签名与内容不符，备份在签名之后被改动过", code="backup_bad_signature")
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise _refused(f"清单不是有效的 JSON（{exc}）") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise _refused(f"备份格式 {found} 与本版本（{FORMAT}）不符", code="not_backup")

    rows = manifest.get("rows")
    if not isinstance(rows, dict) or not all(_count_ok(v) for v in rows.values()):
        raise _refused("清单的行数（rows）应是每个数据表的非负整数行数")
    expected = {m._meta.label for m in _models()}
    missing, unknown = sorted(expected - rows.keys()), sorted(rows.keys() - expected)
    if missing or unknown:
        said = []
        if missing:
            said.append(f"缺少本版本的 {len(missing)} 个数据表（{_some(missing)}）")
        if unknown:
            said.append(f"列有本版本没有的 {len(unknown)} 个数据表（{_some(unknown)}）")
        raise _refused(f"清单与本版本的数据表不符：{'；'.join(said)}", code="backup_models_mismatch")

    if not _file_ok(manifest.get("data")) or manifest["data"]["size"] != entries[DATA].file_size:
        raise _refused(f"清单里 {DATA} 的大小或摘要与备份中的条目不符")
    media = manifest.get("media")
    if not isinstance(media, dict) or not all(_file_ok(v) for v in media.values()):
        raise _refused("清单的文件表（media）应列出每个文件的大小和摘要")
    in_zip = {name.removeprefix(MEDIA) for name in entries if name.startswith(MEDIA)}
    unlisted, absent = sorted(in_zip - media.keys()), sorted(media.keys() - in_zip)
    if unlisted:
        raise _refused(f"条目“{MEDIA}{unlisted[0]}”不在清单里（共 {len(unlisted)} 个这样的条目）")
    if absent:
        raise _refused(f"清单里的文件“{absent[0]}”不在备份中（共缺 {len(absent)} 个）")
    for name, described in media.items():
        if described["size"] != entries[MEDIA + name].file_size:
            raise _refused(f"条目“{MEDIA}{name}”的大小与清单不符")
    return manifest


def _fingerprint_in(raw: bytes) -> str | None:
    try:
        found = json.loads(raw).get("key")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None


def _count_ok(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _file_ok(value: object) -> bool:
    return (
        isinstance(value, dict)
        and _count_ok(value.get("size"))
        and isinstance(value.get("sha256"), str)
        and len(value["sha256"]) == 64
    )


def _some(names: list[str]) -> str:
    return "、".join(names[:5]) + ("……" if len(names) > 5 else "")


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, described: dict[str, Any], target: Path) -> None:
    """Unpack one entry to ``target``, checking its size and digest against the manifest."""
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(info) as source, open(target, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > info.file_size:
                    break
                digest.update(chunk)
                out.write(chunk)
    except READ_ERRORS as exc:
        raise _refused(f"条目“{info.filename}”已损坏，无法读出（{exc}）") from exc
    except OSError as exc:
        raise _refused(f"条目“{info.filename}”无法解压到暂存目录（{exc}）") from exc
    if size != described["size"] or digest.hexdigest() != described["sha256"]:
        raise _refused(f"条目“{info.filename}”与清单不符（内容被改动或已损坏）")


def _check_data(data: Path, rows: dict[str, int]) -> None:
    """data.json holds exactly the rows the manifest counts, of models this version knows."""
    try:
        found, unknown = _count_rows(data)
    except (ValueError, RecursionError) as exc:
        raise _refused(f"{DATA} 不是有效的数据（{exc}）") from exc
    if unknown:
        raise _refused(f"{DATA} 含本版本没有的数据表的行：{_some(unknown)}", code="backup_models_mismatch")
    wrong = [
        f"{label} 清单写 {rows[label]} 行，数据里有 {found[label]} 行"
        for label in sorted(rows)
        if rows[label] != found[label]
    ]
    if wrong:
        raise _refused(f"清单的行数与 {DATA} 不符：{_some(wrong)}", code="restore_mismatch")


def _campaign_years(data: Path) -> set[int]:
    with data.open(encoding="utf-8") as handle:
        objects = json.load(handle)
    return {int(o["fields"]["year"]) for o in objects if o.get("model") == "campaigns.campaign"}


def _replace_rows(data: Path, rows: dict[str, int]) -> None:
    """Inside the caller's transaction: every row replaced by the backup's, checked once more."""
    call_command("flush", interactive=False, verbosity=0)
    # On PostgreSQL each campaign year's activities and registrations belong in the year's own
    # partition, which a fresh database does not have yet: made before the rows arrive, as
    # creating the year's first campaign would, so none lands in the default partition.
    for year in _campaign_years(data):
        ensure_partitions(year)
    call_command("loaddata", str(data), verbosity=0)
    found = row_counts()
    wrong = {k: (v, found.get(k)) for k, v in rows.items() if found.get(k) != v}
    if wrong:
        listed = "；".join(f"{k} 应为 {v} 行，读回 {got} 行" for k, (v, got) in sorted(wrong.items())[:5])
        raise DomainError(f"恢复后的数据与备份不符，已撤销，{UNCHANGED}{listed}", code="restore_mismatch")
    _reset_sequences()


class _MediaSwap:
    """The backup's files put in place of the ones of the same names, undoably: the new files and
    a copy of every old one wait in the staging folder (under numbers, never under the names the
    zip gives), so a failure puts back exactly what was there. Files no backup names stay."""

    def __init__(self, storage: Storage, staging: Path) -> None:
        self.storage = storage
        self.staging = staging
        self.new: dict[str, Path] = {}
        self.old: dict[str, Path] = {}  # the files that were there, and their copies
        self.removed: list[str] = []
        self.placed: list[str] = []
        self.made_dirs: set[Path] = set()
        (staging / "new").mkdir()
        (staging / "old").mkdir()

    def stage(self, archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], media: dict) -> None:
        """Touches nothing: unpacks the new files, copies the old ones."""
        for number, name in enumerate(sorted(media)):
            new = self.staging / "new" / f"{number:07d}"
            _unpack(archive, entries[MEDIA + name], media[name], new)
            self.new[name] = new
            if not self.storage.exists(name):
                continue
            old = self.staging / "old" / f"{number:07d}"
            try:
                with self.storage.open(name, "rb") as current, open(old, "wb") as copy:
                    shutil.copyfileobj(current, copy, CHUNK)
            except OSError as exc:
                raise _refused(f"现有文件“{name}”无法复制到暂存目录（{exc}）") from exc
            self.old[name] = old
        if isinstance(self.storage, FileSystemStorage):
            for name in self.new:
                folder = Path(self.storage.path(name)).parent
                while not folder.exists() and folder != folder.parent:
                    self.made_dirs.add(folder)
                    folder = folder.parent

    def place(self) -> None:
        for name, new in self.new.items():
            try:
                if name in self.old:
                    self.storage.delete(name)
                    self.removed.append(name)
                self.placed.append(name)  # from here on, whatever is at ``name`` is ours
                with open(new, "rb") as handle:
                    saved = self.storage.save(name, File(handle, name=name))
                if saved != name:
                    self.placed.append(saved)
                    raise OSError(f"存储把它存成了“{saved}”")
            except Exception as exc:
                raise DomainError(
                    f"放置文件“{name}”时出错（{exc}），已全部撤销，{UNCHANGED}", code="restore_failed"
                ) from exc

    def undo(self) -> list[str]:
        """Put back what was there; returns the names that could not be put back."""
        stranded: list[str] = []
        for name in reversed(self.placed):
            try:
                self.storage.delete(name)
            except Exception:  # noqa: BLE001 - keep undoing; the caller reports what is left
                stranded.append(name)
        for name in reversed(self.removed):
            try:
                with open(self.old[name], "rb") as handle:
                    if self.storage.save(name, File(handle, name=name)) != name:
                        stranded.append(name)
            except Exception:  # noqa: BLE001 - as above
                stranded.append(name)
        for folder in sorted(self.made_dirs, key=lambda p: len(p.parts), reverse=True):
            try:
                folder.rmdir()
            except OSError:
                pass
        self.placed.clear()
        self.removed.clear()
        return sorted(set(stranded))

    def write_stranded(self, names: list[str]) -> Path:
        listing = self.staging / "stranded.json"
        table = {name: str(self.old[name]) for name in names if name in self.old}
        listing.write_text(json.dumps(table, ensure_ascii=False, indent=1))
        return listing


def _reset_sequences() -> None:
    """PostgreSQL: the id sequences follow the restored rows, so new rows do not collide."""
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), _models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
