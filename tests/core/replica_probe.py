"""Run by tests/core/test_replica.py in its own process, against a primary and its streaming
standby: which server answers each kind of request. Prints one JSON object."""

import json
import time

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

# Hashed static names need collectstatic first; plain ones do for this probe.
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
).enable()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from learnweek.accounts.middleware import VERIFIED, mark_session_started  # noqa: E402
from learnweek.activities.models import Activity  # noqa: E402
from learnweek.orgs.models import Unit  # noqa: E402
from learnweek.orgs.roles import Role  # noqa: E402
from tests.factories import StaffFactory  # noqa: E402


def served_by(client, method, url, **kwargs):
    """The aliases whose connection ran the request's queries on the activities table."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(url, **kwargs)
    touched = {
        alias
        for alias, queries in (("primary", primary), ("replica", replica))
        if any('"activities_activity"' in q["sql"] for q in queries.captured_queries)
    }
    return {"status": response.status_code, "servers": sorted(touched)}


def world():
    """A published campaign of Jilin with one public activity of 朝阳区, written to the primary."""
    import datetime

    from django.utils import timezone

    from learnweek.activities.services import activity_create
    from learnweek.campaigns.models import CampaignStatus
    from learnweek.campaigns.services import campaign_create, campaign_set_status

    campaign = campaign_create(
        actor=None, issuing_unit=Unit.objects.get(code="220000"), year=2026, slug="jl26", title="吉林省活动周"
    )
    campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)
    start = timezone.now() + datetime.timedelta(days=1)
    return activity_create(
        actor=None,
        campaign=campaign,
        organiser=Unit.objects.get(code="220104"),
        name="朝阳区全民读书节",
        category="themed_reading",
        start=start,
        end=start + datetime.timedelta(hours=2),
    )


activity = world()
for _ in range(100):  # the standby replays the primary's WAL within moments
    if Activity.objects.using("replica").filter(pk=activity.pk).exists():
        break
    time.sleep(0.1)
ports = {
    alias: connections[alias].cursor().connection.execute("SELECT inet_server_port()").fetchone()[0]
    for alias in ("default", "replica")
}
anonymous = Client()
staff = Client()
official = StaffFactory(unit=Unit.objects.get(code="220104"), roles=[Role.ADMIN, Role.REPORTER])
staff.force_login(official)
# A finished sign-in, second factor included (a 管理员 needs one), as tests/conftest.py makes it.
session = staff.session
session[VERIFIED] = official.pk
mark_session_started(session)
session.save()
result = {
    "ports": ports,
    "public page": served_by(anonymous, "get", f"/activities/{activity.pk}/"),
    "finder": served_by(anonymous, "get", "/activities/?q=读书"),
    "public API": served_by(anonymous, "get", "/api/v1/public/activities"),
    "back office": served_by(staff, "get", f"/office/activities/{activity.pk}/"),
    "signed-in public page": served_by(staff, "get", f"/activities/{activity.pk}/"),
    "registration": served_by(anonymous, "post", f"/activities/{activity.pk}/register/"),
}
print(json.dumps(result, ensure_ascii=False))
