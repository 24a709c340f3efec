import pytest

from learnweek.orgs.models import InstitutionType
from learnweek.orgs.services import institution_create
from tests.helpers import unit


@pytest.fixture
def school(tree):
    return institution_create(
        actor=None,
        parent=unit("220104"),
        code="CY-SCHOOL",
        name="朝阳区社区学院",
        institution_type=InstitutionType.COMMUNITY_SCHOOL,
    )
