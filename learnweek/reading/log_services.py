"""Writes of a resident's reading: its family's readers, the reading log (want / reading / read,
re-reads counted), days marked as read, yearly goals, the profile recommendations use, and a
province's incentive scheme. A resident acts only on its own account's readers."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from learnweek.core import clock
from learnweek.core.chinese import chinese_date
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.locking import READING_LOG, key, lock
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import require_role
from learnweek.reading.isbn import normalise_isbn
from learnweek.reading.models import (
    AgeGroup,
    Audience,
    Book,
    Finish,
    IncentiveScheme,
    Reader,
    ReaderProfile,
    ReadingDay,
    ReadingGoal,
    ReadingLog,
    ReadingStatus,
)

if TYPE_CHECKING:
    from learnweek.accounts.models import User

MAX_READERS = 8
NOTES_LIMIT = 2000


def _own(account: User, reader: Reader) -> Reader:
    if reader.account_id != account.pk:
        raise NotFound()
    return reader


@transaction.atomic
def reader_self(*, account: User) -> Reader:
    """The account holder's own reader, made on first use."""
    reader = Reader.objects.filter(account=account, is_self=True).first()
    if reader is None:
        reader = Reader.objects.create(account=account, name="我", is_self=True)
    return reader


@transaction.atomic
def reader_add(*, account: User, name: str, age_group: str = "") -> Reader:
    """Another reader of the family (a child, a parent): each keeps its own log."""
    name = name.strip()
    if not name or len(name) > 30:
        raise DomainError("请填写称呼（不超过 30 字），如“女儿”。", code="reader_invalid")
    if age_group and age_group not in AgeGroup.values:
        raise DomainError("请选择年龄段。", code="reader_invalid")
    reader_self(account=account)
    if Reader.objects.filter(account=account).count() >= MAX_READERS:
        raise DomainError(f"一个账号最多 {MAX_READERS} 位读者。", code="reader_invalid")
    if Reader.objects.filter(account=account, name=name).exists():
        raise DomainError(f"已有称呼为“{name}”的读者。", code="reader_invalid")
    return Reader.objects.create(account=account, name=name, age_group=age_group)


def book_find(query: str) -> Book:
    """A book of the catalogue by its ISBN, its exact title, or the one title that contains
    ``query``; refused with a hint when none or several match."""
    query = query.strip()
    if not query:
        raise DomainError("请填写书名或 ISBN。", code="book_not_found")
    digits = query.replace("-", "").replace(" ", "")
    if digits[:-1].isdigit() and len(digits) in (10, 13):
        book = Book.objects.filter(isbn=normalise_isbn(query)).first()
        if book is None:
            raise DomainError(f"图书库中还没有 ISBN {query} 的书。", code="book_not_found")
        return book
    exact = list(Book.objects.filter(title=query)[:2])
    if len(exact) == 1:
        return exact[0]
    found = list(Book.objects.filter(Q(title__contains=query))[:6])
    if len(found) == 1 and not exact:
        return found[0]
    if not found:
        raise DomainError(f"图书库中没有书名含“{query[:20]}”的书。", code="book_not_found")
    listed = "；".join(f"《{b.title}》{b.author} ISBN {b.isbn}" for b in found[:5])
    raise DomainError(f"找到多本书，请填写 ISBN：{listed}", code="book_ambiguous")


@transaction.atomic
def log_set(
    *,
    account: User,
    reader: Reader,
    book: Book,
    status: str,
    notes: str | None = None,
    finished_on: datetime.date | None = None,
) -> ReadingLog:
    """Put ``book`` on the reader's log with ``status``. Marking it read records a finished reading
    (again for a re-read) on ``finished_on`` (default today)."""
    _own(account, reader)
    if status not in ReadingStatus.values:
        raise DomainError("状态应为想读、在读或读过。", code="log_invalid")
    if notes is not None and len(notes) > NOTES_LIMIT:
        raise DomainError(f"笔记最多 {NOTES_LIMIT} 字（现有 {len(notes)} 字）。", code="log_invalid")
    today = clock.today()
    if finished_on is not None and finished_on > today:
        raise DomainError(f"读完日期 {chinese_date(finished_on)} 在今天之后。", code="log_invalid")
    # Two taps at once on a book not yet on the log would both create it: they take turns.
    lock(key(READING_LOG, reader.pk, book.pk))
    log = ReadingLog.objects.select_for_update().filter(reader=reader, book=book).first()
    if log is None:
        log = ReadingLog(reader=reader, book=book, status=status)
    log.status = status
    if notes is not None:
        log.notes = notes.strip()
    if status == ReadingStatus.READ:
        log.times_read += 1
        Finish.objects.create(reader=reader, book=book, on=finished_on or today)
    log.save()
    return log


@transaction.atomic
def day_mark(*, account: User, reader: Reader, on: datetime.date | None = None) -> bool:
    """Mark a day as read (打卡); True when it was not marked yet."""
    _own(account, reader)
    on = on or clock.today()
    if on > clock.today():
        raise DomainError("不能为以后的日子打卡。", code="day_invalid")
    _, created = ReadingDay.objects.get_or_create(reader=reader, on=on)
    return created


@transaction.atomic
def goal_set(*, account: User, reader: Reader, books: int, year: int | None = None) -> ReadingGoal:
    _own(account, reader)
    if not isinstance(books, int) or not 1 <= books <= 1000:
        raise DomainError("年度目标应为 1—1000 本。", code="goal_invalid")
    goal, _ = ReadingGoal.objects.update_or_create(
        reader=reader, year=year or clock.today().year, defaults={"books": books}
    )
    return goal


@transaction.atomic
def profile_save(
    *,
    account: User,
    region: Unit | None = None,
    age_group: str = "",
    audiences: list[str] | None = None,
    interests: str = "",
) -> ReaderProfile:
    if age_group and age_group not in AgeGroup.values:
        raise DomainError("请选择年龄段。", code="profile_invalid")
    audiences = audiences or []
    if any(a not in Audience.values for a in audiences):
        raise DomainError("关注人群不在可选范围内。", code="profile_invalid")
    if region is not None and region.kind not in (UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY):
        raise DomainError("所在地区应为省、市或区县。", code="profile_invalid")
    profile, _ = ReaderProfile.objects.update_or_create(
        account=account,
        defaults={
            "region": region,
            "age_group": age_group,
            "audiences": audiences,
            "interests": interests.strip()[:200],
        },
    )
    return profile


@transaction.atomic
def scheme_save(*, actor: User | None, province: Unit, **values: object) -> IncentiveScheme:
    """A province's administrators set its incentive scheme."""
    require_role(actor, province, Role.ADMIN, "设置阅读激励")
    if province.kind != UnitKind.PROVINCE:
        raise DomainError("阅读激励由省级设置。", code="scheme_invalid")
    streak = values.get("streak_days", 7)
    if not isinstance(streak, int) or not 0 <= streak <= 365:
        raise DomainError("连续阅读天数应为 0—365。", code="scheme_invalid")
    fields = ("goal_badge", "streak_days", "list_badge", "family_badge", "leaderboard")
    scheme, _ = IncentiveScheme.objects.update_or_create(
        province=province, defaults={k: values[k] for k in fields if k in values}
    )
    return scheme
