"""Writes to materials: the text and details (through the submission workflow of campaigns),
photos, typical cases and the attached document. One transaction per user action; a refusal
stores nothing."""

from __future__ import annotations

import uuid
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction

from learnweek.campaigns.access import require
from learnweek.campaigns.models import Requirement, RequirementKind, Submission
from learnweek.campaigns.services import submission_save
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.uploads import check_document, photo_delete, photo_store, write_files
from learnweek.materials.models import SubmissionCase, SubmissionFile, SubmissionPhoto
from learnweek.materials.rules import DETAILS, detail_problems, is_material, min_long_side, takes_photos
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role

if TYPE_CHECKING:
    from learnweek.accounts.models import User

MAX_CASES = 10


def _clean_details(requirement: Requirement, details: dict[str, Any] | None) -> dict[str, Any]:
    details = details or {}
    cleaned: dict[str, Any] = {
        d.name: str(details.get(d.name) or "").strip() for d in DETAILS.get(requirement.kind, ())
    }
    if requirement.kind == RequirementKind.PUBLICITY:
        cleaned["items"] = [
            {key: str(item.get(key) or "").strip() for key in ("type", "title", "url", "date", "medium")}
            if isinstance(item, dict)
            else item
            for item in (details.get("items") or [])
        ]
    problems = detail_problems(requirement, cleaned)
    if problems:
        raise DomainError("；".join(problems) + "。", code="details_invalid")
    return cleaned


@transaction.atomic
def material_save(
    *,
    actor: User | None,
    requirement: Requirement,
    unit: Unit,
    title: str = "",
    body: str = "",
    details: dict[str, Any] | None = None,
) -> Submission:
    """The unit's draft of a material: title, text and the details its kind carries."""
    if not is_material(requirement):
        raise DomainError(f"“{requirement.title}”不是材料类报送事项。", code="not_material")
    return submission_save(
        actor=actor,
        requirement=requirement,
        unit=unit,
        title=title,
        body=body,
        details=_clean_details(requirement, details),
    )


def _editable(actor: User | None, submission: Submission, what: str) -> Submission:
    require(actor, submission.requirement.campaign, submission.unit, Role.REPORTER, what)
    try:
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("requirement__campaign", "unit")
            .get(pk=submission.pk)
        )
    except Submission.DoesNotExist as exc:
        raise NotFound() from exc
    if not submission.can_edit():
        raise DomainError(
            f"该材料{submission.get_state_display()}，不能修改；如需修改，请上级审核员退回或重新打开。",
            code="locked",
        )
    return submission


@transaction.atomic
def material_photo_add(
    *, actor: User | None, submission: Submission, upload: IO[bytes], caption: str
) -> SubmissionPhoto:
    submission = _editable(actor, submission, "上传照片")
    requirement = submission.requirement
    if not takes_photos(requirement):
        raise DomainError(f"“{requirement.title}”不附照片。", code="no_photos")
    return photo_store(
        SubmissionPhoto,
        submission.photos.all(),
        upload,
        caption=caption,
        min_long_side=min_long_side(requirement),
        max_count=requirement.photo_max,
        submission=submission,
    )


@transaction.atomic
def material_photo_remove(*, actor: User | None, photo: SubmissionPhoto) -> None:
    _editable(actor, photo.submission, "删除照片")
    photo_delete(photo)


@transaction.atomic
def material_case_save(
    *, actor: User | None, submission: Submission, title: str, body: str, case: SubmissionCase | None = None
) -> SubmissionCase:
    """Add or change a typical activity case of a work summary."""
    submission = _editable(actor, submission, "填写典型案例")
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise DomainError("典型案例须有标题和内容。", code="case_invalid")
    if len(title) > 100:
        raise DomainError(f"案例标题最多 100 字（现有 {len(title)} 字）。", code="case_invalid")
    if case is None:
        count = submission.cases.count()
        if count >= MAX_CASES:
            raise DomainError(f"典型案例最多 {MAX_CASES} 个。", code="case_invalid")
        return SubmissionCase.objects.create(submission=submission, title=title, body=body, position=count)
    if case.submission_id != submission.pk:
        raise NotFound()
    case.title, case.body = title, body
    case.save(update_fields=["title", "body"])
    return case


@transaction.atomic
def material_case_remove(*, actor: User | None, case: SubmissionCase) -> None:
    _editable(actor, case.submission, "删除典型案例")
    case.delete()


@transaction.atomic
def material_file_attach(*, actor: User | None, submission: Submission, upload: IO[bytes]) -> SubmissionFile:
    submission = _editable(actor, submission, "上传文档")
    document = check_document(upload)
    record = SubmissionFile(
        submission=submission, name=document.name, size=len(document.content), sha256=document.sha256
    )
    write_files((record.file, f"{uuid.uuid4().hex}.{document.extension}", document.content))
    record.save()
    return record


@transaction.atomic
def material_file_remove(*, actor: User | None, record: SubmissionFile) -> None:
    _editable(actor, record.submission, "删除文档")
    storage, name = record.file.storage, record.file.name
    record.delete()
    transaction.on_commit(lambda: storage.delete(name))
