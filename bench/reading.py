"""Personalised book matching at national scale: 100,000 residents, 50,000 books and a generated
reading log (kept between runs, like the activities).

1. Quality: hit-rate@10 on a held-out split — for 2,000 sampled readers one book they read is
   hidden, the model is built from the rest, and a hit is the hidden book among the top 10 —
   against the popularity baseline (the 10 most-read books the reader has not read).
2. Time: recommending for one resident through `recommend_books` (its history from the database,
   the in-memory model, the reasons), median over 200 residents, against a hand-written
   popularity recommender doing the same history query and a numpy top-10. Target: under 50 ms.

The generated log has structure a real one has: each reader favours two of 40 subjects, takes
most books from them and the rest from what is popular, and popularity within a subject is
Zipf-like.
"""

import time

import numpy as np
from django.db import connection

from learnweek.accounts.models import User
from learnweek.core.db import bulk_insert
from learnweek.reading.models import Book, Reader, ReadingLog
from learnweek.reading.recommend import (
    build_model,
    catalogue_from_db,
    current_model,
    forget_model,
    rank,
    recommend_books,
)

RESIDENTS, BOOKS, SUBJECTS = 100_000, 50_000, 40
SAMPLE, TOP = 2_000, 10
COMMITS = True  # the data is kept between runs; nothing else is written
SUBJECT_WORDS = [
    "历史", "养生", "亲子", "科幻", "诗词", "书法", "园艺", "烹饪", "摄影", "音乐",
    "法律", "理财", "编程", "外语", "哲学", "心理", "旅行", "医学", "农业", "手工",
    "戏曲", "绘画", "天文", "地理", "军事", "体育", "围棋", "茶艺", "中医", "考古",
    "经济", "管理", "教育", "儿童", "武术", "民俗", "建筑", "环保", "航天", "数学",
]  # fmt: skip
AUDIENCES = ["elderly", "youth", "family", "workers", "farmers", "veterans", "general"]


def _isbn(i: int) -> str:
    stem = f"979{i:09d}"
    total = sum(int(d) * (1 if k % 2 == 0 else 3) for k, d in enumerate(stem))
    return stem + str((10 - total % 10) % 10)


