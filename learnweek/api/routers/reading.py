"""The reading side's open feeds: curated lists, the reading guidance catalogue and the lecture
hall as JSON, without a token, so other platforms can link in (the lectures also as iCal at
/reading/lectures/feed.ics)."""

from datetime import datetime

from ninja import Field, Router, Schema

from learnweek.api.schemas import ErrorOut
from learnweek.reading.selectors import (
    catalogue,
    lectures_public,
    list_entries,
    list_get_public,
    lists_public,
)

router = Router(tags=["reading"], auth=None)


class BookOut(Schema):
    isbn: str
    title: str
    author: str
    publisher: str
    year: int | None


class EntryOut(Schema):
    book: BookOut
    note: str
    audience: str
    topic: str


class ListBrief(Schema):
    id: int
    kind: str
    title: str
    year: int
    unit: str = Field(..., alias="unit.name")
    publisher: str
    recommender: str


class ListOut(ListBrief):
    description: str
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj) -> list:
        return list(list_entries(obj))


class CatalogueOut(Schema):
    audience: str
    label: str
    topics: dict[str, list[EntryOut]]


class LectureOut(Schema):
    id: int
    title: str
    speaker: str
    starts_at: datetime
    ends_at: datetime | None
    platform: str
    link: str
    audiences: list[str]
    topic: str
    recording_url: str
    unit: str = Field(..., alias="unit.name")


@router.get("/reading/lists", response=list[ListBrief], summary="公开的推荐书单")
def reading_lists(request, kind: str = ""):
    return list(lists_public(kind=kind or None)[:200])


@router.get("/reading/lists/{pk}", response={200: ListOut, 404: ErrorOut}, summary="书单及其图书")
def reading_list(request, pk: int):
    return list_get_public(pk)


@router.get("/reading/catalogue", response=list[CatalogueOut], summary="阅读指导目录（按适读人群、主题）")
def reading_catalogue(request, audience: str = ""):
    return catalogue(audience=audience or None)


@router.get("/reading/lectures", response=list[LectureOut], summary="线上社会大讲堂：即将开讲的讲座")
def reading_lectures(request):
    return list(lectures_public(upcoming=True)[:500])
