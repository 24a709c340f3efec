"""The open side of the API: the activity finder (no token), residents' sign-ups (a resident's
token) and check-in (a staff token)."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.renderers import JSONRenderer

from learnweek.activities.selectors import FINDER_COUNT_CAP, ActivityFilters, finder_page
from learnweek.api.auth import ResidentToken
from learnweek.api.schemas import ErrorOut
from learnweek.core.public_cache import FORMAT, Stored, answer_from, public_activities, stored_answer
from learnweek.core.ratelimits import limit
from learnweek.orgs.places import place_in_query
from learnweek.orgs.selectors import region_get
from learnweek.registrations.selectors import registration_get_for_resident
from learnweek.registrations.services import checkin, registration_cancel, registration_create

router = Router(tags=["public"])


class PublicActivityOut(Schema):
    """A public activity (``activities_public``: its mobile numbers already masked)."""

    id: int
    campaign: str = Field(..., alias="campaign.slug")
    name: str
    category: str
    forms: str
    is_week: bool
    start: datetime
    end: datetime
    mode: str
    address: str
    online_link: str
    audiences: list[str]
    organiser_name: str
    co_organisers: str
    capacity: int | None
    registration_phone: str
    content: str
    cancelled: bool

    @staticmethod
    def resolve_cancelled(obj) -> bool:
        return obj.is_cancelled


class FinderQuery(Schema):
    q: str = Field(
        "",
        max_length=50,
        description="中文关键词，按词匹配活动名称、形式、主办单位、地点和内容；其中的省、地市、区县名称（长春市朝阳区、长春 读书）按地区筛选",
    )
    region: str | None = Field(None, description="省、地市或区县的行政区划代码，含其下级")
    category: str = ""
    audience: str = ""
    mode: str = Field("", pattern="^(|offline|online)$")
    date_from: date | None = None
    date_to: date | None = None
    include_ended: bool = False


class FinderPageOut(Schema):
    items: list[PublicActivityOut]
    count: int = Field(..., description=f"找到的活动数，最多计到 {FINDER_COUNT_CAP}")
    more: bool = Field(
        ..., description=f"是否超过 {FINDER_COUNT_CAP} 项（超过时 count 为 {FINDER_COUNT_CAP}）"
    )


class PageIn(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


# What an API row shows (PublicActivityOut), and nothing more is loaded.
API_FIELDS = (
    *(name for name in PublicActivityOut.model_fields if name not in ("campaign", "cancelled")),
    "campaign__slug",
    "cancelled_at",
    "online_link_access",  # without it the link is not known to be public, and is not shown
)


@router.get(
    "/public/activities",
    auth=None,
    response=FinderPageOut,
    summary="找活动（公开，无需令牌）：关键词、地区、类别、人群、方式、日期",
)
def finder(request, filters: Query[FinderQuery], paging: Query[PageIn]):
    """The finder's own page and count, from the same cache (``finder_page``): the count stops
    at ``FINDER_COUNT_CAP`` and the page is found as the finder finds it, so no query of the
    open API runs unbounded. The answer is the same for every caller: it is kept whole, as JSON
    (and gzipped), under the public generation, and a worker serves it again from its memory."""
    if filters.q:
        limit(request, "search")
    values = filters.dict()
    parts = (FORMAT, API_FORMAT, tuple(values.items()), paging.page, paging.page_size)
    return answer_from(
        request,
        public_activities.kept("api-finder", parts, lambda: _finder_answer(request, values, paging)),
    )


API_FORMAT = 1  # raised when the kept answer of the finder changes shape
_RENDERER = JSONRenderer()


def _finder_answer(request, values: dict, paging: PageIn) -> Stored:
    code = values.pop("region")
    region = region_get(code) if code else None
    # A place named in q filters by that region, within ``region`` (as the finder does).
    place = place_in_query(values["q"], within=region)
    if place.region is not None:
        region, values["q"] = region_get(place.region.code), place.text
    page = finder_page(
        ActivityFilters(under=region, **values),
        paging.page,
        fields=API_FIELDS,
        per_page=paging.page_size,
        related=("campaign",),
    )
    beyond = page.number != paging.page  # past the last page: nothing, as before
    found = FinderPageOut.model_validate(
        {
            "items": [] if beyond else page.object_list,
            "count": page.paginator.count,
            "more": page.capped,  # type: ignore[attr-defined]
        },
        context={"request": request, "response_status": 200},  # as django-ninja validates
    )
    # Rendered as django-ninja renders an answer (the API's renderer is its default one).
    body = _RENDERER.render(request, found.model_dump(), response_status=200).encode()
    return stored_answer(200, f"{_RENDERER.media_type}; charset={_RENDERER.charset}", body)


class RegistrationIn(Schema):
    name: str = Field("", description="姓名；不填则用账号的姓名")


class RegistrationOut(Schema):
    id: int
    activity: int
    status: str = Field(..., description="confirmed（已报名）、waitlisted（候补）或 cancelled")
    position: int | None = Field(default=None, description="候补的位次")
    code: str | None = Field(default=None, description="签到码（二维码内容）")


@router.post(
    "/activities/{pk}/registrations",
    auth=ResidentToken(),
    response={201: RegistrationOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="报名活动（居民令牌）",
)
def register(request, pk: int, payload: RegistrationIn):
    user = request.auth
    limit(request, "signup")
    name = payload.name.strip() or user.full_name
    signup = registration_create(activity_id=pk, phone=user.phone, name=name, resident=user)
    r = signup.registration
    return Status(
        201, RegistrationOut(id=r.pk, activity=pk, status=r.status, position=signup.position, code=r.code)
    )


@router.delete(
    "/registrations/{pk}",
    auth=ResidentToken(),
    response={200: RegistrationOut, 400: ErrorOut, 404: ErrorOut},
    summary="取消报名（居民令牌，只能取消自己的报名）",
)
def unregister(request, pk: int):
    registration = registration_get_for_resident(request.auth, pk)
    r = registration_cancel(resident=request.auth, registration=registration)
    return RegistrationOut(id=r.pk, activity=r.activity_id, status=r.status)


class CheckinIn(Schema):
    code: str = Field(..., max_length=64, description="二维码中的签到码")


class CheckinOut(Schema):
    status: str = Field(..., description="checked_in 或 already_checked_in")
    message: str
    registration: int
    activity: int
    name: str
    checked_in_at: datetime


@router.post(
    "/checkins", response={200: CheckinOut, 400: ErrorOut, 404: ErrorOut}, summary="扫码签到（工作人员令牌）"
)
def checkin_post(request, payload: CheckinIn):
    result = checkin(actor=request.auth, code=payload.code)
    r = result.registration
    assert r.checked_in_at is not None  # checkin sets it, or found it set
    return CheckinOut(
        status="already_checked_in" if result.already else "checked_in",
        message=result.message,
        registration=r.pk,
        activity=r.activity_id,
        name=r.name,
        checked_in_at=r.checked_in_at,
    )