def prepare():
    """Generate the catalogue, the residents and their log once (about a minute)."""
    if ReadingLog.objects.filter(reader__account__username=f"bench-r{RESIDENTS - 1}").exists():
        return _arrays()
    # A run cut short leaves part of the data: start again from nothing.
    ReadingLog.objects.filter(reader__account__username__startswith="bench-r").delete()
    Reader.objects.filter(account__username__startswith="bench-r").delete()
    User.objects.filter(username__startswith="bench-r").delete()
    Book.objects.filter(isbn__startswith="979").delete()
    print("generating 50,000 books, 100,000 residents and their reading log (kept for later runs) ...")
    rng = np.random.default_rng(2026)
    subject_of = rng.integers(0, SUBJECTS, BOOKS)
    bulk_insert(
        Book,
        [
            {
                "isbn": _isbn(i),
                "title": f"{SUBJECT_WORDS[subject_of[i]]}{SUBJECT_WORDS[(i * 7) % SUBJECTS]}读本第{i}册",
                "author": f"作者{i % 997}",
                "category": SUBJECT_WORDS[subject_of[i]],
                "summary": f"一本关于{SUBJECT_WORDS[subject_of[i]]}的书。",
                "audiences": [AUDIENCES[subject_of[i] % len(AUDIENCES)]],
            }
            for i in range(BOOKS)
        ],
    )
    bulk_insert(
        User,
        [
            {"username": f"bench-r{i}", "password": "!", "phone": f"19{i:09d}", "is_active": True}
            for i in range(RESIDENTS)
        ],
    )
    user_ids = dict(User.objects.filter(username__startswith="bench-r").values_list("username", "pk"))
    bulk_insert(
        Reader,
        [{"account_id": user_ids[f"bench-r{i}"], "name": "我", "is_self": True} for i in range(RESIDENTS)],
    )
    reader_ids = dict(
        Reader.objects.filter(account__username__startswith="bench-r").values_list("account__username", "pk")
    )
    book_ids = np.array(
        Book.objects.filter(isbn__startswith="979").order_by("isbn").values_list("pk", flat=True)
    )
    by_subject = [np.flatnonzero(subject_of == s) for s in range(SUBJECTS)]
    # Zipf-like popularity within each subject and overall, sampled by inverse CDF in bulk.
    cdf_subject = [np.cumsum(1.0 / np.arange(1, len(r) + 1) ** 0.9) for r in by_subject]
    cdf_subject = [c / c[-1] for c in cdf_subject]
    cdf_all = np.cumsum(1.0 / np.arange(1, BOOKS + 1) ** 1.1)
    cdf_all /= cdf_all[-1]
    counts = rng.integers(5, 26, RESIDENTS)
    favourites = np.array([rng.choice(SUBJECTS, 2, replace=False) for _ in range(RESIDENTS)])
    owner = np.repeat(np.arange(RESIDENTS), counts)
    total = len(owner)
    from_subject = rng.random(total) < 0.8
    first = rng.random(total) < 0.6
    subject = np.where(first, favourites[owner, 0], favourites[owner, 1])
    u = rng.random(total)
    picks = np.empty(total, np.int64)
    for s_ in range(SUBJECTS):
        mask = from_subject & (subject == s_)
        picks[mask] = by_subject[s_][
            np.minimum(np.searchsorted(cdf_subject[s_], u[mask]), len(by_subject[s_]) - 1)
        ]
    rest = ~from_subject
    picks[rest] = np.minimum(np.searchsorted(cdf_all, u[rest]), BOOKS - 1)
    pairs = np.unique(np.stack([owner, picks], axis=1), axis=0)
    rows = []
    for reader_index, book_index in pairs:
        rows.append(
            {
                "reader_id": reader_ids[f"bench-r{reader_index}"],
                "book_id": int(book_ids[book_index]),
                "status": "read",
                "times_read": 1,
            }
        )
        if len(rows) >= 200_000:
            bulk_insert(ReadingLog, rows)
            rows = []
    bulk_insert(ReadingLog, rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reading_readinglog")
    return _arrays()


def _arrays():
    pairs = np.array(
        ReadingLog.objects.filter(reader__account__username__startswith="bench-r").values_list(
            "reader_id", "book_id"
        ),
        dtype=np.int64,
    )
    return pairs


def _hit_rates(pairs) -> tuple[float, float, float]:
    """(ours, popularity, build seconds) on a held-out split."""
    books = catalogue_from_db()  # the texts the product's model is built from
    ids = books.ids
    row_of = {pk: i for i, pk in enumerate(ids)}
    rows = np.array([row_of[b] for b in pairs[:, 1]])
    readers = pairs[:, 0]
    rng = np.random.default_rng(7)
    order = np.argsort(readers, kind="stable")
    readers, rows = readers[order], rows[order]
    starts = np.flatnonzero(np.r_[True, readers[1:] != readers[:-1]])
    ends = np.r_[starts[1:], len(readers)]
    sample = rng.choice(len(starts), SAMPLE, replace=False)
    hidden_at = np.array([rng.integers(starts[s], ends[s]) for s in sample])
    keep = np.ones(len(rows), bool)
    keep[hidden_at] = False
    started = time.perf_counter()
    model = build_model(ids, books.texts, books.audiences, books.titles, readers[keep], rows[keep])
    build = time.perf_counter() - started
    counts = np.bincount(rows[keep], minlength=len(ids))
    popular = np.argsort(-counts)
    ours = base = 0
    for s, hidden in zip(sample, hidden_at, strict=True):
        history = [int(r) for r in rows[starts[s] : ends[s]] if r != rows[hidden]]
        target = int(rows[hidden])
        if target in {r.row for r in rank(model, history, set(), limit=TOP)}:
            ours += 1
        seen = set(history)
        if target in [int(r) for r in popular[: TOP + len(seen)] if int(r) not in seen][:TOP]:
            base += 1
    return ours / SAMPLE, base / SAMPLE, build


def run(median_ms, report, pairs) -> None:
    ours, base, build = _hit_rates(pairs)
    print(
        f"{'hit-rate@10, held-out split of 2,000 readers (higher is better)':<58} {ours:10.3f}     popularity {base:10.3f}     ratio {ours / base:5.2f}x"
    )
    print(f"{'building the model from 100,000 readers and 50,000 books':<58} {build:10.1f} s")
    forget_model()
    started = time.perf_counter()
    model = current_model()
    print(f"{'loading the model from the database':<58} {time.perf_counter() - started:10.1f} s")
    accounts = list(User.objects.filter(username__startswith="bench-r").order_by("?")[:200])
    counts = model.popularity

    def ours_one(account=accounts):
        for user in account:
            recommend_books(user)

    def baseline(account=accounts):
        for user in account:
            seen = {
                model.row_of[b]
                for b in ReadingLog.objects.filter(reader__account=user).values_list("book_id", flat=True)
            }
            top = np.argpartition(-counts, TOP + len(seen))[: TOP + len(seen)]
            [int(model.book_ids[r]) for r in top if r not in seen][:TOP]

    per_ours = median_ms(ours_one, repeat=3) / len(accounts)
    per_base = median_ms(baseline, repeat=3) / len(accounts)
    report("recommending for one resident (100,000 residents, 50,000 books)", per_ours, per_base)
    print(f"{'':<58} target: under 50 ms — {'met' if per_ours < 50 else 'NOT met'}")
