"""Reads of a resident's reading: each reader's log, progress towards the year's goal, streak of
days, the badges its province's scheme awards, and the province's community leaderboard."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Max

from learnweek.core import clock
from learnweek.core.errors import NotFound
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.selectors import is_within, within
from learnweek.reading.models import (
    Book,
    BookListEntry,
    Finish,
    IncentiveScheme,
    ListKind,
    Reader,
    ReaderProfile,
    ReadingDay,
    ReadingGoal,
    ReadingLog,
    ReadingStatus,
)

if TYPE_CHECKING:
    from learnweek.accounts.models import User

DEFAULT_SCHEME = IncentiveScheme(
    goal_badge=True, streak_days=7, list_badge=True, family_badge=True, leaderboard=False
)


def takes_back_a_reading(status: str, last_finished_on: datetime.date | None) -> bool:
    """Whether moving a line from 读过 back to 想读 or 在读 takes back its latest finished reading:
    only one recorded this year, which is a tap made by mistake and what this year's count shows.
    A reading of an earlier year is history the resident keeps; moving such a book to 在读 means
    reading it again."""
    return (
        status == ReadingStatus.READ
        and last_finished_on is not None
        and last_finished_on.year == clock.today().year
    )


def _lines(reader: Reader) -> list[ReadingLog]:
    """The reader's log, each line knowing whether its step back takes back a reading (the
    button then says 撤回读完)."""
    lines = reader.logs.select_related("book").annotate(last_finished_on=Max("finishes__on"))[:200]
    shown: list[ReadingLog] = []
    for line in lines:
        line.takes_back = takes_back_a_reading(line.status, line.last_finished_on)  # type: ignore[attr-defined]
        shown.append(line)
    return shown


def profile_of(account: User) -> ReaderProfile | None:
    return ReaderProfile.objects.filter(account=account).select_related("region").first()


def province_of(unit: Unit | None) -> Unit | None:
    if unit is None:
        return None
    if unit.kind == UnitKind.PROVINCE:
        return unit
    return unit.get_ancestors().filter(kind=UnitKind.PROVINCE).first()


def scheme_of(province: Unit | None) -> IncentiveScheme:
    """The province's scheme, or the defaults where it has none."""
    if province is not None:
        scheme = IncentiveScheme.objects.filter(province=province).first()
        if scheme is not None:
            return scheme
    return DEFAULT_SCHEME


def scheme_for(account: User) -> IncentiveScheme:
    profile = profile_of(account)
    return scheme_of(province_of(profile.region if profile else None))


def streak(reader: Reader, today: datetime.date) -> int:
    """Consecutive days marked as read, up to today (or yesterday, if today is not marked yet)."""
    days = set(
        ReadingDay.objects.filter(reader=reader, on__gte=today - datetime.timedelta(days=400)).values_list(
            "on", flat=True
        )
    )
    day = today if today in days else today - datetime.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= datetime.timedelta(days=1)
    return count


@dataclass
class Badge:
    title: str
    reason: str


@dataclass
class ReaderView:
    reader: Reader
    logs: list[ReadingLog]
    finished: int
    goal: int | None
    streak: int
    badges: list[Badge] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.finished / self.goal)) if self.goal else 0


def _published_lists() -> list[tuple[str, set[int]]]:
    """Every published book list (not the catalogue) with its books, in one query."""
    lists: dict[int, tuple[str, set[int]]] = {}
    entries = (
        BookListEntry.objects.filter(book_list__published=True)
        .exclude(book_list__kind=ListKind.GUIDANCE)
        .order_by("-book_list__year", "book_list__unit__path", "book_list_id")
        .values_list("book_list_id", "book_list__title", "book_id")
    )
    for list_id, title, book_id in entries:
        lists.setdefault(list_id, (title, set()))[1].add(book_id)
    return list(lists.values())


