"""Writing the audit log: one entry per event, chained by hash; and its retention.

``audit_record`` runs inside the caller's transaction, so an action that rolls back leaves no
entry and an entry never claims an action that did not happen. Appends take the chain's head row
(``select_for_update``), so the chain stays one line whatever the number of writers."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from learnweek.audit.actions import ACTIONS, SUCCESS
from learnweek.audit.models import AuditEntry, AuditHead
from learnweek.core.clientip import client_ip

if TYPE_CHECKING:  # the audit log sits beside core: the type only, never the import
    from learnweek.accounts.models import User

GENESIS = "0" * 64
HASHED_FIELDS = (
    "at", "action", "outcome", "actor_id", "actor_label", "unit_path", "unit_label",
    "target_type", "target_id", "target_label", "detail", "ip", "prev_hash",
)  # fmt: skip


def _plain(value: Any) -> Any:
    """``value`` as JSON keeps it exactly through either database: text, whole numbers, truth
    values, lists and objects of them; anything else as its text."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def canonical(fields: dict[str, Any]) -> bytes:
    """The bytes an entry's hash is taken over: its fields in a fixed order, the time in UTC with
    microseconds, the detail as sorted JSON."""
    at = fields["at"]
    if isinstance(at, datetime.datetime):
        at = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    values = [at if name == "at" else fields[name] for name in HASHED_FIELDS]
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def _head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def _actor_fields(actor: User | None) -> dict[str, Any]:
    if actor is None or not getattr(actor, "pk", None):
        return {"actor_id": None, "actor_label": "系统", "unit_path": "", "unit_label": ""}
    unit = getattr(actor, "unit", None)
    name = getattr(actor, "full_name", "") or actor.get_username()
    label = f"{name}（{actor.get_username()}）" if name != actor.get_username() else name
    return {
        "actor_id": actor.pk,
        "actor_label": label[:120],
        "unit_path": unit.path if unit is not None else "",
        "unit_label": unit.name[:120] if unit is not None else "",
    }


def _target_fields(target: models.Model | None, label: str) -> dict[str, Any]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_label": label[:200]}
    return {
        "target_type": target._meta.label_lower[:50],
        "target_id": str(target.pk)[:64],
        "target_label": (label or str(target))[:200],
    }


def audit_record(
    action: str,
    *,
    actor: User | None = None,
    target: models.Model | None = None,
    target_label: str = "",
    detail: dict[str, Any] | None = None,
    outcome: str = SUCCESS,
    request: HttpRequest | None = None,
    ip: str = "",
    unit: Any = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry for ``action`` (a key of ``audit.actions.ACTIONS``) done by ``actor`` to
    ``target``. ``unit`` places an entry without an actor (a failed sign-in of a known account)
    in that account's unit, so the unit's 审计管理员 sees it; ``actor_label`` names who acted when
    no account did (“未登录（用户名）”)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    fields: dict[str, Any] = {
        "at": timezone.now(),
        "action": action,
        "outcome": outcome,
        **_actor_fields(actor),
        **_target_fields(target, target_label),
        "detail": _plain(detail or {}),
        "ip": (client_ip(request) if request is not None else ip)[:64],
    }
    if actor is None and actor_label:
        fields["actor_label"] = actor_label[:120]
    if unit is None and not fields["unit_path"] and target is not None:
        # No unit of the actor (a resident, the command line, an unknown username): the entry
        # belongs where its target does, so that unit's 审计管理员 sees it.
        unit = (
            target if hasattr(target, "path") and hasattr(target, "depth") else getattr(target, "unit", None)
        )
    if unit is not None and not fields["unit_path"]:
        fields["unit_path"], fields["unit_label"] = unit.path, unit.name[:120]
    with transaction.atomic():
        head = _head()
        fields["prev_hash"] = head.last_hash or head.purged_through_hash or GENESIS
        fields["hash"] = entry_hash(fields)
        entry = AuditEntry.objects.create(**fields)
        head.last_id, head.last_hash = entry.id, entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


def retention_days() -> int:
    """How long entries are kept: ``AUDIT_RETENTION_DAYS``, never under the 180 days that
    等保 2.0 (and 网络安全法 art. 21) ask for."""
    return max(180, int(settings.AUDIT_RETENTION_DAYS))


@transaction.atomic
def audit_purge(*, now: datetime.datetime | None = None) -> int:
    """Remove the entries older than the retention period, oldest first, and note in the head
    the last one removed (its hash is then the first kept entry's expected ``prev_hash``). The
    purge itself is an entry. Returns how many were removed."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    head = _head()
    last = AuditEntry.objects.filter(at__lt=cutoff).order_by("-id").values_list("id", "hash").first()
    if last is None:
        return 0
    through_id, through_hash = last
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the table's trigger lets only this transaction delete
            cursor.execute("SET LOCAL learnweek.audit_purge = 'on'")
    removed, _ = AuditEntry.objects.filter(id__lte=through_id).delete()
    head.purged_through_id, head.purged_through_hash = through_id, through_hash
    head.save(update_fields=["purged_through_id", "purged_through_hash"])
    audit_record(
        "audit.purge",
        detail={
            "removed": removed,
            "through_id": through_id,
            "before": cutoff.isoformat(),
            "days": retention_days(),
        },
    )
    return removed
