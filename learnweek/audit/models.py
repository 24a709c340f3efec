"""The audit log (等保 2.0 level 3, 安全审计): one append-only table of security events and state
changes, each entry chained to the one before it by a SHA-256 over its own fields and the previous
entry's hash, so that an edited, inserted or removed entry breaks the chain (``learnweek
audit-verify``). The actor and the unit are copied in as ids, labels and the unit's tree path, not
as foreign keys: an entry outlives the account and the unit it names, and nothing cascades into it.
"""

from __future__ import annotations

from django.db import models

from learnweek.audit.actions import ACTIONS
from learnweek.core.fields import LineField


class AuditEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField("时间", db_index=True)
    action = LineField("事件", max_length=50, db_index=True)
    outcome = LineField("结果", max_length=10, default="成功")
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True, db_index=True)
    actor_label = LineField("操作人", max_length=120, blank=True)
    unit_path = LineField("单位路径", max_length=255, blank=True, db_index=True)
    unit_label = LineField("操作人单位", max_length=120, blank=True)
    target_type = LineField("对象类型", max_length=50, blank=True)
    target_id = LineField("对象编号", max_length=64, blank=True)
    target_label = LineField("对象", max_length=200, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    ip = LineField("来源地址", max_length=64, blank=True)
    prev_hash = LineField(max_length=64)
    hash = LineField(max_length=64, unique=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)


class AuditHead(models.Model):
    """The chain's one head row: the last entry's id and hash. Appends lock it, so the chain
    stays one line under concurrent writers; verification checks that the last entry is the
    head (a removed newest entry shows), and the retention job records what it purged."""

    last_id = models.BigIntegerField(default=0)
    last_hash = LineField(max_length=64, default="")
    purged_through_id = models.BigIntegerField(default=0)
    purged_through_hash = LineField(max_length=64, default="")

    class Meta:
        verbose_name = "审计日志链头"
        verbose_name_plural = "审计日志链头"

    def __str__(self) -> str:
        return f"#{self.last_id} {self.last_hash[:12]}"
