import pytest


@pytest.fixture
def called_off_while_waiting(make_activity, monkeypatch):
    """An activity with five seats that is called off between the sign-up's read (it is open
    then) and its row lock."""
    from django.utils import timezone

    from learnweek.activities.models import Activity
    from learnweek.registrations import services

    activity = make_activity("临时取消的讲座", capacity=5)
    read = services._public

    def read_then_called_off(*args, **kwargs):
        found = read(*args, **kwargs)  # as the sign-up saw it before the lock: open
        Activity.objects.filter(pk=activity.pk).update(cancelled_at=timezone.now())
        return found

    monkeypatch.setattr(services, "_public", read_then_called_off)
    return activity
