"""Reads of activities: the scoped registry for staff, and the public list."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, DateTimeField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from learnweek.activities.inference import UNKNOWN
from learnweek.activities.models import Activity, Category, ImportPreview, LinkAccess, Mode
from learnweek.activities.search import months_query, query_tokens, region_facet, search_memory
from learnweek.campaigns.models import PUBLIC_STATUSES
from learnweek.campaigns.selectors import campaign_public_copy
from learnweek.core.errors import LISTED_ROWS, NotFound, row_error
from learnweek.core.paging import DeferredJoinPaginator, page_snapshot
from learnweek.core.partitioning import year_hint
from learnweek.core.phones import MaskedRows, mask_fields, masked
from learnweek.core.prepared import CompiledQuery
from learnweek.core.public_cache import public_activities
from learnweek.orgs.selectors import scope_filter, within

if TYPE_CHECKING:
    from learnweek.accounts.models import User
    from learnweek.campaigns.models import Campaign
    from learnweek.orgs.models import Unit

STATES = {"upcoming": "未开始", "ongoing": "进行中", "ended": "已结束"}
# What a list row shows; lists load only these.
LIST_FIELDS = (
    "id",
    "name",
    "category",
    "start",
    "end",
    "time_known",
    "organiser_name",
    "is_week",
    "is_internal",
    "is_demonstration",
    "person_times",
    "headcount",
)


def activities_visible_to(user: User) -> QuerySet[Activity]:
    """Activities organised by units in the user's subtree (internal ones included)."""
    return scope_filter(Activity.objects.all(), user, path_field="unit_path")


def activity_get_visible(user: User, pk: int) -> Activity:
    try:
        return activities_visible_to(user).select_related("campaign", "organiser", "division").get(pk=pk)
    except Activity.DoesNotExist as exc:
        raise NotFound() from exc


def public_activity(activity: Activity, *, link_granted: bool = False) -> Activity:
    """``activity`` as the public reads it, in place: every mobile number in its text masked as
    138****5678, office lines kept (core.phones); the online link left whole (a meeting link must
    work) when the organiser shows it to everyone, else emptied unless ``link_granted`` (a
    resident holding a seat, registrations.selectors). A row loaded without its link's access
    (``only()``) loses the link: what is not known to be public is not shown."""
    mask_fields(activity, PublicActivityRows.fields)
    loaded = activity.__dict__
    if (
        loaded.get("online_link")
        and not link_granted
        and loaded.get("online_link_access") != LinkAccess.EVERYONE
    ):
        loaded["online_link"] = ""
    return activity


class PublicActivityRows(MaskedRows):
    """Activities as the public reads them (``public_activity``)."""

    fields = (
        "name",
        "organiser_name",
        "co_organisers",
        "forms",
        "address",
        "registration_phone",
        "content",
        "cancel_reason",
    )

    def mask(self, obj):
        return public_activity(obj)


def activities_public() -> QuerySet[Activity]:
    """The activities anyone may see, their text masked (``PublicActivityRows``). Every public
    output reads them here: the finder and its .ics feed, the activity page, its .ics and poster,
    the region and book pages, sign-up and the public API; none masks anything itself."""
    return masked(
        Activity.objects.filter(is_internal=False, campaign__status__in=PUBLIC_STATUSES),
        PublicActivityRows,
    )


@dataclass
class ActivityFilters:
    campaign: Campaign | None = None
    under: Unit | None = None
    category: str = ""
    audience: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    week: bool | None = None
    demonstration: bool | None = None
    state: str = ""
    q: str = ""
    include_ended: bool = False  # the finder: also what has ended
    mode: str = ""  # offline or online: the activities held that way (线上线下 counts for both)


def activities_filtered(queryset: QuerySet[Activity], f: ActivityFilters) -> QuerySet[Activity]:
    queryset = _filter(queryset, f)
    if f.q:
        queryset = queryset.filter(Q(name__contains=f.q) | Q(organiser_name__contains=f.q))
    return queryset.order_by("-start", "-id")


