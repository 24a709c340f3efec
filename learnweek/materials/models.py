"""What a material carries besides its title and text: photos, typical cases and a document."""

from __future__ import annotations

from django.db import models

from learnweek.campaigns.models import Submission
from learnweek.core.fields import LineField, TextBlockField
from learnweek.core.models import StoredPhoto


class SubmissionPhoto(StoredPhoto):
    FOLDER = "materials"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="photos")

    class Meta(StoredPhoto.Meta):
        constraints = [models.UniqueConstraint(fields=["submission", "sha256"], name="materials_photo_once")]


class SubmissionCase(models.Model):
    """A typical activity case (典型活动案例) that a work summary carries."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="cases")
    title = LineField("案例标题", max_length=100)
    body = TextBlockField("案例内容")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class SubmissionFile(models.Model):
    """A document attached to a material (the work plan as Word or PDF)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="materials/files/%Y/")
    name = LineField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = LineField(max_length=64)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
