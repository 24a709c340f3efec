"""The audit log as the 审计管理员 takes it away: a spreadsheet of the entries searched for, each
with its hash, so a copy can be checked against the chain later."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from learnweek.audit.actions import ACTIONS
from learnweek.audit.models import AuditEntry
from learnweek.core.exporters import ListExporter

EXPORT_MAX = 50_000  # rows in one file; a longer search is refused with the count (narrow it)


class AuditExporter(ListExporter):
    filename = "审计日志"

    def __init__(self, entries: QuerySet[AuditEntry], description: str):
        self.entries = entries
        self.description = description

    def title(self) -> str:
        return "审计日志"

    def preamble(self) -> list[list[Any]]:
        return [[f"{self.description}（导出于 {timezone.localtime():%Y-%m-%d %H:%M}）"]]

    def header(self) -> Sequence[str]:
        return ["编号", "时间", "事件", "结果", "操作人", "单位", "对象", "详情", "来源地址", "哈希"]

    def rows(self) -> Iterable[Sequence[Any]]:
        for entry in self.entries.iterator(chunk_size=2000):
            detail = "；".join(f"{key}：{value}" for key, value in entry.detail.items())
            yield [
                entry.id,
                f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S}",
                ACTIONS.get(entry.action, entry.action),
                entry.outcome,
                entry.actor_label,
                entry.unit_label,
                entry.target_label,
                detail,
                entry.ip,
                entry.hash,
            ]
