"""The history tab's one shape. Each domain keeps its own record of state changes (submission
events, nomination decisions, the registrations' history table); its selector turns that record
into ``Change`` rows, and one template fragment (``backoffice/fragment_history.html``) shows
them, so every object's history reads the same: when, who, from what to what, and why."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # core sits below accounts: the type only, never the import at run time
    from learnweek.accounts.models import User

SYSTEM = "系统"


@dataclass(frozen=True)
class Change:
    at: datetime.datetime
    actor: str
    before: str
    after: str
    comment: str = ""
    unit: str = ""  # the level that acted, where levels take turns (nominations)


def actor_label(user: User | None) -> str:
    """Staff by name and unit; an account without a unit (a resident) by its name only."""
    if user is None:
        return SYSTEM
    name = user.full_name or user.username
    unit = getattr(user, "unit", None)
    return f"{name}（{unit.name}）" if unit is not None else name
