"""Uploaded files, checked by what they contain and never by their names: photos (Pillow) and
stamped scans (pypdf). Every refusal is a ``DomainError`` that names the file, the rule and what
was found, raised before anything is stored."""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.text import get_valid_filename
from PIL import Image, ImageOps, UnidentifiedImageError

from learnweek.core.errors import DomainError
from learnweek.core.models import StoredPhoto

PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
# Above this many pixels a photo is refused from its header, before it is decoded (a decompression
# bomb: a small file that would take gigabytes of memory). A JPEG is decoded at a reduced scale
# (libjpeg's DCT scaling, Pillow's draft mode) — the whole file is still read, so a truncated or
# corrupt one fails — and its memory goes by the public copy's size, so 60 megapixels (more than
# the 48 and 50 MP of phone sensors) costs little. A PNG has no reduced decoding: each pixel takes
# 3 or 4 bytes. No camera writes PNG; screenshots and exported posters are far below 25 MP (a 4K
# screenshot has 8), and 25 MP bounds the one decoding to about 100 MB.
MAX_PIXELS = {"JPEG": 60_000_000, "PNG": 25_000_000}
PUBLIC_LONG_SIDE = 1920
THUMB_LONG_SIDE = 480


def _limit_mb(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def safe_name(name: str, *, fallback: str = "file") -> str:
    """A file name fit to show and to put in a zip: no folders (``../``), no control characters,
    Chinese kept, at most 100 characters."""
    base = os.path.basename(str(name).replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    try:
        cleaned = get_valid_filename(base)
    except Exception:  # noqa: BLE001 - Django refuses names like "." or ".."
        cleaned = ""
    cleaned = cleaned.lstrip(".")
    if not cleaned:
        return fallback
    stem, dot, ext = cleaned.rpartition(".")
    if dot and len(ext) <= 8:
        return stem[: 100 - len(ext) - 1] + "." + ext
    return cleaned[:100]


def _read(upload: IO[bytes], label: str, limit_mb: int) -> bytes:
    size = getattr(upload, "size", None)
    limit = limit_mb * 1024 * 1024
    if size is not None and size > limit:
        raise DomainError(
            f"{label}有 {size / 1024 / 1024:.1f} MB，超过 {limit_mb} MB 的上限。", code="too_large"
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise DomainError(f"{label}超过 {limit_mb} MB 的上限。", code="too_large")
    if not content:
        raise DomainError(f"{label}是空文件。", code="empty_file")
    return content


@dataclass(frozen=True)
class CheckedPhoto:
    content: bytes
    name: str  # the uploader's name, made safe
    format: str  # JPEG or PNG
    width: int
    height: int
    size: int
    sha256: str
    public: bytes  # the copy shown to the public (``public_copies``)
    thumb: bytes

    @property
    def extension(self) -> str:
        return PHOTO_FORMATS[self.format]

    @property
    def long_side(self) -> int:
        return max(self.width, self.height)


def check_photo(upload: IO[bytes], *, min_long_side: int | None = None) -> CheckedPhoto:
    """A JPEG or PNG photo, whole, not a decompression bomb, within the size limit, and at least
    ``min_long_side`` pixels on its long side (after EXIF rotation, as people see it). The photo
    is decoded once, for its public copy and thumbnail: a truncated or corrupt file fails there."""
    name = safe_name(getattr(upload, "name", "") or "", fallback="photo")
    label = f"照片“{name}”"
    content = _read(upload, label, _limit_mb("LEARNWEEK_PHOTO_MAX_MB", 20))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                kind = image.format or ""
                if kind not in PHOTO_FORMATS:
                    raise DomainError(
                        f"{label}是 {kind or '未知'} 格式，请上传 JPEG 或 PNG 照片。", code="photo_format"
                    )
                limit = MAX_PIXELS[kind]
                if width * height > limit:
                    hint = "请缩小后上传，或存为 JPEG。" if kind == "PNG" else "请缩小后上传。"
                    raise DomainError(
                        f"{label}有 {width}×{height} 像素，超过 {kind} 照片 {limit // 1_000_000} 百万像素的上限，"
                        + hint,
                        code="too_many_pixels",
                    )
                if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):
                    width, height = height, width
                if min_long_side is not None and max(width, height) < min_long_side:
                    raise DomainError(
                        f"{label}长边只有 {max(width, height)} 像素，要求至少 {min_long_side} 像素。",
                        code="photo_resolution",
                    )
                public, thumb = public_copies(image)
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(
            f"{label}不是可以打开的图片（按文件内容判断，与扩展名无关）。", code="not_image"
        ) from exc
    except Image.DecompressionBombWarning as exc:
        raise DomainError(f"{label}的像素数过大，疑似压缩炸弹，已拒绝。", code="too_many_pixels") from exc
    return CheckedPhoto(
        content=content,
        name=name,
        format=kind,
        width=width,
        height=height,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        public=public,
        thumb=thumb,
    )


def public_copies(image: Image.Image) -> tuple[bytes, bytes]:
    """The copy shown to the public (long side ``PUBLIC_LONG_SIDE``) and the thumbnail
    (``THUMB_LONG_SIDE``) of an opened, not yet decoded photo: turned upright by its EXIF
    orientation, saved as JPEG without EXIF, GPS or any other metadata. One decoding — a JPEG's
    at the smallest scale still twice the public copy's size — and the turn comes after the
    scaling, on the small copy."""
    fit = min(PUBLIC_LONG_SIDE / max(image.size), 1)
    image.draft(None, (max(1, int(image.width * fit * 2)), max(1, int(image.height * fit * 2))))
    image.load()  # decodes the whole file
    image.thumbnail((PUBLIC_LONG_SIDE, PUBLIC_LONG_SIDE))
    public = ImageOps.exif_transpose(image)
    if public.mode not in ("RGB", "L"):
        background = Image.new("RGB", public.size, "white")
        rgba = public.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        public = background
    thumb = public.copy()
    thumb.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE))
    return _jpeg(public), _jpeg(thumb)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    name: str
    pages: int
    sha256: str


