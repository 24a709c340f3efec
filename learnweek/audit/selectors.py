"""Searching the audit log. Who reads which entries is ``accounts.selectors.
audit_entries_visible_to`` (the subtree rule lives with the unit tree, above this app)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from learnweek.audit.models import AuditEntry


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
