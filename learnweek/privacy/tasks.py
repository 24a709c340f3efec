from __future__ import annotations

from celery import shared_task

from learnweek.privacy.services import retention_run


@shared_task(name="learnweek.privacy.tasks.privacy_retention")
def privacy_retention() -> dict[str, int]:
    """Daily: one-time codes past a day removed, old registrations' phones anonymised."""
    return retention_run()