def _badges(
    scheme: IncentiveScheme,
    *,
    finished: int,
    goal: int | None,
    days: int,
    family_books: set[int | str],
    read: set[int],
    lists: list[tuple[str, set[int]]],
) -> list[Badge]:
    badges = []
    if scheme.goal_badge and goal and finished >= goal:
        badges.append(Badge("年度目标达成", f"今年读完 {finished} 本，达到目标 {goal} 本"))
    if scheme.streak_days and days >= scheme.streak_days:
        badges.append(Badge(f"连续阅读 {scheme.streak_days} 天", f"已连续打卡 {days} 天"))
    if scheme.list_badge and read:
        for title, wanted in lists:
            if wanted <= read:
                badges.append(Badge(f"读完书单《{title}》", f"书单中的 {len(wanted)} 本都读完了"))
    if scheme.family_badge and family_books:
        badges.append(Badge("亲子共读", f"和家人一起读完了 {len(family_books)} 本书"))
    return badges


def _identity(book_id: int | None, title: str, author: str) -> int | str:
    """One book however it was logged: the catalogue's by its id, a resident's own by its title
    and author (a line of one's own is unique by those)."""
    return book_id if book_id is not None else f"own:{title}\x1f{author}"


def account_reading(account: User, *, today: datetime.date | None = None) -> list[ReaderView]:
    """Every reader of the account with its log, this year's progress, streak and badges, all
    counted from the finished readings (which go with their line of the log)."""
    today = today or clock.today()
    scheme = scheme_for(account)
    readers = list(Reader.objects.filter(account=account))
    finishes = [
        (reader_id, _identity(book_id, title, author), on)
        for reader_id, book_id, title, author, on in Finish.objects.filter(
            reader__account=account
        ).values_list("reader_id", "log__book_id", "log__title", "log__author", "on")
    ]
    readers_per_book: dict[int | str, set[int]] = {}
    for reader_id, book, _on in finishes:
        readers_per_book.setdefault(book, set()).add(reader_id)
    shared = {book for book, who in readers_per_book.items() if len(who) > 1}
    goals = {g.reader_id: g.books for g in ReadingGoal.objects.filter(reader__in=readers, year=today.year)}
    lists = _published_lists() if scheme.list_badge and finishes else []
    views = []
    for reader in readers:
        finished = sum(1 for r, _b, on in finishes if r == reader.pk and on.year == today.year)
        days = streak(reader, today)
        mine = {b for r, b, _on in finishes if r == reader.pk}
        view = ReaderView(
            reader=reader,
            logs=_lines(reader),
            finished=finished,
            goal=goals.get(reader.pk),
            streak=days,
        )
        view.badges = _badges(
            scheme,
            finished=finished,
            goal=view.goal,
            days=days,
            family_books=shared & mine,
            read={b for b in mine if isinstance(b, int)},
            lists=lists,
        )
        views.append(view)
    return views


def log_get_own(account: User, pk: int) -> ReadingLog:
    """A line of one of the account's readers' logs; anyone else's answers as missing."""
    log = ReadingLog.objects.filter(pk=pk, reader__account=account).select_related("book", "reader").first()
    if log is None:
        raise NotFound()
    return log


def listed_isbns(books: list[int]) -> dict[int, str]:
    """The ISBNs of those ``books`` that have a public page (a published list recommends them)."""
    return dict(
        BookListEntry.objects.filter(book_id__in=books, book_list__published=True).values_list(
            "book_id", "book__isbn"
        )
    )


@dataclass
class LeaderRow:
    unit: Unit
    books: int


def leaderboard(province: Unit, year: int) -> list[LeaderRow] | None:
    """Books finished this year by residents of each county of the province, most first; None
    when the province has switched its leaderboard off (or never switched it on)."""
    scheme = IncentiveScheme.objects.filter(province=province).first()
    if scheme is None or not scheme.leaderboard:
        return None
    region = "reader__account__reader_profile__region"
    counties = list(within(Unit.objects.filter(kind=UnitKind.COUNTY), province))
    rows = list(
        within(Finish.objects.filter(on__year=year), province, unit_field=region)
        .values(region)
        .annotate(n=Count("id"))
    )
    regions = Unit.objects.only("pk", "path").in_bulk([row[region] for row in rows])
    totals: dict[Unit, int] = {}
    for row in rows:
        county = next((c for c in counties if is_within(c, regions[row[region]])), None)
        if county is not None:
            totals[county] = totals.get(county, 0) + row["n"]
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return [LeaderRow(county, n) for county, n in ranked[:20]]


def book_of_isbn(isbn: str) -> Book | None:
    """The catalogue's book of an ISBN-13, or None."""
    return Book.objects.filter(isbn=isbn).first() if isbn else None
