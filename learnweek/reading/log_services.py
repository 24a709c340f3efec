"""Writes of a resident's reading: its family's readers, the reading log (want / reading / read,
re-reads counted), days marked as read, yearly goals, the profile recommendations use, and a
province's incentive scheme. A resident acts only on its own account's readers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from learnweek.core import clock
from learnweek.core.chinese import chinese_date
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.locking import READING_LOG, key, lock
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import require_role
from learnweek.reading.isbn import normalise_isbn
from learnweek.reading.log_selectors import takes_back_a_reading
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


TITLE_LIMIT = 100  # characters: the longest titles of the catalogue are about 60


@dataclass(frozen=True)
class BookRef:
    """What a log line names: a book of the catalogue, or a title (with author and ISBN as the
    resident gave them) the catalogue does not hold."""

    book: Book | None
    title: str = ""
    author: str = ""
    isbn: str = ""

    def __str__(self) -> str:
        return f"《{self.book.title if self.book else self.title}》"


def _clean_title(raw: str) -> str:
    return " ".join((raw or "").split()).strip("《》〈〉<> ")


def book_resolve(*, title: str = "", author: str = "", isbn: str = "") -> BookRef:
    """The book a resident means. An ISBN of the catalogue is that book; another valid ISBN is
    kept with the title typed (which it then needs). Without an ISBN, a title the catalogue holds
    exactly (with the author, when given) is that book, anything else the resident's own."""
    title, author = _clean_title(title), " ".join((author or "").split())
    if len(title) > TITLE_LIMIT:
        raise DomainError(f"书名最多 {TITLE_LIMIT} 字（现有 {len(title)} 字）。", code="title_invalid")
    if len(author) > TITLE_LIMIT:
        raise DomainError(f"作者最多 {TITLE_LIMIT} 字（现有 {len(author)} 字）。", code="author_invalid")
    isbn13 = normalise_isbn(isbn) if (isbn or "").strip() else ""
    if isbn13:
        book = Book.objects.filter(isbn=isbn13).first()
        if book is not None:
            return BookRef(book)
        if not title:
            raise DomainError(f"图书库中没有 ISBN {isbn13} 的书，请同时填写书名。", code="title_missing")
        return BookRef(None, title, author, isbn13)
    if not title:
        raise DomainError("请填写书名或 ISBN。", code="title_missing")
    same = Book.objects.filter(title=title)
    if author:
        same = same.filter(author=author)
    found = list(same[:6])
    if len(found) == 1:
        return BookRef(found[0])
    if found:
        listed = "；".join(f"{b.author or '作者不详'}，ISBN {b.isbn}" for b in found[:5])
        raise DomainError(f"图书库中有多本《{title}》，请填写作者或 ISBN：{listed}", code="book_ambiguous")
    return BookRef(None, title, author)


@transaction.atomic
def log_set(
    *,
    account: User,
    reader: Reader,
    book: Book | BookRef,
    status: str,
    notes: str | None = None,
    finished_on: datetime.date | None = None,
) -> ReadingLog:
    """Put ``book`` (of the catalogue, or the resident's own) on the reader's log with ``status``.
    Marking it read records a finished reading (again for a re-read) on ``finished_on`` (default
    today)."""
    _own(account, reader)
    ref = book if isinstance(book, BookRef) else BookRef(book)
    if status not in ReadingStatus.values:
        raise DomainError("状态应为想读、在读或读过。", code="log_invalid")
    if notes is not None and len(notes) > NOTES_LIMIT:
        raise DomainError(f"笔记最多 {NOTES_LIMIT} 字（现有 {len(notes)} 字）。", code="log_invalid")
    finished = _finished_on(finished_on)
    # Two taps at once on a book not yet on the log would both create it: they take turns.
    if ref.book is not None:
        lock(key(READING_LOG, reader.pk, ref.book.pk))
        lines = ReadingLog.objects.filter(reader=reader, book=ref.book)
    else:
        lock(key(READING_LOG, reader.pk))
        lines = ReadingLog.objects.filter(reader=reader, book=None, title=ref.title, author=ref.author)
    log = lines.select_for_update().first()
    if log is None:
        log = ReadingLog(reader=reader, book=ref.book, title=ref.title, author=ref.author, isbn=ref.isbn)
    elif ref.isbn and not log.isbn:
        log.isbn = ref.isbn
    if notes is not None:
        log.notes = notes.strip()
    if log.pk is None:
        log.save()
    return _move(log, status, finished)


def _finished_on(finished_on: datetime.date | None) -> datetime.date:
    today = clock.today()
    if finished_on is not None and finished_on > today:
        raise DomainError(f"读完日期 {chinese_date(finished_on)} 在今天之后。", code="log_invalid")
    return finished_on or today


def _own_log(account: User, log: ReadingLog) -> ReadingLog:
    """``log`` locked, if it is on one of the account's readers' logs."""
    locked = ReadingLog.objects.select_for_update().filter(pk=log.pk, reader__account=account).first()
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def log_status_set(
    *, account: User, log: ReadingLog, status: str, finished_on: datetime.date | None = None
) -> ReadingLog:
    """Move a line of the log to ``status`` (想读 → 在读 → 读过, or back).

    To 读过 records a finished reading; 读过 again records a re-read; back from 读过 takes back
    this year's reading only (``_move``)."""
    log = _own_log(account, log)
    if status not in ReadingStatus.values:
        raise DomainError("状态应为想读、在读或读过。", code="log_invalid")
    return _move(log, status, _finished_on(finished_on))


def _move(log: ReadingLog, status: str, finished: datetime.date) -> ReadingLog:
    """The one rule for a line's status, whichever way the resident gets there (the line's
    buttons, 记一本书 or a book's page): to 读过 records a finished reading on ``finished`` (a
    re-read when it was read already); back from 读过 takes back this year's latest reading
    (``takes_back_a_reading``), so the year's count, the goal, the badges and the leaderboard
    drop with it; an earlier year's reading stays (``takes_back_a_reading``)."""
    if status == ReadingStatus.READ:
        log.times_read += 1
        Finish.objects.create(reader_id=log.reader_id, log=log, book_id=log.book_id, on=finished)
    else:
        latest = log.finishes.order_by("-on", "-pk").first()
        if latest is not None and takes_back_a_reading(log.status, latest.on):
            latest.delete()
            log.times_read = max(0, log.times_read - 1)
    log.status = status
    log.save()
    return log


@transaction.atomic
def log_delete(*, account: User, log: ReadingLog) -> int:
    """Take a book off the log with its finished readings (so they no longer count); the number
    of finished readings removed."""
    log = _own_log(account, log)
    removed, _ = log.finishes.all().delete()
    log.delete()
    return removed


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
