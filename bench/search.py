"""The finder's Chinese search at national size (PostgreSQL, the 1,000,000 kept activities): the
count the page shows (capped at FINDER_COUNT_CAP) and the first page of 20, soonest first.

Three searches, each four ways in the same run:
- ours: the selector as the finder runs it (``finder_count``, then ``activities_found`` paged),
  without the page cache;
- hand-written: the fastest SQL we could write for the same answer over the same indexes (the
  baseline of the ratio);
- today's approach (before issue 27): the word's tokens only, every match counted, every match
  sorted;
- RUM: PostgreSQL's RUM index (Debian's postgresql-15-rum) over a kept copy of the vectors with
  the start time attached, so the index itself returns matches in start order; the count capped
  as ours. Skipped, and said so, where the extension is not installed.

The searches: 读书 in the province with the most activities in October 2023 (the finder with a
region and a month); 读书 everywhere, ended included (a common word, no other filter: a fifth of
all rows match); 读书 as the finder opens (what has not ended yet; in the bench data, all of 2023,
nothing). All four run with the memory the finder gives a search (``SEARCH_WORK_MEM``).
"""

import datetime
from contextlib import nullcontext
from unittest import mock

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from bench.activities import prepare as prepare_activities
from learnweek.activities.models import Activity
from learnweek.activities.search import SEARCH_WORK_MEM, months_query, query_tokens, region_facet
from learnweek.activities.selectors import (
    FINDER_COUNT_CAP,
    ActivityFilters,
    finder_count,
    found_page,
)
from learnweek.campaigns.models import Campaign
from learnweek.orgs.models import Unit
from learnweek.public.activity_views import CARD_FIELDS

WORD = "读书"
RUM_TABLE = "bench_search_rum"
PUBLIC = "a.is_internal = false AND c.status IN ('published', 'closed')"
FROM = "activities_activity a JOIN campaigns_campaign c ON c.id = a.campaign_id"


def prepare() -> Campaign:
    campaign = prepare_activities()
    if connection.vendor == "postgresql":
        _vacuumed()
        if _rum_available():
            _rum_table()
    return campaign


def _vacuumed() -> None:
    """The activities vacuumed when dead rows pile up, as autovacuum would before long: the import
    benchmarks insert and roll back 100,000 rows a run, and their dead versions stay in the
    search index until a vacuum (5.8 million of them once made a capped count read 4.2 million
    index entries: 2.7 s instead of 0.2 s)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_dead_tup), 0), coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables "
            "WHERE relname LIKE 'activities\\_activity\\_%%'"
        )
        dead, live = cursor.fetchone()
        if dead > live // 10:
            print(f"vacuuming the activities ({dead} dead rows) ...", flush=True)
            cursor.execute("VACUUM ANALYZE activities_activity")


def _rum_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        return cursor.fetchone() is not None


def _rum_table() -> None:
    """The RUM candidate: the activities' word vectors (no facets) with start attached, kept."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        cursor.execute("SELECT to_regclass(%s)", [RUM_TABLE])
        if cursor.fetchone()[0] is not None:
            return
        print("building the RUM candidate (kept for later runs) ...", flush=True)
        cursor.execute(
            f'CREATE TABLE {RUM_TABLE} AS SELECT id, campaign_id, is_internal, unit_path, start, "end", '
            "to_tsvector('simple', regexp_replace(search_text, ' lw[um][0-9a-z]+', '', 'g')) AS v "
            "FROM activities_activity"
        )
        cursor.execute(
            f"CREATE INDEX {RUM_TABLE}_v ON {RUM_TABLE} USING rum (v rum_tsvector_addon_ops, start) "
            "WITH (attach = 'start', to = 'v')"
        )
        cursor.execute(f"ANALYZE {RUM_TABLE}")


def _tsquery(items) -> str:
    return " & ".join(
        "(" + " | ".join(f"'{t}'" for t in ([i] if isinstance(i, str) else i)) + ")" for i in items
    )


