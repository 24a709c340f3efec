"""A material handed in, as the Word file a reviewer who works offline reads (the writing lives
in ``materials.documents.material_docx``), named by its title as in the unit's package."""

from __future__ import annotations

from learnweek.campaigns.models import Submission
from learnweek.core.documents import Document
from learnweek.core.uploads import safe_name
from learnweek.materials.documents import material_docx


class MaterialDocument(Document):
    formats = ("docx",)

    def __init__(self, submission: Submission) -> None:
        self.submission = submission
        self.filename = safe_name(submission.title or submission.requirement.title, fallback="材料")

    def content(self, fmt: str) -> bytes:
        return material_docx(self.submission)
