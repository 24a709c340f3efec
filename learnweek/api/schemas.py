from datetime import date, datetime

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret


class UnitBrief(Schema):
    code: str
    name: str
    kind: str


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
