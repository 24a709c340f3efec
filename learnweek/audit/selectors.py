"""Reading the audit log: only the 审计管理员 reads it, and only its unit's subtree (an auditor of
a top-level unit also reads the entries that belong to no unit: residents, the system and the
superuser)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from learnweek.audit.models import AuditEntry

if TYPE_CHECKING:
    from learnweek.accounts.models import User


def audit_entries_visible_to(user: User) -> QuerySet[AuditEntry]:
    if not user.is_active:
        return AuditEntry.objects.none()
    if user.is_superuser:
        return AuditEntry.objects.all()
    if not getattr(user, "is_auditor", False) or user.unit is None:
        return AuditEntry.objects.none()
    scope = Q(unit_path__startswith=user.unit.path)
    if user.unit.depth == 1:
        scope |= Q(unit_path="")
    return AuditEntry.objects.filter(scope)


def audit_search(
    entries: QuerySet[AuditEntry],
    *,
    text: str = "",
    action: str = "",
    outcome: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    if text:
        entries = entries.filter(
            Q(actor_label__icontains=text) | Q(target_label__icontains=text) | Q(ip__startswith=text)
            | Q(unit_label__icontains=text)
        )  # fmt: skip
    if action:
        entries = entries.filter(action=action)
    if outcome:
        entries = entries.filter(outcome=outcome)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-id")
