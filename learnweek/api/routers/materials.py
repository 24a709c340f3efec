"""Materials over the API: a unit's work plan, exhibition board, work summary, typical case and
publicity — the text and details, photos, and handing in. Same services and scope as the pages."""

from datetime import datetime
from typing import Any

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from learnweek.api.schemas import ErrorOut, Id
from learnweek.campaigns.kinds import kind_of
from learnweek.campaigns.selectors import requirement_get_visible, submission_get_visible
from learnweek.campaigns.services import submission_submit
from learnweek.core.errors import NotFound
from learnweek.materials import services
from learnweek.materials.rules import MATERIAL
from learnweek.materials.selectors import materials_visible_to

router = Router(tags=["materials"])


class PhotoOut(Schema):
    id: int
    caption: str
    width: int
    height: int
    size: int
    sha256: str


class CaseOut(Schema):
    id: int
    title: str
    body: str


class MaterialOut(Schema):
    id: int
    requirement: int
    kind: str
    unit: str
    state: str
    title: str
    body: str
    details: dict[str, Any]
    photos: list[PhotoOut]
    cases: list[CaseOut]
    documents: list[str]
    submitted_at: datetime | None
    return_reason: str


class MaterialIn(Schema):
    title: str = ""
    body: str = ""
    details: dict[str, Any] = {}


def _out(submission) -> dict:
    return {
        "id": submission.pk,
        "requirement": submission.requirement_id,
        "kind": submission.requirement.kind,
        "unit": submission.unit.code,
        "state": submission.state,
        "title": submission.title,
        "body": submission.body,
        "details": submission.details or {},
        "photos": list(submission.photos.all()),
        "cases": list(submission.cases.all()),
        "documents": [f.name for f in submission.files.all()],
        "submitted_at": submission.submitted_at,
        "return_reason": submission.return_reason,
    }


def _material(request, pk: int):
    submission = submission_get_visible(request.auth, pk)
    if kind_of(submission.requirement).family != MATERIAL:
        raise NotFound()
    return submission


@router.get("/materials", response=list[MaterialOut], summary="可见的报送材料（本单位及下级）")
def material_list(request, requirement: Id | None = None):
    materials = materials_visible_to(request.auth).order_by("requirement_id", "unit__path")
    if requirement:
        materials = materials.filter(requirement_id=requirement)
    return [_out(m) for m in materials[:500]]


@router.get("/materials/{pk}", response={200: MaterialOut, 404: ErrorOut}, summary="报送材料详情")
def material_detail(request, pk: int):
    return _out(_material(request, pk))


@router.put(
    "/requirements/{pk}/material",
    response={200: MaterialOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="保存本单位的材料草稿（标题、正文、其他信息）",
)
def material_save(request, pk: int, payload: MaterialIn):
    requirement = requirement_get_visible(request.auth, pk)
    if kind_of(requirement).family != MATERIAL or request.auth.unit is None:
        raise NotFound()
    submission = services.material_save(
        actor=request.auth, requirement=requirement, unit=request.auth.unit, **payload.dict()
    )
    return _out(_material(request, submission.pk))


@router.post(
    "/materials/{pk}/photos",
    response={201: PhotoOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="上传照片（JPEG 或 PNG，附说明）",
)
def material_photo(request, pk: int, caption: Form[str], photo: File[UploadedFile]):
    record = services.material_photo_add(
        actor=request.auth, submission=_material(request, pk), upload=photo, caption=caption
    )
    return Status(201, record)


@router.post(
    "/materials/{pk}/submit",
    response={200: MaterialOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="提交（按报送事项的规则检查）",
)
def material_submit(request, pk: int):
    submission_submit(actor=request.auth, submission=_material(request, pk))
    return _out(_material(request, pk))
