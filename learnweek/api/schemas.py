from datetime import date, datetime
from typing import Annotated

from django.conf import settings
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import Field

# A row's id as the databases store it (64-bit): a larger number is refused (422) before any
# query, instead of overflowing the driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Pages(PageNumberPagination):
    """Page-number paging whose page number stays within what a list can have (100,000 pages):
    a larger one is refused (422) instead of overflowing the database's OFFSET."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=1000)


# A count of people or seats: PostgreSQL's integer column holds up to 2**31 - 1.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


class ErrorOut(Schema):
    code: str
    message: str


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""  # the current TOTP code (or a recovery code) of an account with two-factor sign-in


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    # Seconds the token lives (API_TOKEN_TTL_DAYS); a new password or a deactivation ends it sooner.
    expires_in: int = Field(default_factory=lambda: settings.API_TOKEN_TTL_DAYS * 86400)


class ApiTokenOut(Schema):
    """One of the user's own tokens, without the token itself (only its digest is kept)."""

    id: int
    created: datetime
    last_used: datetime | None
    expires_at: datetime
    state: str  # 有效, 已过期 or 已失效 (password changed, account deactivated)
    current: bool  # the token this request was made with


class UnitBrief(Schema):
    code: str
    name: str
    kind: str


class SealingUnit(UnitBrief):
    issuer: str = Field("", description="发文机关名称：表上盖章的教育行政部门，如 长春市教育局")


def unit_brief(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind}


class UnitOut(UnitBrief):
    kind_label: str
    division_type: str
    is_municipality: bool
    institution_type: str
    parent: str | None
    children: list[UnitBrief]


class ContactOut(Schema):
    name: str
    office: str
    phone: str
    email: str


class CampaignBrief(Schema):
    slug: str
    year: int
    title: str
    theme: str
    doc_number: str
    issuing_unit: UnitBrief
    parent: str | None
    status: str


class CampaignOut(CampaignBrief):
    issued_on: date | None
    reading_start: date | None
    reading_end: date | None
    week_start: date | None
    week_end: date | None
    week_note: str
    ceremony_host: str
    ceremony_cohosts: str
    ceremony_venue: str
    ceremony_date: date | None
    ceremony_stream_url: str
    display_start: date | None
    display_end: date | None
    contacts: list[ContactOut]


class RequirementOut(Schema):
    id: int
    campaign: str
    kind: str
    kind_label: str
    title: str
    description: str
    applies_to: list[str]
    deadline: date
    closed: bool
    parent_requirement: int | None
    rules: dict[str, int]


class CompletenessRow(Schema):
    unit: UnitBrief
    state: str
    state_label: str
    first_submitted_at: datetime | None
    is_late: bool


class CompletenessOut(Schema):
    requirement: int
    under: UnitBrief
    total: int
    handed_in: int
    percent: int
    counts: dict[str, int]
    late: int
    units: list[CompletenessRow]


class StatsCell(Schema):
    units: int
    activities: int
    person_times: int


class StatsOut(Schema):
    """活动开展情况统计表, live. Columns: theme_reading=主题阅读活动, book_recommendation=“社长（总编）
    荐书”活动, online_lecture=线上社会大讲堂, digital_reading=数字阅读分享活动, activity_week=全民终身
    学习活动周 (activities with the week flag)."""

    campaign: str
    unit: SealingUnit
    prefecture_units: int
    county_units: int
    columns: list[str]
    own_level_held: dict[str, bool]
    prefecture: dict[str, StatsCell]
    county: dict[str, StatsCell]
    children: list["StatsOut"] | None = None
