from __future__ import annotations

from typing import TYPE_CHECKING

from celery import shared_task

from learnweek.campaigns.models import Requirement
from learnweek.campaigns.selectors import may_send_reminders
from learnweek.campaigns.services import reminders_send
from learnweek.core.errors import PermissionDenied
from learnweek.core.queue import enqueue
from learnweek.orgs.models import Unit

if TYPE_CHECKING:
    from learnweek.accounts.models import User


@shared_task
def send_reminders(
    within_days: int = 3, requirement_id: int | None = None, under_id: int | None = None
) -> dict:
    """Daily through beat, or for one requirement from the board's button. Sending twice only
    repeats a reminder; it changes no data."""
    requirement = Requirement.objects.get(pk=requirement_id) if requirement_id else None
    under = Unit.objects.get(pk=under_id) if under_id else None
    return reminders_send(within_days=within_days, requirement=requirement, under=under)


def reminders_request(*, actor: User, requirement: Requirement, under: Unit) -> None:
    """Queue the reminders of ``requirement`` to the units under ``under`` that have not handed it
    in, if ``actor`` may send them (``may_send_reminders``, which also decides whether the board
    offers the button). The requirement and unit are ones the actor sees (the board's)."""
    if not may_send_reminders(actor):
        raise PermissionDenied("只有审核员或管理员可以发送提醒。")
    enqueue(send_reminders, what="提醒", within_days=0, requirement_id=requirement.pk, under_id=under.pk)
