"""Schemathesis makes up requests from the API's own OpenAPI schema — every operation, valid and
invalid parameters and bodies — and no answer may be a server error. Bounded: a few examples per
operation, so the run stays within a couple of minutes."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from learnweek.accounts.models import ApiToken, User
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import COUNTY, unit

# In CI the examples are derived from the schema alone, the same every run, so a red run is a
# regression and not the luck of the draw; FUZZ_EXPLORE=N draws N fresh random examples per
# operation to look for new failures.
EXPLORE = int(os.environ.get("FUZZ_EXPLORE", "0"))
EXAMPLES = EXPLORE or 12


# The schema as a client reads it: /api/v1/openapi.json, through the WSGI application itself.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests here go through the WSGI handler itself, whose end-of-request signal closes a
    connection that is not in autocommit — the test's transaction. Django's test client unhooks
    that signal for the same reason; so does this module."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(tree, make_activity):
    """A county administrator's and a resident's bearer tokens, and something to find."""
    make_activity()
    staff = StaffFactory(unit=unit(COUNTY), roles=[Role.ADMIN, Role.REPORTER, Role.REVIEWER])
    resident = User.objects.create_user(username="fuzz-resident", phone="13800006666")
    for user, raw in ((staff, "fuzz-staff"), (resident, "fuzz-resident")):
        ApiToken.objects.create(
            user=user, digest=ApiToken.digest_of(raw), password_stamp=ApiToken.stamp_of(user)
        )
    return {"staff": "fuzz-staff", "resident": "fuzz-resident"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=not EXPLORE, suppress_health_check=list(HealthCheck)
)
def test_no_request_gets_a_server_error(case, tokens):
    resident_only = case.path.startswith("/api/v1/registrations") or case.path.endswith("/registrations")
    token = tokens["resident" if resident_only else "staff"]
    headers = {"Authorization": f"Bearer {token}"} if not case.path.startswith("/api/v1/auth") else {}
    response = case.call(headers=headers)
    case.validate_response(response, checks=[not_a_server_error])


@pytest.mark.django_db
def test_nul_characters_are_refused_not_passed_to_the_database(client, tokens):
    """What schemathesis found on PostgreSQL, whose text cannot hold NUL: a body, a query or a
    path with one is refused before any lookup."""
    staff = {"Authorization": f"Bearer {tokens['staff']}"}
    body = client.post(
        "/api/v1/activities", {"campaign": "jl\x00", "organiser": "220104"}, "application/json", headers=staff
    )
    assert body.status_code in (400, 422), body.content.decode()
    query = client.get("/api/v1/public/activities", {"q": "读书\x00"})
    assert query.status_code in (400, 422), query.content.decode()
    assert client.get("/api/v1/campaigns/jl%00", headers=staff).status_code == 404
    assert client.get("/campaigns/jl%00/").status_code == 404
