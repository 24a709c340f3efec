"""`learnweek audit-purge`: remove audit entries past the retention period (also run daily by
Celery beat, ``audit.tasks.purge_audit_log``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from learnweek.audit.services import audit_purge, retention_days


class Command(BaseCommand):
    help = "清理超过保存期限的审计日志（保存期限 AUDIT_RETENTION_DAYS，不少于 180 天）。"

    def handle(self, *args, **options):
        removed = audit_purge()
        self.stdout.write(f"已清理 {removed} 条超过 {retention_days()} 天的审计日志。")