def check_pdf(upload: IO[bytes], *, label: str = "扫描件") -> CheckedPdf:
    """A PDF that parses and has at least one page, whatever the file is called."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    name = safe_name(getattr(upload, "name", "") or "", fallback="scan.pdf")
    label = f"{label}“{name}”"
    content = _read(upload, label, _limit_mb("LEARNWEEK_SCAN_MAX_MB", 20))
    if not content.lstrip()[:5] == b"%PDF-":
        raise DomainError(f"{label}不是 PDF 文件（按文件内容判断，与扩展名无关）。", code="not_pdf")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pages = len(PdfReader(io.BytesIO(content)).pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DomainError(f"{label}已损坏，无法作为 PDF 打开。", code="not_pdf") from exc
    if pages < 1:
        raise DomainError(f"{label}没有页面。", code="not_pdf")
    return CheckedPdf(content=content, name=name, pages=pages, sha256=hashlib.sha256(content).hexdigest())


@dataclass(frozen=True)
class CheckedDocument:
    content: bytes
    name: str
    extension: str  # pdf or docx
    sha256: str


def check_document(upload: IO[bytes]) -> CheckedDocument:
    """A PDF (``check_pdf``), or a Word document (.docx: a zip holding word/document.xml), by
    content whatever the name."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        pdf = check_pdf(upload, label="文档")
        return CheckedDocument(pdf.content, pdf.name, "pdf", pdf.sha256)
    name = safe_name(getattr(upload, "name", "") or "", fallback="document")
    content = _read(upload, f"文档“{name}”", _limit_mb("LEARNWEEK_DOCUMENT_MAX_MB", 20))
    try:
        # A zip whose first bytes are its first entry: zipfile also accepts one behind other data
        # (an HTML page or a program followed by a docx), which is not a Word document.
        if not content.startswith(b"PK\x03\x04"):
            raise zipfile.BadZipFile
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise zipfile.BadZipFile
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DomainError(
            f"文档“{name}”既不是 PDF 也不是 Word（.docx）文件（按文件内容判断，与扩展名无关）。",
            code="not_document",
        ) from exc
    return CheckedDocument(content, name, "docx", hashlib.sha256(content).hexdigest())


P = TypeVar("P", bound=StoredPhoto)


logger = logging.getLogger(__name__)


def write_files(*files: tuple[FieldFile, str, bytes]) -> None:
    """Write each (field, name, content) through the field's storage. If one write fails — a full
    disk, a storage that is offline — the files already written are removed and the upload is
    refused with a message that says so, so that nothing is kept half; the caller's transaction
    then writes no record either."""
    written: list[tuple[FieldFile, str]] = []
    try:
        for field, name, content in files:
            field.save(name, ContentFile(content), save=False)
            written.append((field, field.name or name))
    except OSError as exc:
        for field, stored in written:
            field.storage.delete(stored)
        logger.error("storage write failed (%s): %s", exc.errno, exc)
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        reason = "服务器存储空间已满" if full else "服务器存储暂时无法写入"
        raise DomainError(
            f"{reason}，文件没有保存，其他内容不受影响；请稍后重试，或告知系统管理员。",
            code="storage_full" if full else "storage_failed",
        ) from exc


def photo_store(
    model: type[P],
    existing: QuerySet[P],
    upload: IO[bytes],
    *,
    caption: str,
    min_long_side: int | None = None,
    max_count: int | None = None,
    **owner: object,
) -> P:
    """Check and keep one photo of an owner (``owner``: the model's foreign key to it) whose
    photos so far are ``existing``: a caption that names the scene, the owner's limit, the photo
    itself (``check_photo``), and no second copy of the same file. Writes the original, the
    public copy and the thumbnail through Django's storage API."""
    caption = caption.strip()
    if not caption:
        raise DomainError("请为照片写一句说明（照片名称体现活动场景或内容）。", code="caption_required")
    if len(caption) > 100:
        raise DomainError(f"照片说明最多 100 字（现有 {len(caption)} 字）。", code="caption_too_long")
    count = existing.count()
    if max_count is not None and count >= max_count:
        raise DomainError(f"照片最多 {max_count} 张，已有 {count} 张。", code="too_many_photos")
    photo = check_photo(upload, min_long_side=min_long_side)
    same = existing.filter(sha256=photo.sha256).first()
    if same is not None:
        raise DomainError(f"照片“{photo.name}”与已上传的“{same.caption}”是同一张。", code="duplicate_photo")
    stem = uuid.uuid4().hex
    record = model(
        caption=caption,
        original_name=photo.name,
        width=photo.width,
        height=photo.height,
        size=photo.size,
        sha256=photo.sha256,
        position=count,
        **owner,
    )
    write_files(
        (record.original, f"{stem}.{photo.extension}", photo.content),
        (record.public, f"{stem}.jpg", photo.public),
        (record.thumb, f"{stem}-thumb.jpg", photo.thumb),
    )
    record.save()
    return record


def photo_delete(photo: StoredPhoto) -> None:
    """Delete the record now and its files once the transaction commits."""
    files = [
        (field.storage, field.name) for field in (photo.original, photo.public, photo.thumb) if field.name
    ]
    photo.delete()

    def delete_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
