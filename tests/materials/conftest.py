from __future__ import annotations

import datetime

import pytest

from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.services import requirement_create
from learnweek.orgs.models import UnitKind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_material(jilin_this_year_published):
    def make(kind, **rules):
        defaults = {
            "title": RequirementKind(kind).label,
            "applies_to": [UnitKind.COUNTY],
            "deadline": datetime.date(jilin_this_year_published.year, 12, 31),
        }
        return requirement_create(
            actor=None, campaign=jilin_this_year_published, kind=kind, **(defaults | rules)
        )

    return make


@pytest.fixture
def board(make_material):
    """Jilin's exhibition board: title within 20 characters, about 500 characters, 6 photos."""
    return make_material(
        RequirementKind.EXHIBITION_BOARD,
        title_max_chars=20,
        body_min_chars=450,
        body_max_chars=550,
        photo_min=6,
        photo_max=6,
    )


@pytest.fixture
def summary(make_material):
    return make_material(
        RequirementKind.WORK_SUMMARY, body_min_chars=1500, photo_min=8, photo_max=8, cases_required=2
    )
