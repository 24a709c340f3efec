"""A unit's first save of a submission, made twice at the same moment (PostgreSQL, threads), and
what a writer is told when someone holds the lock too long."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from learnweek.campaigns.models import Submission
from learnweek.campaigns.services import submission_save
from learnweek.core import locking
from learnweek.core.errors import DomainError
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import unit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="advisory locks need PostgreSQL; SQLite has one writer"
    ),
]

WRITERS = 6
COUNTY = "220104"  # 长春市朝阳区, which answers Jilin's 展板素材


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_saves_make_one_draft(cascade, monkeypatch):
    """Six reporters of one county press 保存 on the empty form at once: every one of them is
    answered (no server error) and the county has one draft, the last text saved."""
    requirement = cascade["board"]
    reporters = [StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER]) for _ in range(WRITERS)]
    create = Submission.objects.create

    def slow_create(**kwargs):
        # Between "is there a draft?" and creating it, as a busy server would be: every writer
        # that did not wait for the first has by now found no draft either.
        time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(Submission.objects, "create", slow_create)
    barrier = threading.Barrier(WRITERS)
    saved: list[int] = []
    errors: list[BaseException] = []

    def save(i: int) -> None:
        try:
            barrier.wait()
            submission = submission_save(
                actor=reporters[i], requirement=requirement, unit=unit(COUNTY), title="题目", body=f"第{i}稿"
            )
            saved.append(submission.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    drafts = Submission.objects.filter(requirement=requirement, unit=unit(COUNTY))
    assert drafts.count() == 1
    assert saved == [drafts.get().pk] * WRITERS
    assert drafts.get().body.startswith("第")
    assert drafts.get().events.count() == 1  # one 新建 in its history


@pytest.mark.django_db(transaction=True)
def test_a_writer_kept_waiting_is_told_to_try_again(cascade, monkeypatch):
    """Someone holds the county's submission past the lock timeout: the reporter is told in
    Chinese that someone is working on it, and nothing is written."""
    requirement = cascade["board"]
    reporter = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                locking.lock(locking.key(locking.SUBMISSION, requirement.pk, unit(COUNTY).pk))
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        monkeypatch.setattr(locking, "LOCK_TIMEOUT", 0.2)
        started = time.monotonic()
        with pytest.raises(DomainError) as refused:
            submission_save(actor=reporter, requirement=requirement, unit=unit(COUNTY), body="草稿")
        assert time.monotonic() - started < 5
    finally:
        release.set()
        holder.join()
    assert refused.value.code == "busy"
    assert str(refused.value) == "有人正在处理同一事项，请稍后再试。"
    assert not Submission.objects.filter(requirement=requirement, unit=unit(COUNTY)).exists()
    # Once the other is done, the same save goes through.
    submission_save(actor=reporter, requirement=requirement, unit=unit(COUNTY), body="草稿")
    assert Submission.objects.get(requirement=requirement, unit=unit(COUNTY)).body == "草稿"
