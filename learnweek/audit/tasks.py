from __future__ import annotations

from celery import shared_task

from learnweek.audit.services import audit_purge


@shared_task(name="learnweek.audit.tasks.purge_audit_log")
def purge_audit_log() -> int:
    """Daily: remove entries past the retention period (``audit.services.audit_purge``)."""
    return audit_purge()
