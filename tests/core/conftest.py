"""The fixtures of the documents' tests."""

from __future__ import annotations

import pytest

from tests.core.helpers import one_of_each


@pytest.fixture
def made(jilin_this_year_published, province_admin, settings, tmp_path):
    """One document of every kind the system writes, with the name each is handed out under."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return one_of_each(jilin_this_year_published, province_admin)