def _filter(queryset: QuerySet[Activity], f: ActivityFilters) -> QuerySet[Activity]:
    """The filters the staff registry and the public finder share (all but the text search)."""
    if f.campaign is not None:
        # The year names the campaign's partition on PostgreSQL (core.partitioning).
        queryset = queryset.filter(campaign=f.campaign, year=f.campaign.year)
    if f.under is not None:
        queryset = within(queryset, f.under, path_field="unit_path")
    if f.category:
        queryset = queryset.filter(category=f.category)
    if f.audience:
        # JSON containment is not available on SQLite; the audiences are short codes in a list,
        # so a quoted substring match is exact.
        queryset = queryset.filter(audiences__icontains=f'"{f.audience}"')
    tz = timezone.get_current_timezone()
    if f.date_from:
        queryset = queryset.filter(
            end__gte=datetime.datetime.combine(f.date_from, datetime.time(), tzinfo=tz)
        )
    if f.date_to and f.date_to < datetime.date.max:  # the last day there is has no day after: no bound
        day_after = datetime.datetime.combine(
            f.date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
        )
        queryset = queryset.filter(start__lt=day_after)
    if f.week is not None:
        queryset = queryset.filter(is_week=f.week)
    if f.demonstration is not None:
        queryset = queryset.filter(is_demonstration=f.demonstration)
    now = timezone.now()
    if f.state == "upcoming":
        queryset = queryset.filter(start__gt=now)
    elif f.state == "ongoing":
        queryset = queryset.filter(start__lte=now, end__gte=now)
    elif f.state == "ended":
        queryset = queryset.filter(end__lt=now)
    if f.mode:
        queryset = queryset.filter(mode__in=[f.mode, Mode.BOTH])
    return queryset


def activities_found(f: ActivityFilters, *, dense: bool = False) -> QuerySet[Activity]:
    """The public finder: public activities matching ``f``, the soonest first. Without dates or a
    state it shows what has not ended yet; ``f.q`` is a Chinese free-text search (see
    ``activities.search``): its words, and the region and months of ``f`` as facet tokens, so
    the index itself narrows a common word to a province and a month.

    ``dense``: the caller knows the search matches more than ``FINDER_COUNT_CAP`` (the capped
    count was full). The first page is then found by walking the start index, testing rows
    until a page is full — a few dozen rows when matches are that common — instead of taking
    every match and sorting it, where the walk has a place to begin: no lower bound on the end
    date, or a lower bound on the start. A lower bound on the end (what has not ended, a
    "from" date) is walked by ``found_page`` (``HeldThenComing``)."""
    queryset = _filter(activities_public(), f)
    not_ended = _not_ended(f)
    if not_ended:
        queryset = queryset.filter(end__gte=timezone.now())
    if f.q:
        tokens = query_tokens(f.q)
        if not tokens:
            return queryset.none()
        queryset = queryset.filter(search_text__has_tokens=[*tokens, *_facets(f)])
        walkable = not not_ended and not f.date_from and f.state in ("", "upcoming", "ended")
        if dense and walkable:
            return queryset.order_by("start", "id")
        return sorted_by_start(queryset)  # dense with an end bound: found_page walks from it
    return queryset.order_by("start", "id")


def held_at(moment: datetime.datetime) -> Q | RawSQL:
    """Activities being held at ``moment`` (start ≤ moment ≤ end): on PostgreSQL the expression of
    the GiST index of migration 0012, elsewhere the two columns."""
    if connection.vendor != "postgresql":
        return Q(start__lte=moment, end__gte=moment)
    return RawSQL(
        """tstzrange("activities_activity"."start", "activities_activity"."end", '[]') @> %s""",
        [moment],
        output_field=BooleanField(),
    )


