"""When something underneath fails — the database connection drops in the middle of an import,
the message broker is down, the disk is full while a photo is stored — the user is told in plain
words, and nothing is left half-written."""

from __future__ import annotations

import errno
import os

import psycopg
import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.urls import reverse

from learnweek.activities import services as activity_services
from learnweek.activities.models import Activity
from learnweek.activities.services import activities_import
from learnweek.config.celery import app as celery_app
from learnweek.core.errors import DomainError
from learnweek.materials.models import SubmissionPhoto
from tests.activities.helpers import fubiao1
from tests.helpers import COUNTY, unit
from tests.permissions import world

ROWS = [[f"读书会{i}", f"2023-10-{10 + i}", "社区学校", "朝阳区教育局", 30, "", "共读"] for i in range(6)]


def halfway(fail):
    """A bulk insert that writes the first half of the rows, then meets ``fail``."""
    real = activity_services.bulk_insert

    def insert(model, rows, **kwargs):
        real(model, rows[: len(rows) // 2], **kwargs)
        fail()
        real(model, rows[len(rows) // 2 :], **kwargs)

    return insert


@pytest.mark.django_db
def test_a_connection_lost_mid_import_writes_nothing_and_says_so(
    client, jilin_2023_derived, monkeypatch, county_reporter
):
    def drop():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(activity_services, "bulk_insert", halfway(drop))
    client.force_login(county_reporter)
    preview = client.post(
        reverse("backoffice:activity_import"), {"campaign": jilin_2023_derived.slug, "file": fubiao1(ROWS)}
    )
    page = client.post(preview["Location"], {"action": "commit"}).content.decode()
    assert "导入中途与数据库的连接中断，本次没有写入任何活动；请重新导入这个文件。" in page
    assert Activity.objects.count() == 0
    assert "确认导入 6 行" in page  # the preview is still there to commit again


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a real PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backend_killed_mid_import_keeps_nothing(tree, jilin_2023_derived, monkeypatch):
    """The server ends the import's connection after the first rows went in, as a restart or a
    network cut would; the rows already sent die with the transaction."""
    settings = connection.settings_dict

    def kill():
        pid = connection.connection.info.backend_pid
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
        ) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])

    monkeypatch.setattr(activity_services, "bulk_insert", halfway(kill))
    with pytest.raises(DomainError, match="连接中断"):
        activities_import(actor=None, campaign=jilin_2023_derived, unit=unit(COUNTY), source=fubiao1(ROWS))
    assert Activity.objects.count() == 0  # asked on a fresh connection
    monkeypatch.undo()
    report = activities_import(
        actor=None, campaign=jilin_2023_derived, unit=unit(COUNTY), source=fubiao1(ROWS)
    )
    assert report.created == 6  # and the same file imports whole once the database is back


# -- the broker ------------------------------------------------------------------------------------


@pytest.fixture
def broker(monkeypatch):
    """Points Celery at ``url`` for real (no eager mode), as production does."""

    def use(url):
        monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
        monkeypatch.setitem(celery_app.conf, "broker_url", url)
        forget_pools()

    def forget_pools():  # made again, for the broker of the moment (kombu keeps the old ones open)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    yield use
    forget_pools()


@pytest.fixture
def remind(client, tree, settings, tmp_path):
    """朝阳区 presses 发送提醒 on the board of its own requirement, which its school has not met."""
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world.build()
    owner = world.people(world.COUNTY_LEVEL)["owner"]
    client.force_login(owner)
    return lambda: client.post(reverse("backoffice:board_remind", args=[w.plan.pk]), follow=True)


# A real commit: the e-mails are queued once the reminders are committed, as in production.
@pytest.mark.django_db(transaction=True)
def test_reminders_with_the_broker_down_say_the_mail_did_not_go(remind, broker, mailoutbox):
    broker("redis://127.0.0.1:9/0")  # nothing listens there
    page = remind().content.decode()
    # The notice in the app was written; the e-mail was not queued, and the count says so.
    assert "已通知 1 个单位（站内 1，邮件 0）" in page
    assert "消息队列暂时不可用，通知邮件没有发出（没有丢失任何数据）" in page
    assert not [m for m in mailoutbox if "催报" in m.subject]  # (building the world mailed news)


@pytest.mark.django_db(transaction=True)
def test_reminders_with_the_broker_up_are_queued(remind, broker, mailoutbox):
    redis = pytest.importorskip("redis").Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        redis.ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis.delete("celery")
    broker("redis://127.0.0.1:6379/15")
    try:
        page = remind().content.decode()
        assert "已通知 1 个单位（站内 1，邮件 1）" in page
        queued = redis.lrange("celery", 0, -1)
        assert len(queued) == 1 and b"learnweek.notices.tasks.send_notice_emails" in queued[0]
        assert not [m for m in mailoutbox if "催报" in m.subject]  # a worker sends it, not the request
    finally:
        redis.delete("celery")


# -- the disk --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_full_disk_while_storing_a_photo_keeps_nothing_and_says_so(
    client, tree, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world.build()
    real_save, calls = FileSystemStorage._save, []

    def save(self, name, content):
        calls.append(name)
        if len(calls) == 2:  # the original is on disk; the public copy finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    def files() -> set[str]:
        return {os.path.join(d, f) for d, _, names in os.walk(settings.MEDIA_ROOT) for f in names}

    before = files()
    monkeypatch.setattr(FileSystemStorage, "_save", save)
    client.force_login(world.people(world.COUNTY_LEVEL)["owner"])
    page = client.post(
        reverse("backoffice:material_act", args=[w.summary_draft.pk]),
        {"action": "photo", "caption": "读书会", "photo": world.jpeg("读书会.jpg", width=2500)},
        follow=True,
    ).content.decode()
    assert "服务器存储空间已满，文件没有保存，其他内容不受影响" in page
    assert not SubmissionPhoto.objects.filter(submission=w.summary_draft).exists()
    assert files() == before  # the original written first was removed again
    assert len(calls) == 2
