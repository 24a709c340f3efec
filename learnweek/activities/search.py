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
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache

from django.db.models import Lookup, TextField

# Chinese characters (CJK Unified Ideographs and Extension A, compatibility ideographs), or a run
# of Latin letters and digits.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(f"[{_CJK}]+|[0-9a-z]+")
_IS_CJK = re.compile(f"^[{_CJK}]+$")
CONTENT_CHARS = 1000
QUERY_MAX_CHARS = 50
QUERY_MAX_TOKENS = 24


def _tokens_of_piece(piece: str) -> Iterable[str]:
    if not _IS_CJK.match(piece):
        yield piece
        return
    yield from piece
    for i in range(len(piece) - 1):
        yield piece[i : i + 2]


def index_tokens(*texts: str) -> str:
    """``search_text`` for an activity with these texts: each token once, space-delimited, with a
    space at both ends so that ``LIKE '% token %'`` matches whole tokens."""
    seen: dict[str, None] = {}
    for text in texts:
        for piece in _PIECES.findall((text or "").lower()):
            for token in _tokens_of_piece(piece):
                seen.setdefault(token, None)
    return " " + " ".join(seen) + " " if seen else ""


def activity_index_text(values: dict) -> str:
    return index_tokens(
        values.get("name", ""),
        values.get("forms", ""),
        values.get("organiser_name", ""),
        values.get("co_organisers", ""),
        values.get("address", ""),
        (values.get("content") or "")[:CONTENT_CHARS],
    )


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
            else:
                tokens.setdefault(word, None)
    return list(tokens)[:QUERY_MAX_TOKENS]


class SearchTextField(TextField):
    """The token column; filter with ``search_text__has_tokens=[...]``."""


@SearchTextField.register_lookup
class HasTokens(Lookup):
    lookup_name = "has_tokens"
    prepare_rhs = False  # the right-hand side is a list of tokens, put into the SQL as parameters

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        tokens = list(self.rhs)
        if not tokens:
            return "1 = 1", []
        sql = " AND ".join(f"{lhs} LIKE %s" for _ in tokens)
        params = []
        for token in tokens:
            params.extend(lhs_params)
            params.append(f"% {token} %")
        return sql, params

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        tokens = list(self.rhs)
        if not tokens:
            return "1 = 1", []
        # Tokens are Chinese characters or [0-9a-z] words (see _PIECES): nothing to escape.
        query = " & ".join(f"'{token}'" for token in tokens)
        return f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)", [
            *lhs_params,
            query,
        ]
