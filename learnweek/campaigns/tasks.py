from celery import shared_task

from learnweek.campaigns.models import Requirement
from learnweek.campaigns.services import reminders_send
from learnweek.orgs.models import Unit


@shared_task
def send_reminders(
    within_days: int = 3, requirement_id: int | None = None, under_id: int | None = None
) -> dict:
    """Daily through beat, or for one requirement from the board's button. Sending twice only
    repeats a reminder; it changes no data."""
    requirement = Requirement.objects.get(pk=requirement_id) if requirement_id else None
    under = Unit.objects.get(pk=under_id) if under_id else None
    return reminders_send(within_days=within_days, requirement=requirement, under=under)
