"""Shared fixtures: the national unit tree (loaded once per test session) and one account per
level and role."""

from __future__ import annotations

import pytest

from learnweek.accounts.models import Role, User
from learnweek.orgs.models import Unit
from learnweek.orgs.services import divisions_load
from tests.factories import StaffFactory

# Codes used throughout the tests: Jilin province, Changchun city, two of its districts, and
# a sibling city.
PROVINCE, CITY, COUNTY, SIBLING_COUNTY, OTHER_CITY = "220000", "220100", "220104", "220105", "220200"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production settings use the hashed manifest storage, which needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        divisions_load()


@pytest.fixture
def tree(db) -> None:
    """The national tree; reloaded if a transactional test flushed it."""
    if not Unit.objects.filter(code="000000").exists():
        divisions_load()


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


@pytest.fixture
def ministry_admin(tree) -> User:
    return StaffFactory(unit=unit("000000"), roles=[Role.ADMIN, Role.REVIEWER])


@pytest.fixture
def province_admin(tree) -> User:
    return StaffFactory(unit=unit(PROVINCE), roles=[Role.ADMIN, Role.REVIEWER])


@pytest.fixture
def city_admin(tree) -> User:
    return StaffFactory(unit=unit(CITY), roles=[Role.ADMIN, Role.REVIEWER])


@pytest.fixture
def county_admin(tree) -> User:
    return StaffFactory(unit=unit(COUNTY), roles=[Role.ADMIN])


@pytest.fixture
def county_reporter(tree) -> User:
    return StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])


@pytest.fixture
def sibling_county_admin(tree) -> User:
    return StaffFactory(unit=unit(SIBLING_COUNTY), roles=[Role.ADMIN])


@pytest.fixture
def resident(db) -> User:
    return User.objects.create_user(username="resident1", password="resident-pass-2026")


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(username="root", password="root-pass-2026")
