"""Writes to the reading side: the book catalogue (imported from xlsx/CSV), curated lists and the
lecture hall. One transaction per user action; bad input stores nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from learnweek.campaigns.rules import count_chars
from learnweek.core import clock
from learnweek.core.chinese import chinese_date
from learnweek.core.errors import DomainError, NotFound, RowErrorList
from learnweek.core.tabular import read_table
from learnweek.core.validation import is_http_url
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import require_role
from learnweek.reading.isbn import normalise_isbn
from learnweek.reading.models import (
    Audience,
    Book,
    BookList,
    BookListEntry,
    Essay,
    EssayCall,
    Lecture,
    ListKind,
)

if TYPE_CHECKING:
    from learnweek.accounts.models import User

IMPORT_COLUMNS = {
    "ISBN": "isbn",
    "书名": "title",
    "作者": "author",
    "出版社": "publisher",
    "出版年": "year",
    "分类": "category",
    "适读人群": "audiences",
    "简介": "summary",
}
REQUIRED_COLUMNS = ("ISBN", "书名")
AUDIENCE_BY_LABEL = {label: value for value, label in Audience.choices}
LIMITS = {"title": 200, "author": 200, "publisher": 100, "category": 50}


def _require_curator(actor: User | None, unit: Unit, what: str) -> None:
    require_role(actor, unit, Role.REPORTER, what)


def audiences_from_text(text: str) -> list[str]:
    """``老年人、家庭亲子`` → ["elderly", "family"]; unknown labels raise ValueError naming them."""
    labels = [p.strip() for p in text.replace("，", "、").replace(",", "、").split("、") if p.strip()]
    unknown = [label for label in labels if label not in AUDIENCE_BY_LABEL]
    if unknown:
        raise ValueError(f"不认识的适读人群“{'、'.join(unknown)}”（可选：{'、'.join(AUDIENCE_BY_LABEL)}）")
    return [AUDIENCE_BY_LABEL[label] for label in labels]


@dataclass
class ImportResult:
    created: int
    updated: int
    merged: int  # rows of the file that were the same book as an earlier row
    pictures: tuple[str, ...] = ()  # cells that were pictures, not imported (第3行「简介」)


def _row_values(number: int, row: dict[str, str], errors: RowErrorList) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    failed = False
    try:
        values["isbn"] = normalise_isbn(row.get("ISBN", ""))
    except DomainError as exc:
        errors.add(number, "ISBN", exc.message)
        failed = True
    for column, field in IMPORT_COLUMNS.items():
        if field in ("isbn", "year", "audiences"):
            continue
        text = row.get(column, "").strip()
        if field in LIMITS and len(text) > LIMITS[field]:
            errors.add(number, column, f"最多 {LIMITS[field]} 字（现有 {len(text)} 字）")
            failed = True
        values[field] = text
    if not values["title"]:
        errors.add(number, "书名", "不能为空")
        failed = True
    year = row.get("出版年", "").strip()
    if year:
        this_year = clock.today().year
        if not year.isdigit() or not 1000 <= int(year) <= this_year + 1:
            errors.add(number, "出版年", f"“{year}”不是年份")
            failed = True
        else:
            values["year"] = int(year)
    try:
        values["audiences"] = audiences_from_text(row.get("适读人群", ""))
    except ValueError as exc:
        errors.add(number, "适读人群", str(exc))
        failed = True
    return None if failed else values


@transaction.atomic
def books_import(
    *, actor: User | None, unit: Unit, source: BinaryIO, filename: str | None = None
) -> ImportResult:
    """Books from an xlsx or CSV file with the columns ISBN, 书名, 作者, 出版社, 出版年, 分类, 适读人群,
    简介. A book's ISBN-10 and ISBN-13 are one book: rows of the same book are merged, and a book
    already in the catalogue is updated with the row's non-empty values. Any bad row refuses the
    whole file, every bad row named."""
    _require_curator(actor, unit, "导入图书")
    table = read_table(source, filename)
    missing = [c for c in REQUIRED_COLUMNS if c not in table.headers]
    if missing:
        raise DomainError(f"缺少列：{'、'.join(missing)}（第 1 行应为表头）。", code="import_invalid")
    errors = RowErrorList()
    books: dict[str, tuple[int, dict[str, Any]]] = {}
    merged = 0
    for number, row in table.rows:
        values = _row_values(number, row, errors)
        if values is None:
            continue
        earlier = books.get(values["isbn"])
        if earlier is None:
            books[values["isbn"]] = (number, values)
            continue
        first, kept = earlier
        if kept["title"] != values["title"]:
            errors.add(
                number,
                "书名",
                f"与第{first}行是同一 ISBN（{values['isbn']}），书名却不同（“{kept['title']}”）",
            )
            continue
        kept.update({k: v for k, v in values.items() if v not in ("", None, [])})
        merged += 1
    if errors:
        raise errors.refusal()
    existing = {b.isbn: b for b in Book.objects.filter(isbn__in=list(books))}
    created = updated = 0
    for isbn, (_number, values) in books.items():
        book = existing.get(isbn)
        if book is None:
            Book.objects.create(**values)
            created += 1
            continue
        for field, value in values.items():
            if value not in ("", None, []):
                setattr(book, field, value)
        book.save()
        updated += 1
    return ImportResult(
        created=created, updated=updated, merged=merged, pictures=tuple(table.rows.pictures())
    )


# -- book lists --------------------------------------------------------------------------------

LIST_FIELDS = ("kind", "title", "year", "publisher", "recommender", "description", "published")


def _check_list(values: dict[str, Any]) -> None:
    problems = []
    if values.get("kind") not in ListKind.values:
        problems.append("请选择书单类别")
    if not str(values.get("title") or "").strip():
        problems.append("请填写书单名称")
    year = values.get("year")
    if not isinstance(year, int) or not 2000 <= year <= clock.today().year + 1:
        problems.append("请填写书单年度")
    if values.get("kind") == ListKind.PRESIDENT and not str(values.get("publisher") or "").strip():
        problems.append("社长（总编）荐书请填写出版社")
    if problems:
        raise DomainError("；".join(problems) + "。", code="list_invalid")


@transaction.atomic
def book_list_create(*, actor: User | None, unit: Unit, **values: Any) -> BookList:
    _require_curator(actor, unit, "维护书单")
    _check_list(values)
    fields = {name: values[name] for name in LIST_FIELDS if name in values}
    fields["title"] = fields["title"].strip()
    return BookList.objects.create(unit=unit, created_by=actor, **fields)


@transaction.atomic
def book_list_update(*, actor: User | None, book_list: BookList, **values: Any) -> BookList:
    _require_curator(actor, book_list.unit, "维护书单")
    merged = {name: getattr(book_list, name) for name in LIST_FIELDS} | values
    _check_list(merged)
    for name in LIST_FIELDS:
        if name in values:
            setattr(book_list, name, values[name])
    book_list.save()
    return book_list


@transaction.atomic
def book_list_add(
    *,
    actor: User | None,
    book_list: BookList,
    isbn: str,
    note: str = "",
    audience: str = "",
    topic: str = "",
    title: str = "",
    author: str = "",
    publisher: str = "",
) -> BookListEntry:
    """Add a book to a list by its ISBN; a book not yet in the catalogue is added with the title
    given. The same book twice on one list is refused."""
    _require_curator(actor, book_list.unit, "维护书单")
    code = normalise_isbn(isbn)
    if audience and audience not in Audience.values:
        raise DomainError("请选择适读人群。", code="entry_invalid")
    if book_list.kind == ListKind.GUIDANCE and not audience:
        raise DomainError("阅读指导目录中的每本书须注明适读人群。", code="entry_invalid")
    book = Book.objects.filter(isbn=code).first()
    if book is None:
        if not title.strip():
            raise DomainError(
                f"图书库中还没有 ISBN {code} 的书：请填写书名，或先导入书目。", code="entry_invalid"
            )
        book = Book.objects.create(
            isbn=code,
            title=title.strip()[:200],
            author=author.strip()[:200],
            publisher=publisher.strip()[:100],
        )
    if book_list.entries.filter(book=book).exists():
        raise DomainError(f"{book}已在本书单中。", code="duplicate_entry")
    top = book_list.entries.aggregate(top=Max("position"))["top"]
    return BookListEntry.objects.create(
        book_list=book_list,
        book=book,
        note=note.strip(),
        audience=audience,
        topic=topic.strip()[:50],
        position=(top or 0) + 1,
    )


@transaction.atomic
def book_list_remove(*, actor: User | None, entry: BookListEntry) -> None:
    _require_curator(actor, entry.book_list.unit, "维护书单")
    entry.delete()


# -- the lecture hall --------------------------------------------------------------------------

LECTURE_FIELDS = (
    "title",
    "speaker",
    "starts_at",
    "ends_at",
    "platform",
    "link",
    "audiences",
    "topic",
    "recording_url",
    "description",
    "published",
)


def _check_lecture(values: dict[str, Any]) -> None:
    problems = []
    for name, label in (("title", "题目"), ("speaker", "主讲人"), ("platform", "平台")):
        if not str(values.get(name) or "").strip():
            problems.append(f"请填写{label}")
    link = str(values.get("link") or "").strip()
    if not is_http_url(link):
        problems.append(f"观看链接“{link[:60] or '（空）'}”不是 http(s) 网址")
    recording = str(values.get("recording_url") or "").strip()
    if recording and not is_http_url(recording):
        problems.append(f"回放链接“{recording[:60]}”不是 http(s) 网址")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, datetime.datetime):
        problems.append("请填写开始时间")
    elif isinstance(ends, datetime.datetime) and ends < starts:
        problems.append("结束时间早于开始时间")
    audiences = values.get("audiences") or []
    if any(a not in Audience.values for a in audiences):
        problems.append("适合人群不在可选范围内")
    if problems:
        raise DomainError("；".join(problems) + "。", code="lecture_invalid")


@transaction.atomic
def lecture_create(*, actor: User | None, unit: Unit, **values: Any) -> Lecture:
    _require_curator(actor, unit, "发布讲座")
    _check_lecture(values)
    return Lecture.objects.create(unit=unit, **{n: values[n] for n in LECTURE_FIELDS if n in values})


@transaction.atomic
def lecture_update(*, actor: User | None, lecture: Lecture, **values: Any) -> Lecture:
    _require_curator(actor, lecture.unit, "修改讲座")
    merged = {name: getattr(lecture, name) for name in LECTURE_FIELDS} | values
    _check_lecture(merged)
    for name in LECTURE_FIELDS:
        if name in values:
            setattr(lecture, name, values[name])
    lecture.save()
    return lecture


# -- essay calls (读书征文) ------------------------------------------------------------------------


@transaction.atomic
def essay_call_create(
    *,
    actor: User | None,
    unit: Unit,
    title: str,
    deadline: datetime.date,
    description: str = "",
    max_chars: int = 3000,
    published: bool = False,
) -> EssayCall:
    _require_curator(actor, unit, "发布征文")
    problems = []
    if not title.strip():
        problems.append("请填写征文名称")
    if not isinstance(max_chars, int) or not 100 <= max_chars <= 20000:
        problems.append("正文最多字数应为 100—20000")
    if deadline < clock.today():
        problems.append(f"截止日期 {chinese_date(deadline)} 已过")
    if problems:
        raise DomainError("；".join(problems) + "。", code="call_invalid")
    return EssayCall.objects.create(
        unit=unit,
        title=title.strip(),
        description=description.strip(),
        deadline=deadline,
        max_chars=max_chars,
        published=published,
    )


@transaction.atomic
def essay_submit(*, account: User, call: EssayCall, title: str, body: str) -> Essay:
    """A resident's essay for a published call, until its deadline; sending again replaces it."""
    if not call.published:
        raise NotFound()
    if clock.today() > call.deadline:
        raise DomainError(f"“{call.title}”已于 {chinese_date(call.deadline)} 截止。", code="call_closed")
    title, body = title.strip(), body.strip()
    problems = []
    if not title:
        problems.append("请填写题目")
    elif count_chars(title) > 50:
        problems.append(f"题目不超过 50 字（现有 {count_chars(title)} 字）")
    length = count_chars(body)
    if length == 0:
        problems.append("请填写正文")
    elif length > call.max_chars:
        problems.append(f"正文不超过 {call.max_chars} 字（现有 {length} 字）")
    if problems:
        raise DomainError("；".join(problems) + "。", code="essay_invalid")
    essay, _ = Essay.objects.update_or_create(
        call=call, account=account, defaults={"title": title, "body": body, "submitted_at": timezone.now()}
    )
    return essay
