"""Verifying the audit chain at 1,000,000 entries (BENCH_AUDIT_ENTRIES): ``audit.verify.
audit_verify`` — every entry read in id order, its hash recomputed from its fields and its link
to the one before checked — against the least any check must do, by hand: one server-side cursor
over the same columns and one SHA-256 per row of the same canonical bytes. The entries are made
once (a real chain, as ``audit_record`` would write it) and kept."""

import datetime
import hashlib
import json
import os

from django.db import connection, transaction
from django.utils import timezone

from learnweek.audit.models import AuditEntry, AuditHead
from learnweek.audit.services import GENESIS, HASHED_FIELDS, canonical, entry_hash
from learnweek.audit.verify import audit_verify

COMMITS = True
ENTRIES = int(os.environ.get("BENCH_AUDIT_ENTRIES", "1000000"))
BATCH = 10_000
ACTIONS = ("auth.sign_in", "auth.sign_in_failed", "submission.approve", "export.personal", "account.roles")


def prepare() -> int:
    have = AuditEntry.objects.count()
    if have >= ENTRIES:
        return have
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash or GENESIS
        start = timezone.now() - datetime.timedelta(days=170)
        for offset in range(have, ENTRIES, BATCH):
            rows = []
            for n in range(offset, min(offset + BATCH, ENTRIES)):
                fields = {
                    "at": start + datetime.timedelta(seconds=n * 14),
                    "action": ACTIONS[n % len(ACTIONS)],
                    "outcome": "成功" if n % 7 else "失败",
                    "actor_id": 1000 + n % 3000,
                    "actor_label": f"工作人员{n % 3000}（staff{n % 3000}）",
                    "unit_path": "0001000" + f"{n % 31:04d}",
                    "unit_label": "某省教育厅",
                    "target_type": "campaigns.submission",
                    "target_id": str(n),
                    "target_label": f"长春市朝阳区：2026年全民终身学习活动周工作总结 {n}",
                    "detail": {"from": "submitted", "to": "approved", "comment": "同意"},
                    "ip": f"10.{n % 250}.{n % 200}.1",
                    "prev_hash": prev,
                }
                fields["hash"] = prev = entry_hash(fields)
                rows.append(AuditEntry(**fields))
            AuditEntry.objects.bulk_create(rows)
        last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        head.last_id, head.last_hash = last
        head.save()
    return AuditEntry.objects.count()


def _by_hand() -> int:
    """One pass over the columns with a named (server-side) cursor, one SHA-256 each."""
    columns = ", ".join(HASHED_FIELDS)
    checked = 0
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT hash, {columns} FROM audit_auditentry ORDER BY id")
        while rows := cursor.fetchmany(5000):
            for row in rows:
                fields = dict(zip(HASHED_FIELDS, row[1:], strict=True))
                fields["detail"] = json.loads(fields["detail"])  # Django's connection reads jsonb as text
                assert hashlib.sha256(canonical(fields)).hexdigest() == row[0]
                checked += 1
    return checked


def run(median_ms, report, count: int) -> None:
    result = audit_verify()
    assert result.intact and result.checked == count == _by_hand(), (result.checked, count)
    ours = median_ms(audit_verify, repeat=3) / 1000
    baseline = median_ms(_by_hand, repeat=3) / 1000
    report(f"audit-verify, {count:,} entries", ours, baseline, unit="s ")
