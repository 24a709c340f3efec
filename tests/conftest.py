"""Shared fixtures: the national unit tree (loaded once per test session) and one account per
level and role."""

from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

from learnweek.accounts.models import User
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.services import divisions_load
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, SIBLING_COUNTY, jilin_this_year, unit

# Property tests check what holds, not how fast: hypothesis's per-example deadline (200 ms) is a
# timing assertion, and on a loaded 2-core machine a database example took 840 ms. Speed is
# measured in bench/.
hypothesis_settings.register_profile("learnweek", deadline=None)
hypothesis_settings.load_profile("learnweek")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production settings use the hashed manifest storage, which needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_lockout_or_limits(settings):
    """Sign-in lock-out and rate limits count every attempt of the whole suite from one client;
    tests/core/test_security.py switches them on and proves them."""
    settings.AXES_ENABLED = False
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _privacy_notice_agreed(settings):
    """Residents of other tests need not agree to the privacy notice before their pages;
    tests/privacy switches the notice on (its own conftest) and proves it."""
    settings.PRIVACY_CONSENT_REQUIRED = False


@pytest.fixture(autouse=True, scope="session")
def _compiled_statements_checked():
    """Every statement core.compiled keeps is compiled again on each use and compared: a key
    that leaves out a value the SQL is made of fails the test that changes that value."""
    from learnweek.core import compiled

    compiled.VERIFY = True
    yield
    compiled.VERIFY = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, as a fresh deployment would (the local-memory cache
    outlives a test's rolled-back transaction)."""
    from django.core.cache import cache

    from learnweek.public.page_cache import forget_local

    cache.clear()
    forget_local()  # a worker's own copies of whole public pages (learnweek/public/page_cache.py)


@pytest.fixture(autouse=True, scope="session")
def _force_login_passes_the_second_step():
    """``Client.force_login`` and ``Client.login`` (both end in ``Client._login``) stand for a
    finished sign-in: password and, where the account has or needs one, the second factor
    (accounts.middleware). Without this every 管理员 of the
    suite would be sent to enrol a TOTP device; tests/security/test_two_factor.py signs in
    through the real pages instead."""
    from django.test import Client

    from learnweek.accounts.middleware import VERIFIED, mark_session_started

    original = Client._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[VERIFIED] = user.pk
        mark_session_started(session)
        session.save()

    Client._login = _login
    yield
    Client._login = original


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Accounts are made by the hundred here; the production hasher's cost protects stored
    passwords, not tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        divisions_load()


@pytest.fixture
def tree(db) -> None:
    """The national tree; reloaded if a transactional test flushed it."""
    if not Unit.objects.filter(code="000000").exists():
        divisions_load()


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
def province_reviewer(tree) -> User:
    return StaffFactory(unit=unit(PROVINCE), roles=[Role.REVIEWER])


@pytest.fixture
def city_reviewer(tree) -> User:
    return StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER])


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


# -- the public side: a published campaign, activities to come, residents, text messages ----------


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """Text messages go to a list the test can read (sign-in codes, waiting-list news)."""
    from learnweek.core import sms

    settings.SMS_BACKEND = "learnweek.core.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture
def jilin_2026_published(tree):
    """Jilin's own campaign of 2026 (a fixed year, not derived), published, with its theme and no
    requirements: the public side's activities hang on it."""
    from learnweek.campaigns.models import CampaignStatus
    from learnweek.campaigns.services import campaign_create, campaign_set_status

    campaign = campaign_create(
        actor=None,
        issuing_unit=unit(PROVINCE),
        year=2026,
        slug="jl26",
        title="2026年吉林省全民终身学习活动周",
        theme="学习成就美好生活",
    )
    return campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)


@pytest.fixture
def make_activity(jilin_2026_published):
    """An activity to come (tomorrow, 14:00–16:00) of a unit under Jilin; keywords override."""
    import datetime

    from django.utils import timezone

    from learnweek.activities.services import activity_create

    def make(name="朝阳区全民读书节", *, organiser=COUNTY, days=1, **values):
        start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + datetime.timedelta(
            days=days
        )
        values = {
            "category": "themed_reading",
            "start": start,
            "end": start + datetime.timedelta(hours=2),
        } | values
        return activity_create(
            actor=None, campaign=jilin_2026_published, organiser=unit(organiser), name=name, **values
        )

    return make


@pytest.fixture
def make_resident(db):
    counter = iter(range(10_000))

    def make(phone=None, name="李阿姨"):
        phone = phone or f"1380000{next(counter):04d}"
        return User.objects.create_user(username=f"m{phone}", phone=phone, full_name=name)

    return make


# -- campaigns with requirements to answer: nominations and materials ----------------------------


@pytest.fixture
def jilin_this_year_published(tree):
    """Jilin's own campaign of this year, published, with no requirements (``helpers``)."""
    return jilin_this_year()


@pytest.fixture
def jilin_2023_derived(tree):
    """Jilin's 2023 campaign derived from the national 2023 one, both published, with no
    requirements: what the 附表1 sheets of the tests were filled for."""
    from learnweek.campaigns.models import CampaignStatus
    from learnweek.campaigns.services import campaign_create, campaign_derive, campaign_set_status

    national = campaign_create(actor=None, issuing_unit=unit("000000"), year=2023, slug="n23", title="全国")
    campaign_set_status(actor=None, campaign=national, status=CampaignStatus.PUBLISHED)
    jilin = campaign_derive(actor=None, parent=national, unit=unit("220000"), slug="jl23", title="吉林")
    campaign_set_status(actor=None, campaign=jilin, status=CampaignStatus.PUBLISHED)
    return jilin
