"""Reads of the reading side: what the public sees (published lists, the catalogue by audience,
the lecture hall, a book's page) and what staff curate (their subtree's lists and lectures)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.utils import timezone

from learnweek.core.errors import NotFound
from learnweek.core.phones import MaskedRows, masked
from learnweek.orgs.selectors import scope_filter
from learnweek.reading.models import Audience, Book, BookList, BookListEntry, EssayCall, Lecture, ListKind

if TYPE_CHECKING:
    from learnweek.accounts.models import User


# What the public reads of lists, lectures and essay calls: every mobile number in their text
# masked as 138****5678, office lines kept (core.phones), the public pages, feeds and API alike.


class _PublicListRows(MaskedRows):
    fields = ("title", "publisher", "recommender", "description")


class _PublicLectureRows(MaskedRows):
    fields = ("title", "speaker", "platform", "description")


class _PublicEssayCallRows(MaskedRows):
    fields = ("title", "description")


def lists_public(*, kind: str | None = None) -> QuerySet[BookList]:
    lists = masked(
        BookList.objects.filter(published=True)
        .exclude(kind=ListKind.GUIDANCE)
        .select_related("unit")
        .annotate(books=Count("entries")),
        _PublicListRows,
    )
    return lists.filter(kind=kind) if kind else lists


def list_get_public(pk: int) -> BookList:
    try:
        return masked(BookList.objects.filter(published=True).select_related("unit"), _PublicListRows).get(
            pk=pk
        )
    except BookList.DoesNotExist as exc:
        raise NotFound() from exc


def list_entries(book_list: BookList) -> QuerySet[BookListEntry]:
    return book_list.entries.select_related("book")


@dataclass
class CatalogueGroup:
    audience: str
    label: str
    topics: dict[str, list[BookListEntry]] = field(default_factory=dict)


def catalogue(*, audience: str | None = None) -> list[CatalogueGroup]:
    """The published reading guidance catalogues (阅读指导目录) together, grouped by audience, then
    by topic, each book with its reading guide."""
    entries = (
        BookListEntry.objects.filter(book_list__kind=ListKind.GUIDANCE, book_list__published=True)
        .select_related("book", "book_list__unit")
        .order_by("audience", "topic", "position", "pk")
    )
    if audience:
        entries = entries.filter(audience=audience)
    groups: dict[str, CatalogueGroup] = {}
    for entry in entries:
        group = groups.setdefault(
            entry.audience,
            CatalogueGroup(entry.audience, Audience(entry.audience).label if entry.audience else "其他"),
        )
        group.topics.setdefault(entry.topic or "综合", []).append(entry)
    order = {value: i for i, value in enumerate(Audience.values)}
    return sorted(groups.values(), key=lambda g: order.get(g.audience, 99))


def lectures_public(
    *, upcoming: bool | None = None, now: datetime.datetime | None = None
) -> QuerySet[Lecture]:
    now = now or timezone.now()
    lectures = masked(Lecture.objects.filter(published=True).select_related("unit"), _PublicLectureRows)
    if upcoming is True:
        return lectures.filter(starts_at__gte=now - datetime.timedelta(hours=3)).order_by("starts_at")
    if upcoming is False:
        return lectures.filter(starts_at__lt=now).order_by("-starts_at")
    return lectures.order_by("starts_at")


def lecture_get_public(pk: int) -> Lecture:
    try:
        return lectures_public().get(pk=pk)
    except Lecture.DoesNotExist as exc:
        raise NotFound() from exc


@dataclass
class BookPage:
    book: Book
    entries: list[BookListEntry]  # where it is recommended, with the recommendation text


def book_page(isbn: str) -> BookPage:
    try:
        book = Book.objects.get(isbn=isbn)
    except Book.DoesNotExist as exc:
        raise NotFound() from exc
    entries = list(book.entries.filter(book_list__published=True).select_related("book_list__unit"))
    if not entries:
        raise NotFound()  # only books some published list or catalogue recommends have a page
    return BookPage(book=book, entries=entries)


# -- staff -------------------------------------------------------------------------------------


def lists_visible_to(user: User) -> QuerySet[BookList]:
    return scope_filter(BookList.objects.select_related("unit"), user, unit_field="unit").annotate(
        books=Count("entries")
    )


def list_get_visible(user: User, pk: int) -> BookList:
    try:
        return lists_visible_to(user).get(pk=pk)
    except BookList.DoesNotExist as exc:
        raise NotFound() from exc


def entry_get(book_list: BookList, pk: int) -> BookListEntry:
    try:
        return book_list.entries.get(pk=pk)
    except BookListEntry.DoesNotExist as exc:
        raise NotFound() from exc


def lectures_visible_to(user: User) -> QuerySet[Lecture]:
    return scope_filter(Lecture.objects.select_related("unit"), user, unit_field="unit").order_by(
        "-starts_at"
    )


def lecture_get_visible(user: User, pk: int) -> Lecture:
    try:
        return lectures_visible_to(user).get(pk=pk)
    except Lecture.DoesNotExist as exc:
        raise NotFound() from exc


def essay_calls_public() -> QuerySet[EssayCall]:
    return masked(
        EssayCall.objects.filter(published=True).select_related("unit").annotate(entries=Count("essays")),
        _PublicEssayCallRows,
    )


def essay_call_get_public(pk: int) -> EssayCall:
    try:
        return essay_calls_public().get(pk=pk)
    except EssayCall.DoesNotExist as exc:
        raise NotFound() from exc


def essay_calls_visible_to(user: User) -> QuerySet[EssayCall]:
    return scope_filter(EssayCall.objects.select_related("unit"), user, unit_field="unit").annotate(
        entries=Count("essays")
    )


def essay_call_get_visible(user: User, pk: int) -> EssayCall:
    try:
        return essay_calls_visible_to(user).get(pk=pk)
    except EssayCall.DoesNotExist as exc:
        raise NotFound() from exc