def _rows(sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _sorted_page(where: str, params: list) -> list:
    """The first 20 ids soonest first by taking every match and sorting it (the GIN and path
    indexes first: left to itself the planner walks the start index instead)."""
    return _rows(
        f"WITH m AS MATERIALIZED (SELECT a.id, a.start FROM {FROM} WHERE {where}) "  # noqa: S608
        "SELECT id FROM m ORDER BY start, id LIMIT 20",
        params,
    )


def _busiest_province(campaign: Campaign) -> Unit:
    top = Activity.objects.filter(campaign=campaign).values("unit_path").annotate(n=Count("id")).order_by()
    per_province: dict[str, int] = {}
    for row in top:
        key = row["unit_path"][: 2 * Unit.steplen]
        per_province[key] = per_province.get(key, 0) + row["n"]
    return Unit.objects.get(path=max(per_province, key=per_province.get))


class Search:
    """One search: its filters for the selector and its WHERE for the hand-written ways."""

    def __init__(
        self, label: str, f: ActivityFilters, where: str, params: list, lower: datetime.datetime | None
    ):
        self.label, self.f, self.where, self.params, self.lower = label, f, where, params, lower
        # The finder's default (what has not ended at this moment), or None.
        self.now = lower if not (f.date_from or f.date_to or f.state or f.include_ended) else None
        self.words = query_tokens(f.q)
        facets: list = []
        if f.under is not None and (region := region_facet(f.under.path)):
            facets.append(region)
        if (months := months_query(f.date_from, f.date_to)) is not None:
            facets.append(months)
        self.with_facets = _tsquery([*self.words, *facets])
        self.words_only = _tsquery(self.words)

    def ours(self):
        count = finder_count(self.f)
        shown = min(count, FINDER_COUNT_CAP)
        page = found_page(self.f, 1, shown, count > FINDER_COUNT_CAP, fields=CARD_FIELDS, per_page=20)
        return shown, [a.pk for a in page.object_list]

    def _match(self, query: str) -> tuple[str, list]:
        match = "to_tsvector('simple'::regconfig, a.search_text) @@ to_tsquery('simple'::regconfig, %s)"
        return f"{self.where} AND {match}", [*self.params, query]

    def hand_written(self):
        where, params = self._match(self.with_facets)
        count = _rows(
            f"SELECT count(*) FROM (SELECT 1 FROM {FROM} WHERE {where} LIMIT {FINDER_COUNT_CAP + 1}) x",  # noqa: S608
            params,
        )[0][0]
        if count > FINDER_COUNT_CAP and self.lower is None:  # dense and nowhere to begin: walk start
            page = _rows(f"SELECT a.id FROM {FROM} WHERE {where} ORDER BY a.start, a.id LIMIT 20", params)  # noqa: S608
        elif count > FINDER_COUNT_CAP and self.now is not None:  # dense, not ended: held now, then to come
            page = _rows(
                f"SELECT a.id FROM {FROM} WHERE {where} AND tstzrange(a.start, a.\"end\", '[]') @> %s "  # noqa: S608
                "AND a.start < %s ORDER BY a.start + interval '0', a.id LIMIT 20",
                [*params, self.now, self.now],
            )
            if len(page) < 20:
                page += _rows(
                    f"SELECT a.id FROM {FROM} WHERE {where} AND a.start >= %s ORDER BY a.start, a.id LIMIT %s",  # noqa: S608
                    [*params, self.now, 20 - len(page)],
                )
        else:
            page = _sorted_page(where, params)
        return min(count, FINDER_COUNT_CAP), [row[0] for row in page]

    def today(self):
        """Before issue 27: the word's tokens alone, every match counted, every match sorted."""
        where, params = self._match(self.words_only)
        count = _rows(f"SELECT count(*) FROM {FROM} WHERE {where}", params)[0][0]  # noqa: S608
        page = _sorted_page(where, params)
        return min(count, FINDER_COUNT_CAP), [row[0] for row in page]

    def rum(self):
        """RUM: the matches in start order from the index (``start |=> moment``: the distance
        from a moment before them all, nearest first), the count capped as ours."""
        where = self.where.replace("a.", "r.") + " AND r.v @@ to_tsquery('simple'::regconfig, %s)"
        params = [*self.params, self.words_only]
        source = f"{RUM_TABLE} r JOIN campaigns_campaign c ON c.id = r.campaign_id"
        count = _rows(
            f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT {FINDER_COUNT_CAP + 1}) x",  # noqa: S608
            params,
        )[0][0]
        # From the beginning of time: a lower bound on the end is none on the start.
        lower = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
        page = _rows(
            f"SELECT r.id, r.start FROM {source} WHERE {where} ORDER BY r.start |=> %s::timestamptz LIMIT 20",  # noqa: S608
            [*params, lower],
        )
        ids = [row[0] for row in sorted(page, key=lambda row: (row[1], row[0]))]
        return min(count, FINDER_COUNT_CAP), ids