class HeldThenComing:
    """The ids of what ends at or after a moment (the finder's default view: now; a "from" date:
    its midnight), soonest first, for a word so common that the capped count was full, a slice at
    a time, for ``DeferredJoinPaginator``: first what is being held at the moment (few rows, from
    the range index), sorted, then what starts after it, walked along the start index until the
    page is full. Sorting every match that has not ended took 3 s for
    读书 mid-season (bench/search.py)."""

    def __init__(self, found: QuerySet[Activity], count: int, since: datetime.datetime) -> None:
        """``found`` holds only what ends at or after ``since``."""
        self.found, self._count, self.since = found, count, since

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, wanted: slice) -> list[int]:
        top = wanted.stop
        now = self.since
        held = list(
            sorted_by_start(self.found.filter(held_at(now), start__lt=now)).values_list("pk", flat=True)[:top]
        )
        coming: list[int] = []
        if len(held) < top:
            coming = list(
                self.found.filter(start__gte=now)
                .order_by("start", "id")
                .values_list("pk", flat=True)[: top - len(held)]
            )
        return (held + coming)[wanted.start : wanted.stop]


def _facets(f: ActivityFilters) -> list[str | list[str]]:
    """The facet tokens every match of ``f`` carries (activities.search): its region and, for a
    closed date range, the months of the range (one of them)."""
    facets: list[str | list[str]] = []
    if f.under is not None and (region := region_facet(f.under.path)) is not None:
        facets.append(region)
    if (months := months_query(f.date_from, f.date_to)) is not None:
        facets.append(months)
    return facets


def _not_ended(f: ActivityFilters) -> bool:
    """The finder's default: no dates and no state asked for, so what has not ended yet."""
    return not (f.date_from or f.date_to or f.state or f.include_ended)


def _ends_from(f: ActivityFilters) -> datetime.datetime | None:
    """The moment what ``f`` finds ends at or after, when that is its only lower bound in time:
    now (the default view) or a "from" date's midnight; None when it has another (a state) or
    none at all."""
    if _not_ended(f):
        return timezone.now()
    if f.date_from and not f.state:
        return datetime.datetime.combine(f.date_from, datetime.time(), tzinfo=timezone.get_current_timezone())
    return None


