"""Checking the audit chain: every entry's hash is recomputed from its fields and must link to
the entry before it; the first kept entry links to what the retention job last removed, and the
last entry is the head. An edited entry fails its own hash; a removed one breaks the link of the
entry after it (or, the newest, the head); an inserted one breaks a link too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from learnweek.audit.models import AuditEntry, AuditHead
from learnweek.audit.services import GENESIS, HASHED_FIELDS, entry_hash

CHUNK = 5000


@dataclass
class Finding:
    entry_id: int | None
    problem: str


@dataclass
class Verification:
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings


def _rows() -> Iterator[dict]:
    """All entries in id order, a chunk at a time (keyset paging: memory stays flat)."""
    names = ("id", "hash", *HASHED_FIELDS)
    after = 0
    while True:
        chunk = list(AuditEntry.objects.filter(id__gt=after).order_by("id").values(*names)[:CHUNK])
        if not chunk:
            return
        yield from chunk
        after = chunk[-1]["id"]


def audit_verify(*, limit: int = 100) -> Verification:
    """Walk the whole chain; up to ``limit`` findings are kept (the count goes on)."""
    head = AuditHead.objects.filter(pk=1).first()
    expected_prev = (head.purged_through_hash if head else "") or GENESIS
    result = Verification()
    last_hash = ""

    def find(entry_id: int | None, problem: str) -> None:
        if len(result.findings) < limit:
            result.findings.append(Finding(entry_id, problem))

    for row in _rows():
        result.checked += 1
        if row["prev_hash"] != expected_prev:
            find(row["id"], "与前一条不衔接：其前面的条目被删除、插入或修改过")
        if entry_hash(row) != row["hash"]:
            find(row["id"], "内容与其哈希不符：该条目被修改过")
        expected_prev = last_hash = row["hash"]
    if head is not None and head.last_hash and head.last_hash != last_hash:
        find(head.last_id, "最新的条目不在了：链尾被删除过")
    return result