def _starts(ids: list[int]) -> list:
    return sorted(Activity.objects.filter(pk__in=ids).values_list("start", flat=True))


def _searches(campaign: Campaign) -> list[Search]:
    tz = timezone.get_current_timezone()
    province = _busiest_province(campaign)
    first, last = datetime.date(2023, 10, 1), datetime.date(2023, 10, 31)
    lo = datetime.datetime.combine(first, datetime.time(), tzinfo=tz)
    hi = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    now = timezone.now()
    return [
        Search(
            f"{WORD} in {province.name}, Oct 2023",
            ActivityFilters(q=WORD, under=province, date_from=first, date_to=last),
            f'{PUBLIC} AND a.unit_path LIKE %s AND a."end" >= %s AND a.start < %s',
            [province.path + "%", lo, hi],
            lo,
        ),
        Search(
            f"{WORD} everywhere, ended included",
            ActivityFilters(q=WORD, include_ended=True),
            PUBLIC,
            [],
            None,
        ),
        Search(
            f"{WORD} as the finder opens (not ended)",
            ActivityFilters(q=WORD),
            f'{PUBLIC} AND a."end" >= %s',
            [now],
            now,
        ),
    ]


# The finder opened on this day of the bench data's year: most of its activities are still to come,
# as in the activity week.
MID_SEASON = datetime.datetime(2023, 9, 1, tzinfo=datetime.UTC)


def _mid_season() -> Search:
    return Search(
        f"{WORD} as the finder opens on 1 Sep 2023 (not ended)",
        ActivityFilters(q=WORD),
        f'{PUBLIC} AND a."end" >= %s',
        [MID_SEASON],
        MID_SEASON,
    )


def run(median_ms, report, campaign: Campaign) -> None:
    if connection.vendor != "postgresql":
        print("search: PostgreSQL only, skipped")
        return
    with connection.cursor() as cursor:  # every way with the memory the finder gives a search
        cursor.execute("SELECT set_config('work_mem', %s, true)", [SEARCH_WORK_MEM])
    rum = _rum_available()
    if not rum:
        print("search: the RUM extension is not installed (postgresql-15-rum): its rows are skipped")
    for search, moment in [*((s, None) for s in _searches(campaign)), (_mid_season(), MID_SEASON)]:
        with mock.patch("django.utils.timezone.now", return_value=moment) if moment else nullcontext():
            _measure(median_ms, report, search, rum)


def _measure(median_ms, report, search: Search, rum: bool) -> None:
    expected = search.hand_written()
    assert search.ours() == expected, f"{search.label}: the finder and the hand-written SQL disagree"
    assert search.today()[1] == expected[1], f"{search.label}: today's approach finds another page"
    if rum:  # RUM orders ties of start in its own way: the same starts, perhaps other ids
        assert _starts(search.rum()[1]) == _starts(expected[1]), f"{search.label}: RUM finds another page"
    baseline = median_ms(search.hand_written, 7)
    hits = f"{expected[0]}{'+' if expected[0] >= FINDER_COUNT_CAP else ''} hits"
    report(f"search {search.label} ({hits}): ours", median_ms(search.ours, 7), baseline)
    report(f"search {search.label}: today's approach", median_ms(search.today, 5), baseline)
    if rum:
        report(f"search {search.label}: RUM, start attached", median_ms(search.rum, 5), baseline)