def sorted_by_start(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    """Soonest first, for a filter the start index cannot serve (a search, a check's condition):
    ordered by an expression of start, not start itself, because the planner would otherwise walk
    the start index testing every row (seconds on a million rows when few match) instead of taking
    the matches and sorting them (bench/public.py)."""
    return queryset.order_by(
        ExpressionWrapper(F("start") + datetime.timedelta(0), output_field=DateTimeField()), "id"
    )


def _filters_key(f: ActivityFilters) -> tuple:
    return tuple((name, getattr(value, "pk", value)) for name, value in vars(f).items())


def finder_page(
    f: ActivityFilters,
    number: int | str | None,
    *,
    fields: Sequence[str],
    per_page: int,
    related: Sequence[str] = (),
) -> Page:
    """One page of the finder (``fields`` loaded), from the cache while no public activity has
    changed (``core.public_cache``); what has just ended may show for up to its timeout. The
    count is kept once per query, and the page number is clamped to the pages there are before
    it becomes part of a key, so made-up page numbers neither fill the cache nor recount.
    ``related``: foreign keys loaded with the rows (their fields named in ``fields``)."""
    key = _filters_key(f)
    count, more = found_count(f)
    asked = int(str(number)) if str(number).isdigit() else 1
    page_number = min(max(asked, 1), max(1, -(-count // per_page)))

    def build() -> Page:
        return found_page(f, page_number, count, more, fields=fields, per_page=per_page, related=related)

    return public_activities.cached(
        "finder", (key, page_number, tuple(fields), per_page, tuple(related)), build
    )


def found_page(
    f: ActivityFilters,
    page_number: int,
    count: int,
    more: bool,
    *,
    fields: Sequence[str],
    per_page: int,
    related: Sequence[str] = (),
) -> Page:
    """``finder_page`` without the cache: the page of ``f`` whose count (capped) is known."""
    found = activities_found(f, dense=more).select_related(*related).only(*fields)
    paginator = DeferredJoinPaginator(found, per_page)
    if more and f.q and (since := _ends_from(f)) is not None:
        paginator.object_list = HeldThenComing(found, count, since)  # type: ignore[assignment]
    with search_memory(Activity):
        page = page_snapshot(paginator, page_number, count=count)
    page.capped = more  # type: ignore[attr-defined]
    return page


# The finder counts up to this many and then says "超过 10000 项": counting every match of a common
# word among a million activities took 0.2–0.5 s, counting to the cap 10–70 ms (docs/performance.md),
# and nobody pages past 500 pages of 20.
FINDER_COUNT_CAP = 10_000


def finder_count(f: ActivityFilters) -> int:
    """How many activities the finder found, up to ``FINDER_COUNT_CAP + 1``."""
    with search_memory(Activity):
        return activities_found(f).order_by()[: FINDER_COUNT_CAP + 1].count()


def found_count(f: ActivityFilters) -> tuple[int, bool]:
    """How many activities the finder finds for ``f`` as shown: up to ``FINDER_COUNT_CAP``, and
    whether there are more; from the cache while nothing public changed."""
    found = public_activities.cached("finder-count", (_filters_key(f),), lambda: finder_count(f))
    return min(found, FINDER_COUNT_CAP), found > FINDER_COUNT_CAP


@dataclass(frozen=True)
class MonthDay:
    """One square of the finder's month grid: a day and how many activities found are held on it
    (0 for the days of the neighbouring months that fill its first and last weeks)."""

    day: datetime.date
    in_month: bool
    count: int


@dataclass(frozen=True)
class MonthGrid:
    first: datetime.date
    total: int  # the activities held in the month, each once however many days it lasts
    weeks: list[list[MonthDay]]  # Monday first


# The years the finder's 日历 and the year calendar (/calendar/<year>/) show. A month typed outside
# them (9999-12, 1-1) is shown as this month, a year as "not found": a day after the last
# (date.max) has no next midnight to count to, and no activity is held that far off.
CALENDAR_YEARS = range(2000, 2101)


def calendar_month(year: int, month: int) -> datetime.date | None:
    """The first day of that month, None when it is no month or lies outside ``CALENDAR_YEARS``."""
    if year not in CALENDAR_YEARS or not 1 <= month <= 12:
        return None
    return datetime.date(year, month, 1)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def _held(first: datetime.date, last: datetime.date) -> Q:
    """Held on a day from ``first`` to ``last`` (Beijing days): started before the midnight after
    ``last`` and still going after the midnight starting ``first`` — one that ends at that very
    midnight (20:00—00:00) belongs to the day before — or starting on it (a moment at 00:00)."""
    begins = _midnight(first)
    return Q(start__lt=_midnight(last + datetime.timedelta(days=1))) & (
        Q(end__gt=begins) | Q(start__gte=begins)
    )


def found_month(f: ActivityFilters, first: datetime.date) -> MonthGrid:
    """The finder's 日历: for each day of the month of ``first``, how many activities matching
    ``f`` are held on it (an activity of three days counts on each, as the day's list shows it),
    counted in one aggregate query, so a busy month is complete; ended ones included, as a date
    filter includes them. From the cache while no public activity has changed. ``first`` lies in
    ``CALENDAR_YEARS`` (``calendar_month``); the filters' dates may lie anywhere."""
    first = first.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    lo, hi = max(first, f.date_from or first), min(last, f.date_to or last)

    def build() -> MonthGrid:
        counts: dict[datetime.date, int] = {}
        total = 0
        if lo <= hi:
            days = [lo + datetime.timedelta(days=n) for n in range((hi - lo).days + 1)]
            held_on = {f"d{day.day}": Count("id", filter=_held(day, day)) for day in days}
            row = (
                activities_found(replace(f, date_from=lo, date_to=hi))
                .order_by()
                .aggregate(total=Count("id", filter=_held(lo, hi)), **held_on)
            )
            total = row["total"] or 0
            counts = {day: row[f"d{day.day}"] or 0 for day in days}
        weeks = [
            [MonthDay(day, day.month == first.month, counts.get(day, 0)) for day in week]
            for week in calendar.Calendar(calendar.MONDAY).monthdatescalendar(first.year, first.month)
        ]
        return MonthGrid(first=first, total=total, weeks=weeks)

    return public_activities.cached("finder-month", (_filters_key(f), first), build)


def region_coming_count(unit: Unit) -> tuple[int, bool]:
    """How many activities of a region (its 专题 page and poster) have not ended, as
    ``found_count`` gives it: the finder's own count of that region."""
    return found_count(ActivityFilters(under=unit))


def activity_get_public_cached(pk: int) -> Activity:
    """``activity_get_public_page`` through the cache; seats and the visitor's own sign-up are
    read live by the page."""
    return public_activities.cached("activity", (pk,), lambda: activity_get_public_page(pk))


def _public_rows() -> QuerySet[Activity]:
    """``activities_public`` but for its campaign's status, which the read of one activity checks
    in the campaign's kept copy (``campaign_public_copy``) instead of joining the campaign table."""
    return masked(Activity.objects.filter(is_internal=False), PublicActivityRows)


# The reads of one public activity, compiled once per process (``core.prepared``): they are the
# most frequent queries of the public side, and building and compiling them cost more than running
# them. Each pair: in the hinted year, then in every year. A slice, not get(): the key is unique.
_public_in_year = CompiledQuery(lambda pk, year: _public_rows().filter(pk=pk, year=year)[:1])
_public_any_year = CompiledQuery(lambda pk: _public_rows().filter(pk=pk)[:1])


# The page's, with the two units it links to (the organiser's region, the division's map). Its
# campaign is joined, not taken from the worker's copy: the page is kept in the shared cache
# under the generation as it is now, which a copy of the last second may trail.
def _page_rows() -> QuerySet[Activity]:
    return activities_public().select_related("campaign", "organiser", "division")


_page_in_year = CompiledQuery(lambda pk, year: _page_rows().filter(pk=pk, year=year)[:1])
_page_any_year = CompiledQuery(lambda pk: _page_rows().filter(pk=pk)[:1])


def activity_get_public(pk: int) -> Activity:
    """One public activity, as its .ics and the sign-up page read it (uncached): the activity's
    own row, its campaign from the worker's copy of the public campaigns (``campaign_public_copy``:
    a campaign taken back is seen within 1 s). The table is partitioned by year: the year the id
    most likely lies in (``core.partitioning.year_hint``) lets PostgreSQL plan and read that one
    partition; when the hint misses, the activity is looked for again in every year, so a stale
    hint costs a query, never a wrong answer."""
    rows = _hinted(pk, _public_in_year, _public_any_year)
    campaign = campaign_public_copy(rows[0].campaign_id) if rows else None
    if campaign is None:
        raise NotFound("没有这项活动，或它未公开。")
    activity = rows[0]
    activity.campaign = campaign
    return activity


def activity_get_public_page(pk: int) -> Activity:
    """One public activity as its page, its seats and poster show it, through the shared cache
    (``activity_get_public_cached``): with its campaign joined, the organiser and the division."""
    rows = _hinted(pk, _page_in_year, _page_any_year)
    if not rows:
        raise NotFound("没有这项活动，或它未公开。")
    return rows[0]


def _hinted(pk: int, in_year, any_year) -> list[Activity]:
    hint = year_hint(Activity._meta.db_table, pk)
    rows = in_year(pk, hint) if hint is not None else []
    return rows or any_year(pk)


def activity_state(activity: Activity, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if activity.start > now:
        return "upcoming"
    return "ongoing" if activity.end >= now else "ended"


def activity_state_until(activity: Activity, state: str) -> datetime.datetime | None:
    """When ``state`` (``activity_state``) next changes with the time alone: the start of an
    activity that has not begun, the end of one under way; None once it has ended."""
    return activity.start if state == "upcoming" else activity.end if state == "ongoing" else None


def import_preview_get(user: User, pk: int) -> ImportPreview:
    """An import preview, only for the account that uploaded it and only while its unit lies in
    that account's scope; anyone else is told it does not exist."""
    found = (
        scope_filter(ImportPreview.objects.filter(actor=user), user, unit_field="unit")
        .select_related("campaign", "unit")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


PREVIEW_SHOW = {"all": "全部行", "inferred": "推断的类别", "flagged": "未能判断类别", "errors": "有误的行"}


@dataclass(frozen=True)
class PreviewPage:
    """One page of a preview's rows, with the counts the page heads with."""

    rows: list[dict]
    page: Page
    total: int
    flagged: int
    bad: int
    old: int
    errors: list[str]  # the first bad rows' problems, as 第N行 列: 原因
    more_errors: int
    by_category: list[tuple[str, int]]
    pictures: list[str]  # the cells that were pictures and are not imported, as 第N行「列」


def import_preview_page(
    preview: ImportPreview, *, page: str | int | None, show: str, per_page: int
) -> PreviewPage:
    rows = preview.rows
    flagged = [r for r in rows if r["why"].get("category") == UNKNOWN]
    bad = [r for r in rows if r["err"]]
    chosen = {
        "inferred": lambda: [r for r in rows if "category" in r["why"]],
        "flagged": lambda: flagged,
        "errors": lambda: bad,
    }.get(show, lambda: rows)()
    listed = [row_error(r["n"], c, reason) for r in bad[:LISTED_ROWS] for c, reason in r["err"]]
    counts: dict[str, int] = {}
    for r in rows:
        if not r["old"]:
            counts[r["v"]["category"]] = counts.get(r["v"]["category"], 0) + 1
    labels = dict(Category.choices)
    the_page = Paginator(chosen, per_page).get_page(page)
    return PreviewPage(
        rows=list(the_page.object_list),
        page=the_page,
        total=len(rows),
        flagged=len(flagged),
        bad=len(bad),
        old=sum(1 for r in rows if r["old"]),
        errors=listed,
        more_errors=max(0, len(bad) - LISTED_ROWS),
        by_category=sorted(((labels.get(c, c), n) for c, n in counts.items()), key=lambda item: -item[1]),
        pictures=[f"第{r['n']}行「{column}」" for r in rows for column, _ in r.get("note", [])],
    )


# -- the home page: this week near the visitor -------------------------------------------------


@dataclass
class WeekNear:
    """This week's activities of a region that have not ended (today to Sunday of today's week),
    or, when none is left this week, the next ones to come (``this_week`` False)."""

    monday: datetime.date
    sunday: datetime.date
    activities: list[Activity]
    this_week: bool
    # What the finder counts from today to Sunday (``week_near_filters``), where the home page's
    # 查看本周全部活动 leads: a date filter also lists what ended earlier today.
    count: int
    capped: bool = False  # more than FINDER_COUNT_CAP


def week_near_filters(under: Unit | None, day: datetime.date) -> ActivityFilters:
    """The finder's filters for a region from ``day`` to the Sunday of its week."""
    return ActivityFilters(
        under=under, date_from=day, date_to=day + datetime.timedelta(days=6 - day.weekday())
    )


def activities_week_near(under: Unit | None, *, on: datetime.date | None = None, limit: int = 6) -> WeekNear:
    """From the cache while no public activity has changed (``core.public_cache``), per region
    and day: the home page is the page most opened. An entry is rebuilt within ``TIMEOUT``, so
    what has just ended leaves the list within five minutes."""
    day = on or timezone.localdate()
    key = (under.pk if under is not None else None, day, limit)
    return public_activities.cached("week-near", key, lambda: _week_near(under, day, limit))


def _week_near(under: Unit | None, day: datetime.date, limit: int) -> WeekNear:
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    week = week_near_filters(under, day)
    found = list(activities_found(week).filter(end__gte=timezone.now())[:limit])
    if found:
        return WeekNear(monday, sunday, found, True, *found_count(week))
    after = ActivityFilters(under=under, date_from=sunday + datetime.timedelta(days=1))
    return WeekNear(monday, sunday, list(activities_found(after)[:limit]), False, 0)
