"""The completeness board of a national requirement that every county answers (about 3,200
units, a third of them with a submission), against one hand-written LEFT JOIN."""

import datetime

from django.db import connection
from django.utils import timezone

from learnweek.accounts.models import User
from learnweek.campaigns.models import Submission, SubmissionState
from learnweek.campaigns.selectors import board_for
from learnweek.campaigns.services import campaign_create, campaign_set_status, requirement_create
from learnweek.orgs.models import Unit


def run(median_ms, report) -> None:
    ministry = Unit.objects.get(code="000000")
    campaign = campaign_create(actor=None, issuing_unit=ministry, year=2026, slug="bench", title="bench")
    requirement = requirement_create(
        actor=None,
        campaign=campaign,
        kind="statistics",
        title="统计表",
        applies_to=["province", "prefecture", "county"],
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    campaign_set_status(actor=None, campaign=campaign, status="published")
    now = timezone.now()
    units = list(Unit.objects.exclude(pk=ministry.pk).exclude(kind="institution"))
    Submission.objects.bulk_create(
        Submission(requirement=requirement, unit=u, state=SubmissionState.SUBMITTED, first_submitted_at=now)
        for u in units[::3]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as in a running system
            cursor.execute("ANALYZE campaigns_submission")
            cursor.execute("ANALYZE orgs_unit")
    user = User.objects.create(username="bench-ministry", unit=ministry, is_reviewer=True)

    def ours():
        return [(row.unit.code, row.state) for row in board_for(user, requirement).rows]

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT u.code, COALESCE(s.state, 'not_started')
                FROM orgs_unit u
                LEFT JOIN campaigns_submission s ON s.unit_id = u.id AND s.requirement_id = %s
                WHERE u.path LIKE %s AND u.id <> %s AND u.kind IN ('province', 'prefecture', 'county')
                ORDER BY u.path
                """,
                [requirement.pk, ministry.path + "%", ministry.pk],
            )
            return cursor.fetchall()

    assert [code for code, _ in ours()] == [code for code, _ in baseline()]
    report(f"board: states of {len(baseline())} units", median_ms(ours, 7), median_ms(baseline, 7))
