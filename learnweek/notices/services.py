"""Writes of notices: ``notify_units`` (one in-app notice to every active account of each unit,
e-mailed where the account has an address) and marking notices read.

What a unit counts as: **reached** when it has at least one active staff account — every one of
them gets the notice in the app (站内); of those, **by e-mail** (邮件) when at least one account
has an e-mail address. A unit whose accounts have no address (无邮箱) is reached in the app only:
it is counted under 站内, not under 邮件, and it is not "unreachable". **Unreachable** (无法联系)
is only a unit with no active account (无账号): nothing was delivered, and the result says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from learnweek.accounts.models import User
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.queue import enqueue
from learnweek.core.text import clean_line
from learnweek.notices.models import Notice
from learnweek.notices.tasks import send_notice_emails
from learnweek.orgs.models import Unit

if TYPE_CHECKING:
    from learnweek.accounts.models import User as Actor

NO_ACCOUNT = "无账号"
NAMES_SHOWN = 10  # a national notice may miss thousands of units: the message names the first few


@dataclass
class Delivery:
    """What a notice reached, as counted when it was written (see the module's docstring).
    ``email_refused`` is set when the e-mails could not be queued after the commit."""

    units: int = 0  # units addressed
    in_app: int = 0  # units reached in the app (at least one active account)
    by_email: int = 0  # of those, units with at least one e-mail address
    notices: int = 0  # in-app notices written (one per account)
    emails: int = 0  # e-mails queued (one per account with an address)
    unreachable: list[tuple[str, str]] = field(default_factory=list)  # (unit name, reason)
    email_refused: str = ""
    note: str = ""  # what the caller adds (e.g. that some units were reminded earlier today)
    channels: dict[int, str] = field(default_factory=dict)  # unit id → "站内" / "站内、邮件" / ""

    def __add__(self, other: Delivery) -> Delivery:
        return Delivery(
            units=self.units + other.units,
            in_app=self.in_app + other.in_app,
            by_email=self.by_email + other.by_email,
            notices=self.notices + other.notices,
            emails=self.emails + other.emails,
            unreachable=[*self.unreachable, *other.unreachable],
            email_refused=self.email_refused or other.email_refused,
            note=self.note or other.note,
            channels={**self.channels, **other.channels},
        )

    @property
    def in_app_only(self) -> int:
        """Units reached in the app whose accounts have no e-mail address (无邮箱)."""
        return self.in_app - self.by_email

    def message(self) -> str:
        """``已通知 N 个单位（站内 N，邮件 M）；无法联系 K 个：甲（无账号）、乙（无账号）``."""
        text = f"已通知 {self.in_app} 个单位（站内 {self.in_app}，邮件 {self.by_email}）"
        if self.unreachable:
            names = "、".join(f"{name}（{reason}）" for name, reason in self.unreachable[:NAMES_SHOWN])
            more = f" 等 {len(self.unreachable)} 个" if len(self.unreachable) > NAMES_SHOWN else ""
            text += f"；无法联系 {len(self.unreachable)} 个：{names}{more}"
        if self.note:
            text += f"；{self.note}"
        if self.email_refused:
            text += f"；{self.email_refused}"
        return text + "。"


def notify_units(
    units: Iterable[Unit] | QuerySet[Unit],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    email: bool = True,
) -> Delivery:
    """Write one notice of ``kind`` to every active staff account of each of ``units`` and queue
    the e-mail copies (plain text) once the transaction commits. Call it inside the service's
    transaction, after the change it announces. Returns the honest count (``Delivery``)."""
    if isinstance(units, QuerySet):
        listed = list(units.only("pk", "name").order_by("path"))
        accounts = User.objects.filter(unit__in=units.values("pk"), is_active=True)
    else:
        listed = list({u.pk: u for u in units}.values())
        accounts = User.objects.filter(unit__in=[u.pk for u in listed], is_active=True)
    by_unit: dict[int, list[tuple[int, str]]] = {}
    for pk, unit_id, address in accounts.values_list("pk", "unit_id", "email").order_by("pk"):
        by_unit.setdefault(unit_id, []).append((pk, address.strip()))
    title = clean_line(title)[:200]
    now = timezone.now()
    rows = [
        Notice(
            recipient_id=pk,
            unit_id=unit.pk,
            kind=kind,
            title=title,
            body=body,
            link=link,
            email=address if email else "",
            created_at=now,
        )
        for unit in listed
        for pk, address in by_unit.get(unit.pk, [])
    ]
    Notice.objects.bulk_create(rows, batch_size=500)
    delivery = Delivery(
        units=len(listed),
        in_app=sum(1 for u in listed if by_unit.get(u.pk)),
        by_email=sum(1 for u in listed if email and any(a for _, a in by_unit.get(u.pk, []))),
        notices=len(rows),
        emails=sum(1 for row in rows if row.email),
        unreachable=[(u.name, NO_ACCOUNT) for u in listed if not by_unit.get(u.pk)],
        channels={u.pk: _channels(by_unit.get(u.pk, []), email) for u in listed},
    )
    if delivery.emails:
        ids = [row.pk for row in rows if row.email]
        transaction.on_commit(lambda: _queue_emails(ids, delivery))
    return delivery


def _channels(accounts: list[tuple[int, str]], email: bool) -> str:
    if not accounts:
        return ""
    return "站内、邮件" if email and any(address for _, address in accounts) else "站内"


def _queue_emails(ids: list[int], delivery: Delivery) -> None:
    """After the commit: hand the e-mails to the worker. A broker that is down leaves the in-app
    notices in place and says in the delivery that the e-mails were not sent."""
    try:
        enqueue(send_notice_emails, what="通知邮件", notice_ids=ids)
    except DomainError as exc:
        delivery.by_email, delivery.emails = 0, 0
        delivery.email_refused = exc.message


@transaction.atomic
def notice_mark_read(*, actor: Actor, notice_id: int | None = None) -> int:
    """Mark one of the actor's notices read (``notice_id``), or all of them; returns how many
    changed. Another account's notice is missing to the actor (``NotFound``), and left alone."""
    mine = Notice.objects.filter(recipient=actor)
    if notice_id is not None:
        mine = mine.filter(pk=notice_id)
        if not mine.exists():
            raise NotFound()
    return mine.filter(read_at=None).update(read_at=timezone.now())
