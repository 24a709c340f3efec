"""Chinese free-text search over activities.

What a search matches: every word of the query must appear in the activity's name, forms,
organiser, co-organisers, address or content (the first 1,000 characters). Chinese has no spaces
between words, so the query is cut into words with jieba ("读书沙龙朝阳区" → 读书 / 沙龙 / 朝阳区);
a Chinese word matches a text that holds every pair of neighbouring characters of the word
(读书 matches 全民读书节 and 读书沙龙; 智慧助老 matches 智慧助老手机课堂), a single character
matches that character, and Latin letters and digits match whole words, case-insensitively.

The index: each activity carries ``search_text``, the single characters and the character pairs
(bigrams) of its Chinese runs and its lower-cased Latin/digit words, separated by spaces. On
PostgreSQL a GIN index over ``to_tsvector('simple', search_text)`` answers a query with an index
lookup per token; elsewhere (SQLite) each token is a ``LIKE '% token %'``. Trigram indexes
(pg_trgm) do not serve Chinese: most Chinese words are two characters, too short for a trigram.

Facets: a common word matches a fifth of all activities (读书), and the finder narrows it by region
and dates. Filtering that many matches row by row is what made a search take seconds, so the
same index also holds, for each activity, a token per region it lies in (``lwu`` + the path of
each of its units' ancestors from the province down) and a token per calendar month it is held
in (``lwm202310``; an activity over more than ``FACET_MONTHS`` months carries ``lwmlong``
instead). A search in a region and a date range then adds those tokens to the query and the
index intersects them; the exact conditions stay in the query as a recheck. Query words of the
facet form are dropped, so nobody can type one (docs/performance.md, "Chinese search").
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from operator import add

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Lookup, Model, TextField

# Chinese characters (CJK Unified Ideographs and Extension A, compatibility ideographs), or a run
# of Latin letters and digits.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(f"[{_CJK}]+|[0-9a-z]+")
_IS_CJK = re.compile(f"^[{_CJK}]+$")
CONTENT_CHARS = 1000
QUERY_MAX_CHARS = 50
QUERY_MAX_TOKENS = 24
# Facet tokens: their prefix is reserved (query words of that form are dropped).
REGION_FACET = "lwu"
MONTH_FACET = "lwm"
LONG_FACET = "lwmlong"
FACET_MONTHS = 36  # longer activities (and longer date ranges) carry or use no month tokens
_FACET_WORD = re.compile(r"^lw[um][0-9a-z]*$")
# A month facet as it stands in a stored text (what migration 0011 looks for).
MONTH_FACET_IN_TEXT = re.compile(r" lwm([0-9]{6}|long) ")
STEPLEN = 4  # orgs.models.Unit.steplen: a path is 4 characters per level
# PostgreSQL's memory for one search's bitmap: at the default 4 MB the bitmap of a common word
# (读书: 226,000 of 1,000,000 rows) goes lossy and every row of a lossy page is parsed again; a
# capped count took 930 ms so, 180 ms with 32 MB (docs/performance.md).
SEARCH_WORK_MEM = "32MB"


_RUNS = re.compile(f"([{_CJK}]+)|([0-9a-z]+)")  # _PIECES, telling a Chinese run from a word


def index_tokens(*texts: str) -> str:
    """``search_text`` for an activity with these texts: each token once, space-delimited, with a
    space at both ends so that ``LIKE '% token %'`` matches whole tokens. A Chinese run gives its
    characters, then its neighbouring pairs; a word itself (one of the facets' form, "lwm202510",
    none). One pass per text, written for the importer's 100,000 rows (docs/performance.md)."""
    tokens: list[str] = []
    for text in texts:
        for chinese, word in _RUNS.findall((text or "").lower()):
            if chinese:
                tokens.extend(chinese)
                tokens.extend(map(add, chinese, chinese[1:]))
            elif not _FACET_WORD.match(word):
                tokens.append(word)
    return " " + " ".join(dict.fromkeys(tokens)) + " " if tokens else ""


