from __future__ import annotations

from typing import TYPE_CHECKING

from celery import shared_task

from learnweek.campaigns.services import deadline_notices_send, reminders_send

if TYPE_CHECKING:
    from learnweek.accounts.models import User
    from learnweek.campaigns.models import Requirement
    from learnweek.notices.services import Delivery
    from learnweek.orgs.models import Unit


@shared_task
def send_deadline_notices() -> str:
    """Daily through beat: tell the units that have not handed in a requirement due in 7 days,
    and again in 1 day; each once (``deadline_notices_send`` records what it sent)."""
    return deadline_notices_send().message()


def reminders_request(*, actor: User, requirement: Requirement, under: Unit) -> Delivery:
    """Remind the units under ``under`` that have not handed ``requirement`` in, if ``actor`` may
    (``may_send_reminders``, which also decides whether the board offers the button). The
    in-app notices and the record are written now, so the result is what happened; the e-mails
    are queued once that is committed. The requirement and unit are ones the actor sees."""
    return reminders_send(actor=actor, requirement=requirement, under=under)
