"""The audit log: entries chain by hash, and `learnweek audit-verify` finds an edited, a removed
or an inserted entry; retention removes only what is past its time and keeps the chain whole."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from learnweek.audit.models import AuditEntry
from learnweek.audit.services import audit_purge, audit_record
from learnweek.audit.verify import audit_verify
from tests.helpers import COUNTY


def _tamper(sql: str, *params) -> None:
    """Change the table behind the application's back (PostgreSQL's append-only trigger is what
    a tamperer with the owner's rights switches off first)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


@pytest.fixture
def entries(db, county_admin):
    for n in range(5):
        audit_record("account.roles", actor=county_admin, target=county_admin, detail={"n": n, "名": "张三"})
    return list(AuditEntry.objects.order_by("id"))


def test_an_intact_chain_verifies(entries, capsys):
    assert audit_verify().intact
    call_command("audit_verify")
    assert "审计日志完整：校验 5 条" in capsys.readouterr().out


def test_an_edited_entry_is_found(entries):
    _tamper("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", "别人", entries[2].id)
    result = audit_verify()
    assert [(f.entry_id, f.problem) for f in result.findings] == [
        (entries[2].id, "内容与其哈希不符：该条目被修改过")
    ]
    with pytest.raises(CommandError, match="发现 1 处问题"):
        call_command("audit_verify")


def test_a_deleted_entry_is_found(entries):
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", entries[1].id)
    result = audit_verify()
    assert [f.entry_id for f in result.findings] == [entries[2].id]
    assert "被删除" in result.findings[0].problem


def test_removing_the_newest_entry_is_found(entries):
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", entries[-1].id)
    result = audit_verify()
    assert [f.entry_id for f in result.findings] == [entries[-1].id]
    assert "链尾被删除" in result.findings[0].problem


def test_a_forged_entry_with_a_fresh_hash_still_breaks_the_link(entries):
    """Someone who recomputes the hash of the row they changed breaks the next row's link."""
    from learnweek.audit.services import entry_hash

    row = AuditEntry.objects.values().get(id=entries[2].id)
    row["actor_label"] = "别人"
    _tamper(
        "UPDATE audit_auditentry SET actor_label = %s, hash = %s WHERE id = %s",
        "别人",
        entry_hash(row),
        row["id"],
    )
    assert [f.entry_id for f in audit_verify().findings] == [entries[3].id]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own guard is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_an_entry(entries):
    for sql in ("UPDATE audit_auditentry SET actor_label = 'x'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEntry.objects.count() == 5


def test_an_action_that_rolls_back_leaves_no_entry(db, county_admin):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record("account.disable", actor=county_admin, target=county_admin)
        raise RuntimeError
    assert not AuditEntry.objects.exists()
    audit_record("account.enable", actor=county_admin, target=county_admin)
    assert audit_verify().intact


def test_entries_name_the_actor_and_its_unit(entries, county_admin):
    entry = entries[0]
    assert entry.actor_id == county_admin.pk and entry.unit_label == county_admin.unit.name
    assert entry.unit_path == county_admin.unit.path and county_admin.unit.code == COUNTY
    assert entry.detail == {"n": 0, "名": "张三"}


def test_an_unknown_action_is_refused(db):
    with pytest.raises(ValueError):
        audit_record("account.whatever")


def test_retention_removes_only_old_entries_and_the_chain_stays_whole(db, county_admin, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # below the floor: 180 days are kept all the same
    now = timezone.now()
    old = [audit_record("account.enable", actor=county_admin, target=county_admin) for _ in range(3)]
    _tamper(
        "UPDATE audit_auditentry SET at = %s WHERE id IN (%s, %s)",
        now - datetime.timedelta(days=200), old[0].id, old[1].id,
    )  # fmt: skip
    # Backdating the two rows broke their hashes; the purge removes exactly those.
    removed = audit_purge(now=now)
    assert removed == 2
    remaining = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert remaining == ["account.enable", "audit.purge"]
    result = audit_verify()
    assert result.intact, result.findings
    assert audit_purge(now=now) == 0
