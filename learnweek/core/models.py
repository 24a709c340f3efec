"""Abstract models shared by the domain apps."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from learnweek.core.fields import LineField


def photo_original_path(instance: StoredPhoto, filename: str) -> str:
    return f"{instance.FOLDER}/photos/{timezone.now():%Y}/{filename}"


def photo_public_path(instance: StoredPhoto, filename: str) -> str:
    return f"{instance.FOLDER}/public/{timezone.now():%Y}/{filename}"


class StoredPhoto(models.Model):
    """A checked photo (core.uploads.check_photo): the original as uploaded, the public copy
    (upright, no EXIF or GPS) and a thumbnail, with what was measured of it. ``FOLDER`` names
    the subclass's place in storage."""

    FOLDER = "photos"

    original = models.FileField("原图", upload_to=photo_original_path)
    public = models.FileField("展示图", upload_to=photo_public_path)
    thumb = models.FileField("缩略图", upload_to=photo_public_path)
    caption = LineField("说明", max_length=100)
    original_name = LineField(max_length=120)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = LineField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption

    @property
    def extension(self) -> str:
        return self.original.name.rsplit(".", 1)[-1]
