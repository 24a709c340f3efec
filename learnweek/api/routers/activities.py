from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from learnweek.activities.selectors import (
    ActivityFilters,
    activities_filtered,
    activities_visible_to,
    activity_get_visible,
)
from learnweek.activities.services import activity_create, activity_update
from learnweek.api.schemas import Count, ErrorOut, Pages
from learnweek.campaigns.selectors import campaign_get_visible
from learnweek.orgs.selectors import unit_get_visible

router = Router(tags=["activities"])


class ActivityOut(Schema):
    id: int
    campaign: str = Field(..., alias="campaign.slug")
    organiser: str = Field(..., alias="organiser.code")
    organiser_name: str
    co_organisers: str
    name: str
    category: str
    forms: str
    is_week: bool
    is_demonstration: bool
    start: datetime
    end: datetime
    mode: str
    address: str
    online_link: str
    online_link_access: str = Field(..., description="everyone（所有人可见）或 registered（仅已报名者可见）")
    audiences: list[str]
    headcount: int | None
    capacity: int | None
    registration_phone: str
    content: str
    person_times: int | None
    is_internal: bool


class ActivityPatch(Schema):
    name: str | None = None
    category: str | None = None
    forms: str | None = None
    co_organisers: str | None = None
    is_week: bool | None = None
    is_demonstration: bool | None = None
    start: datetime | None = None
    end: datetime | None = None
    mode: str | None = None
    address: str | None = None
    online_link: str | None = None
    online_link_access: str | None = Field(
        default=None, description="everyone（所有人可见，默认）或 registered（仅获得名额的报名者可见）"
    )
    audiences: list[str] | None = None
    headcount: Count | None = None
    capacity: Count | None = None
    registration_phone: str | None = None
    content: str | None = None
    person_times: Count | None = None
    is_internal: bool | None = None


class ActivityIn(ActivityPatch):
    campaign: str
    organiser: str
    name: str
    category: str
    start: datetime
    end: datetime


class ActivityQuery(Schema):
    campaign: str | None = None
    under: str | None = None
    category: str = ""
    audience: str = ""
    date_from: date | None = None
    date_to: date | None = None
    week: bool | None = None
    demonstration: bool | None = None
    state: str = ""
    q: str = ""


@router.get("/activities", response=list[ActivityOut], summary="活动列表（本单位及下级，可筛选、分页）")
@paginate(Pages, page_size=50)
def activity_list(request, filters: Query[ActivityQuery]):
    user = request.auth
    values = filters.dict()
    values["campaign"] = campaign_get_visible(user, values["campaign"]) if values["campaign"] else None
    values["under"] = unit_get_visible(user, values["under"]) if values["under"] else None
    return activities_filtered(
        activities_visible_to(user).select_related("campaign", "organiser"), ActivityFilters(**values)
    )


@router.post("/activities", response={201: ActivityOut, 400: ErrorOut, 404: ErrorOut}, summary="登记活动")
def activity_new(request, payload: ActivityIn):
    user = request.auth
    values = payload.dict(exclude_none=True)
    campaign = campaign_get_visible(user, values.pop("campaign"))
    organiser = unit_get_visible(user, values.pop("organiser"))
    return Status(201, activity_create(actor=user, campaign=campaign, organiser=organiser, **values))


@router.get("/activities/{pk}", response={200: ActivityOut, 404: ErrorOut}, summary="活动详情")
def activity_detail(request, pk: int):
    return activity_get_visible(request.auth, pk)


@router.patch(
    "/activities/{pk}", response={200: ActivityOut, 400: ErrorOut, 404: ErrorOut}, summary="修改活动"
)
def activity_patch(request, pk: int, payload: ActivityPatch):
    activity = activity_get_visible(request.auth, pk)
    activity_update(actor=request.auth, activity=activity, **payload.dict(exclude_unset=True))
    return get_object_or_404(
        activities_visible_to(request.auth).select_related("campaign", "organiser"), pk=pk
    )
