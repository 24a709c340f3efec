import pytest


@pytest.fixture(autouse=True)
def _privacy_notice_asked(settings, _privacy_notice_agreed):
    """These tests prove the notice: it is asked for, as in a deployment."""
    settings.PRIVACY_CONSENT_REQUIRED = True


class Texts:
    """The text messages; ``sent(post)`` runs a request whose code goes out on commit."""

    def __init__(self, outbox, capture):
        self.outbox, self.capture = outbox, capture

    def sent(self, call, *args, **kwargs):
        with self.capture(execute=True):
            return call(*args, **kwargs)

    def last_code(self) -> str:
        import re

        return re.search(r"验证码为(\d{6})", self.outbox[-1][1]).group(1)


@pytest.fixture
def texts(sms_outbox, django_capture_on_commit_callbacks):
    return Texts(sms_outbox, django_capture_on_commit_callbacks)
