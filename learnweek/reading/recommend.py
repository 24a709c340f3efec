"""Personalised matching (精准识别阅读个性化需求，智能匹配阅读资源供给): books, lectures and nearby
activities for a resident, each with a one-line reason.

Books are ranked by co-reading (a truncated SVD of the reading log, scikit-learn), content
similarity (TF-IDF of jieba-cut titles, authors, categories and summaries) and the audiences the
resident reads for, with a little popularity; a resident with no history gets the curated lists
and what is read most. The model is built from the whole log and kept in memory; recommending for
one resident is a few vector products (bench/reading.py measures both quality and time)."""

from __future__ import annotations

import datetime
import threading
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jieba
import numpy as np
from django.urls import reverse
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from learnweek.core import clock
from learnweek.orgs.models import Unit, UnitKind
from learnweek.reading.models import (
    AgeGroup,
    Audience,
    Book,
    BookListEntry,
    Finish,
    ReaderProfile,
    ReadingLog,
    ReadingStatus,
)

if TYPE_CHECKING:
    from learnweek.accounts.models import User

FACTORS = 48
WEIGHTS = {
    "co_reading": 1.0,
    "content": 0.1,
    "popularity": 0.05,
    "audience": 0.15,
}  # tuned on bench/reading.py
AGE_AUDIENCE = {
    AgeGroup.ELDER: Audience.ELDERLY,
    AgeGroup.YOUTH: Audience.YOUTH,
    AgeGroup.CHILD: Audience.FAMILY,
}
MODEL_TTL = 600  # seconds before the model is rebuilt from a changed log


def _tokens(text: str) -> list[str]:
    """jieba's words, without spaces and punctuation (a single Chinese character is a word)."""
    words = []
    for word in jieba.lcut(text):
        word = word.strip()
        if len(word) > 1 or (len(word) == 1 and "\u4e00" <= word <= "\u9fff"):
            words.append(word)
    return words


@dataclass
class Model:
    book_ids: np.ndarray  # row -> Book.pk
    row_of: dict[int, int]
    factors: np.ndarray | None  # rows × FACTORS of the log's SVD (None without enough log)
    unit_factors: np.ndarray | None  # the same, each row of unit length (for likeness)
    content: sparse.csr_matrix  # rows × vocabulary, unit length
    popularity: np.ndarray  # rows, 0..1
    audience_bits: np.ndarray  # rows, one bit per Audience value
    titles: list[str]


AUDIENCE_BIT = {value: 1 << i for i, value in enumerate(Audience.values)}


def audience_mask(audiences) -> int:
    mask = 0
    for audience in audiences:
        mask |= AUDIENCE_BIT.get(audience, 0)
    return mask


