import pytest


@pytest.fixture(autouse=True)
def _privacy_notice_asked(settings, _privacy_notice_agreed):
    settings.PRIVACY_CONSENT_REQUIRED = True
