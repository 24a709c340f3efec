"""`learnweek audit-verify`: walk the audit chain and report every entry that was changed,
removed or inserted; exit status 1 when the chain is broken (for a monitoring job)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from learnweek.audit.verify import audit_verify


class Command(BaseCommand):
    help = "校验审计日志的哈希链：发现被修改、删除或插入的条目。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="最多列出多少处问题（默认 100）")

    def handle(self, *args, limit: int, **options):
        started = time.perf_counter()
        result = audit_verify(limit=limit)
        seconds = time.perf_counter() - started
        if result.intact:
            self.stdout.write(f"审计日志完整：校验 {result.checked} 条，用时 {seconds:.1f} 秒。")
            return
        for finding in result.findings:
            where = f"第 {finding.entry_id} 条" if finding.entry_id is not None else "链尾"
            self.stdout.write(f"{where}：{finding.problem}")
        raise CommandError(
            f"审计日志被改动过：校验 {result.checked} 条，发现 {len(result.findings)} 处问题。"
        )
