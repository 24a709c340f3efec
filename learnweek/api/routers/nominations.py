"""Nominations over the API: list, create and update a unit's nominees, hand them in, and post a
level's decision. The same services and scope as the back office."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema, Status

from learnweek.api.schemas import ErrorOut, Id
from learnweek.campaigns.kinds import kind_of
from learnweek.campaigns.selectors import requirement_get_visible
from learnweek.core.errors import NotFound
from learnweek.nominations import selectors, services
from learnweek.nominations.kinds import NOMINATION

router = Router(tags=["nominations"])


class DecisionOut(Schema):
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    action: str
    comment: str
    round: int
    rank: int | None
    at: datetime


class NominationValues(Schema):
    name: str | None = None
    supervisor: str | None = None
    head_name: str | None = None
    head_title: str | None = None
    address: str | None = None
    phone: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    ethnicity: str | None = None
    workplace: str | None = None
    position: str | None = None
    email: str | None = None
    deeds: str | None = None
    story: str | None = None
    video_url: str | None = None
    resources: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


class NominationOut(NominationValues):
    id: int
    requirement: int = Field(..., alias="requirement_id")
    kind: str = Field(..., alias="requirement.kind")
    unit: str = Field(..., alias="unit.code")
    rank: int
    state: str
    at_unit: str | None = None
    round: int
    unit_opinion: str
    has_scan: bool
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_at_unit(obj) -> str | None:
        return obj.at_unit.code if obj.at_unit_id else None

    @staticmethod
    def resolve_has_scan(obj) -> bool:
        return bool(obj.scan)

    @staticmethod
    def resolve_decisions(obj) -> list:
        return selectors.timeline(obj)


class SubmitIn(Schema):
    opinion: str = ""


class DecisionIn(Schema):
    action: str = Field(..., description="recommend（同意推荐）、return（退回修改）或 decline（不予推荐）")
    comment: str = ""


class NominationQuery(Schema):
    requirement: Id | None = None
    state: str = ""


def _reload(request, pk: int):
    return selectors.nomination_get_visible(request.auth, pk)


@router.get(
    "/nominations", response=list[NominationOut], summary="可见的推荐对象（本单位的，以及下级已推荐到本级的）"
)
def nomination_list(request, filters: Query[NominationQuery]):
    queryset = selectors.nominations_visible_to(request.auth).order_by(
        "requirement_id", "unit__path", "rank", "pk"
    )
    if filters.requirement:
        queryset = queryset.filter(requirement_id=filters.requirement)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    return list(queryset[:500])


@router.post(
    "/requirements/{pk}/nominations",
    response={201: NominationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="新增推荐（草稿）",
)
def nomination_new(request, pk: int, payload: NominationValues):
    requirement = requirement_get_visible(request.auth, pk)
    if kind_of(requirement).family != NOMINATION or request.auth.unit is None:
        raise NotFound()
    nomination = services.nomination_create(
        actor=request.auth, requirement=requirement, unit=request.auth.unit, **payload.dict(exclude_none=True)
    )
    return Status(201, _reload(request, nomination.pk))


@router.get("/nominations/{pk}", response={200: NominationOut, 404: ErrorOut}, summary="推荐对象详情")
def nomination_detail(request, pk: int):
    return _reload(request, pk)


@router.patch(
    "/nominations/{pk}",
    response={200: NominationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="修改推荐",
)
def nomination_patch(request, pk: int, payload: NominationValues):
    nomination = _reload(request, pk)
    services.nomination_update(actor=request.auth, nomination=nomination, **payload.dict(exclude_unset=True))
    return _reload(request, pk)


@router.post(
    "/nominations/{pk}/submit",
    response={200: NominationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="上报（附单位意见；检查名额）",
)
def nomination_submit(request, pk: int, payload: SubmitIn):
    services.nomination_submit(actor=request.auth, nomination=_reload(request, pk), opinion=payload.opinion)
    return _reload(request, pk)


@router.post(
    "/nominations/{pk}/decisions",
    response={200: NominationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="本级决定：同意推荐、退回修改或不予推荐",
)
def nomination_decision(request, pk: int, payload: DecisionIn):
    services.nomination_decide(
        actor=request.auth, nomination=_reload(request, pk), action=payload.action, comment=payload.comment
    )
    return _reload(request, pk)