def activity_index_text(
    values: dict,
    *,
    unit_path: str = "",
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> str:
    """``search_text`` of an activity: its words' tokens, then its facets (region, months)."""
    words = index_tokens(
        values.get("name", ""),
        values.get("forms", ""),
        values.get("organiser_name", ""),
        values.get("co_organisers", ""),
        values.get("address", ""),
        (values.get("content") or "")[:CONTENT_CHARS],
    )
    facets = [*region_facets(unit_path), *month_facets(start, end)]
    if not facets:
        return words
    return (words or " ") + " ".join(facets) + " "


def region_facets(unit_path: str) -> list[str]:
    """A token for each unit from the province down to the activity's own (the ministry's
    subtree is everything: no token)."""
    path = unit_path.lower()
    return [REGION_FACET + path[:end] for end in range(2 * STEPLEN, len(path) + 1, STEPLEN)]


def region_facet(unit_path: str) -> str | None:
    """The token every activity in this unit's subtree carries (None for the whole country)."""
    return REGION_FACET + unit_path.lower() if len(unit_path) >= 2 * STEPLEN else None


def _months(first: datetime.date, last: datetime.date) -> list[str]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{MONTH_FACET}{year:04d}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _local_day(moment: datetime.datetime) -> datetime.date:
    from django.utils import timezone

    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def month_facets(start: datetime.datetime | None, end: datetime.datetime | None) -> list[str]:
    """The months (local time) an activity from ``start`` to ``end`` is held in."""
    if start is None:
        return []
    first = _local_day(start)
    last = _local_day(end) if end is not None and end > start else first
    if (last.year - first.year) * 12 + last.month - first.month >= FACET_MONTHS:
        return [LONG_FACET]
    return _months(first, last)


def months_query(first: datetime.date | None, last: datetime.date | None) -> list[str] | None:
    """The month tokens of which a match held between ``first`` and ``last`` (days, inclusive)
    carries at least one; None when the range is open or too long to help."""
    if first is None or last is None or last < first:
        return None
    if (last.year - first.year) * 12 + last.month - first.month >= FACET_MONTHS:
        return None
    return [*_months(first, last), LONG_FACET]


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def query_tokens(query: str) -> list[str]:
    """The tokens every match must hold, for a query as a resident types it. A Chinese word of
    two or more characters gives its bigrams; cross-word pairs are left out, which is what the
    segmentation is for. Empty when the query holds nothing searchable (punctuation only)."""
    tokens: dict[str, None] = {}
    for piece in _PIECES.findall(query.lower()[:QUERY_MAX_CHARS]):
        words = _jieba().lcut(piece) if _IS_CJK.match(piece) and len(piece) > 2 else [piece]
        for word in words:
            if _IS_CJK.match(word) and len(word) > 1:
                for i in range(len(word) - 1):
                    tokens.setdefault(word[i : i + 2], None)
            elif not _FACET_WORD.match(word):
                tokens.setdefault(word, None)
    return list(tokens)[:QUERY_MAX_TOKENS]


@contextmanager
def search_memory(model: type[Model]) -> Iterator[None]:
    """Run a search's queries with ``SEARCH_WORK_MEM`` (PostgreSQL), on the connection that reads
    ``model`` (a replica for the public side), for this transaction only."""
    alias = router.db_for_read(model) or DEFAULT_DB_ALIAS
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [SEARCH_WORK_MEM])
        yield


class SearchTextField(TextField):
    """The token column; filter with ``search_text__has_tokens=[...]``: every item must be
    held, an item being a token or a list of tokens of which one is enough."""


@SearchTextField.register_lookup
class HasTokens(Lookup):
    lookup_name = "has_tokens"
    prepare_rhs = False  # the right-hand side is a list of tokens, put into the SQL as parameters

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        items = _items(self.rhs)
        if not items:
            return "1 = 1", []
        parts, params = [], []
        for alternatives in items:
            parts.append("(" + " OR ".join(f"{lhs} LIKE %s" for _ in alternatives) + ")")
            for token in alternatives:
                params.extend(lhs_params)
                params.append(f"% {token} %")
        return " AND ".join(parts), params

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        items = _items(self.rhs)
        if not items:
            return "1 = 1", []
        # Tokens are Chinese characters or [0-9a-z] words (see _PIECES): nothing to escape.
        query = " & ".join("(" + " | ".join(f"'{t}'" for t in alternatives) + ")" for alternatives in items)
        return f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)", [
            *lhs_params,
            query,
        ]


def _items(rhs: Iterable[str | Sequence[str]]) -> list[list[str]]:
    return [[item] if isinstance(item, str) else list(item) for item in rhs]
