"""The flags that offer a button come from the function the write checks."""

from __future__ import annotations

import pytest

from learnweek.campaigns.selectors import may_create_campaign
from learnweek.campaigns.services import campaign_create
from learnweek.core.errors import DomainError
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import unit


@pytest.mark.parametrize(
    ("code", "roles", "superuser"),
    [
        ("000000", [Role.ADMIN], False),
        ("220000", [Role.ADMIN], False),
        ("220100", [Role.ADMIN], False),
        ("220000", [Role.REVIEWER], False),
        ("220100", [], True),  # a superuser of a city is still a city
    ],
)
def test_the_new_campaign_button_follows_campaign_create(tree, code, roles, superuser):
    user = StaffFactory(unit=unit(code), roles=roles, is_superuser=superuser)
    try:
        campaign_create(actor=user, issuing_unit=user.unit, year=2031, title="年度活动")
    except DomainError:
        created = False
    else:
        created = True
    assert may_create_campaign(user) is created