def build_model(
    book_ids: list[int],
    texts: list[str],
    audiences: list[list[str]],
    titles: list[str],
    readers: np.ndarray,
    rows: np.ndarray,
) -> Model:
    """``readers`` and ``rows``: one pair per (reader, book) read or logged, book as its row."""
    n = len(book_ids)
    vectorizer = TfidfVectorizer(
        tokenizer=_tokens, token_pattern=None, lowercase=False, min_df=1, max_features=50000
    )
    content = normalize(vectorizer.fit_transform(texts)) if n else sparse.csr_matrix((0, 0))
    counts = np.bincount(rows, minlength=n).astype(np.float32) if len(rows) else np.zeros(n, np.float32)
    popularity = counts / counts.max() if n and counts.max() > 0 else counts  # an empty catalogue has no max
    factors = None
    if len(rows) and n > 2:
        _, reader_index = np.unique(readers, return_inverse=True)
        matrix = sparse.csr_matrix(
            (np.ones(len(rows), np.float32), (reader_index, rows)), shape=(reader_index.max() + 1, n)
        )
        matrix.data[:] = 1.0
        # At most a quarter of the log's smaller side: a small log is generalised, not
        # reproduced (with as many factors as its rank, each reader's row comes back unchanged).
        k = max(1, min(FACTORS, min(n, matrix.shape[0]) // 4))
        svd = TruncatedSVD(n_components=k, random_state=0, algorithm="randomized", n_iter=4)
        with warnings.catch_warnings():  # a tiny log has no variance to explain; harmless
            warnings.simplefilter("ignore", RuntimeWarning)
            svd.fit(matrix)
        # Components without weight (a small log has fewer than asked for) are noise.
        kept = svd.singular_values_ > 1e-6 * max(float(svd.singular_values_.max()), 1e-12)
        factors = svd.components_[kept].T.astype(np.float32)
    return Model(
        book_ids=np.asarray(book_ids),
        row_of={pk: i for i, pk in enumerate(book_ids)},
        factors=factors,
        unit_factors=normalize(factors) if factors is not None else None,
        content=content,
        popularity=popularity,
        audience_bits=np.fromiter((audience_mask(a) for a in audiences), dtype=np.int32, count=n),
        titles=titles,
    )


@dataclass
class Ranked:
    row: int
    score: float
    because: int | None  # the history row it is most like, for the reason
    audience: str | None


def rank(
    model: Model,
    history: list[int],
    wanted_audiences: set[str],
    *,
    limit: int = 10,
    exclude: Sequence[int] = (),
) -> list[Ranked]:
    """The best ``limit`` rows for someone who read ``history`` (rows) and reads for
    ``wanted_audiences``, excluding what it read and the rows of ``exclude`` (say, what it
    already wants to read)."""
    n = len(model.book_ids)
    if n == 0:
        return []
    score = WEIGHTS["popularity"] * model.popularity.astype(np.float32)
    cf = content = None
    if history:
        if model.factors is not None:
            # PureSVD: the reader's row of the log projected on the factors and back, which
            # weighs what readers of the same books read, popular ones more.
            cf = model.factors @ model.factors[history].sum(axis=0)
            top_cf = float(cf.max())
            if top_cf > 0:
                score = score + WEIGHTS["co_reading"] * (cf / top_cf)
        taste = np.asarray(model.content[history].sum(axis=0)).ravel()
        norm = np.linalg.norm(taste)
        if norm > 0:
            content = model.content @ (taste / norm)
            score = score + WEIGHTS["content"] * content
    mask = audience_mask(wanted_audiences)
    if mask:
        score = score + WEIGHTS["audience"] * ((model.audience_bits & mask) > 0).astype(np.float32)
    score[history] = -np.inf
    if len(exclude):
        score[list(exclude)] = -np.inf
    top = np.argpartition(-score, min(limit, n - 1))[:limit] if n > limit else np.arange(n)
    top = top[np.isfinite(score[top])]
    top = top[np.argsort(-score[top])]
    # The reason: the book of the history each pick is most like (co-reading and content).
    because: list[int | None] = [None] * len(top)
    if history and len(top):
        recent = history[-50:]
        likeness = (model.content[recent] @ model.content[top].T).toarray()
        if model.unit_factors is not None:
            likeness = likeness + model.unit_factors[recent] @ model.unit_factors[top].T
        best = likeness.argmax(axis=0)
        because = [recent[b] if likeness[b, j] > 0.05 else None for j, b in enumerate(best)]
    results = []
    for j, row in enumerate(top):
        shared = int(model.audience_bits[row]) & mask
        audience = next((a for a, bit in AUDIENCE_BIT.items() if shared & bit), None)
        results.append(Ranked(int(row), float(score[row]), because[j], audience))
    return results


# -- the model of this installation, built from the database and kept in memory ---------------

_lock = threading.Lock()
_cache: dict[str, tuple[float, tuple[int, int, int], Model]] = {}


def _fingerprint() -> tuple[int, int, int]:
    """Changes when a line is added to or taken off the log, or a book is added."""
    last_log = ReadingLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_book = Book.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last_log, ReadingLog.objects.count(), last_book


@dataclass
class Catalogue:
    """The books as the model sees them, in primary-key order."""

    ids: list[int]
    texts: list[str]  # title, author, subject, summary and audiences, for TF-IDF
    audiences: list[list[str]]
    titles: list[str]


def catalogue_from_db() -> Catalogue:
    books = list(
        Book.objects.order_by("pk").values_list("pk", "title", "author", "category", "summary", "audiences")
    )
    labels = dict(Audience.choices)
    return Catalogue(
        ids=[b[0] for b in books],
        texts=[
            " ".join([title, author, category, summary[:300], *(labels.get(a, "") for a in audiences or [])])
            for _pk, title, author, category, summary, audiences in books
        ],
        audiences=[b[5] or [] for b in books],
        titles=[b[1] for b in books],
    )


def model_from_db() -> Model:
    books = catalogue_from_db()
    ids = books.ids
    row_of = {pk: i for i, pk in enumerate(ids)}
    # Books of the catalogue only: a title a resident typed in is nobody else's to be recommended.
    pairs = np.array(
        list(ReadingLog.objects.filter(book__isnull=False).values_list("reader_id", "book_id")),
        dtype=np.int64,
    ).reshape(-1, 2)
    readers = pairs[:, 0]
    rows = np.array([row_of[b] for b in pairs[:, 1]], dtype=np.int64) if len(pairs) else np.zeros(0, np.int64)
    return build_model(ids, books.texts, books.audiences, books.titles, readers, rows)


def current_model() -> Model:
    """The in-memory model, rebuilt when the log or the catalogue changed and it is older than
    ``MODEL_TTL`` (at once when there is none)."""
    with _lock:
        cached = _cache.get("model")
        now = time.monotonic()
        if cached is not None and now - cached[0] < MODEL_TTL:
            return cached[2]
        fingerprint = _fingerprint()
        if cached is not None and cached[1] == fingerprint:
            _cache["model"] = (now, fingerprint, cached[2])
            return cached[2]
        model = model_from_db()
        _cache["model"] = (now, fingerprint, model)
        return model


def forget_model() -> None:
    with _lock:
        _cache.clear()


@dataclass
class Suggestion:
    kind: str  # book, lecture, activity
    title: str
    url: str
    reason: str


def _wanted(profile: ReaderProfile | None) -> set[str]:
    if profile is None:
        return set()
    wanted = set(profile.audiences or [])
    if profile.age_group in AGE_AUDIENCE:
        wanted.add(AGE_AUDIENCE[AgeGroup(profile.age_group)])
    return wanted


def recommend_books(account: User, *, limit: int = 6) -> list[Suggestion]:
    """Books for the account's readers, each with its reason. What they read (读过) or are reading
    (在读) shapes the picks and names the reason — 因为你读过《…》, 因为你在读《…》: a book being read
    is a taste already shown, and a resident on its first book should not wait for the last page.
    A book only wanted (想读) is not read, so it neither shapes the picks nor is named as read;
    it is not offered again either."""
    model = current_model()
    profile = ReaderProfile.objects.filter(account=account).first()
    wanted = _wanted(profile)
    logged = list(
        ReadingLog.objects.filter(reader__account=account, book__isnull=False)
        .order_by("updated_at")
        .values_list("book_id", "status")
    )
    finished = set(
        Finish.objects.filter(reader__account=account, book__isnull=False).values_list("book_id", flat=True)
    )
    shown = [b for b, status in logged if status != ReadingStatus.WANT or b in finished]
    shown += [b for b in finished if b not in shown]
    reading_only = {b for b, status in logged if status == ReadingStatus.READING and b not in finished}
    history = list(dict.fromkeys(model.row_of[b] for b in shown if b in model.row_of))
    on_log = [model.row_of[b] for b, _status in logged if b in model.row_of]
    labels = dict(Audience.choices)
    if not history:
        return _curated(wanted, limit=limit, skip={b for b, _status in logged})
    picks = rank(model, history, wanted, limit=limit, exclude=on_log)
    ids = [int(model.book_ids[item.row]) for item in picks]
    isbns = dict(Book.objects.filter(pk__in=ids).values_list("pk", "isbn"))
    # Only books some list or catalogue recommends have a public page to link to.
    listed = set(
        BookListEntry.objects.filter(book_id__in=ids, book_list__published=True).values_list(
            "book_id", flat=True
        )
    )
    suggestions = []
    for item, book_id in zip(picks, ids, strict=True):
        if item.because is not None:
            verb = "在读" if int(model.book_ids[item.because]) in reading_only else "读过"
            reason = f"因为你{verb}《{model.titles[item.because]}》"
        elif item.audience:
            reason = f"适合{labels[item.audience]}"
        else:
            reason = "很多人在读"
        url = reverse("public:book", args=[isbns[book_id]]) if book_id in listed else ""
        suggestions.append(Suggestion("book", f"《{model.titles[item.row]}》", url, reason))
    return suggestions


def _curated(wanted: set[str], *, limit: int, skip: set[int] | None = None) -> list[Suggestion]:
    """For a resident with no history: the catalogue's books for its audiences, then the newest
    published lists' books (but not those of ``skip``, already on its log)."""
    labels = dict(Audience.choices)
    entries = BookListEntry.objects.filter(book_list__published=True).select_related("book", "book_list")
    if wanted:
        entries = entries.filter(audience__in=wanted) | entries.filter(
            book_list__kind="guidance", audience=""
        )
    picked, seen = [], set(skip or ())
    for entry in entries.order_by("-book_list__year", "book_list_id", "position")[: limit * 3]:
        if entry.book_id in seen:
            continue
        seen.add(entry.book_id)
        reason = (
            f"适合{labels[entry.audience]}"
            if entry.audience in wanted
            else f"来自书单《{entry.book_list.title}》"
        )
        picked.append(
            Suggestion("book", str(entry.book), reverse("public:book", args=[entry.book.isbn]), reason)
        )
        if len(picked) == limit:
            break
    return picked


def recommend_for(account: User, *, today: datetime.date | None = None) -> list[Suggestion]:
    """Books, lectures and nearby activities for the home page of a resident's reading."""
    from learnweek.activities.selectors import ActivityFilters, activities_found
    from learnweek.reading.selectors import lectures_public

    today = today or clock.today()
    profile = ReaderProfile.objects.filter(account=account).select_related("region").first()
    wanted = _wanted(profile)
    labels = dict(Audience.choices)
    suggestions = recommend_books(account)
    for lecture in lectures_public(upcoming=True)[:20]:
        shared = set(lecture.audiences or []) & wanted
        if shared or not wanted:
            reason = f"适合{labels[next(iter(shared))]}" if shared else "近期开讲"
            suggestions.append(
                Suggestion("lecture", lecture.title, reverse("public:lecture", args=[lecture.pk]), reason)
            )
        if sum(1 for s in suggestions if s.kind == "lecture") == 3:
            break
    region, reason = (
        (profile.region, "你所在的{}本周举办") if profile is not None and profile.region else (None, "")
    )
    if region is None:
        region = _registered_region(account)
        reason = "你报名过活动的{}本周举办"
    if region is not None:
        week = ActivityFilters(under=region, date_from=today, date_to=today + datetime.timedelta(days=7))
        for activity in activities_found(week)[:3]:
            suggestions.append(
                Suggestion(
                    "activity",
                    activity.name,
                    reverse("public:activity", args=[activity.pk]),
                    reason.format(region.name),
                )
            )
    return suggestions


def _registered_region(account: User) -> Unit | None:
    """The district of the resident's latest sign-up, for a resident who has not said where it lives."""
    from learnweek.registrations.models import Registration

    last = (
        Registration.objects.filter(resident=account)
        .select_related("activity__organiser")
        .order_by("-pk")
        .first()
    )
    if last is None:
        return None
    organiser = last.activity.organiser
    if organiser.kind == UnitKind.COUNTY:
        return organiser
    return organiser.get_ancestors().filter(kind=UnitKind.COUNTY).last()
