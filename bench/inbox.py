"""The inbox of 工作台 at national size: the ministry reviewing what the 31 provinces hand in, and
the province with the most units below it reviewing its prefectures and counties, through
``campaigns.inbox.inbox_for``, against hand-written SQL for the same 待我审核 (the count, the
first items shown and the count by requirement, of submissions and of nominations).

The year: the ministry asks every province for two items and three learning stars; every
province derives its campaign and asks each prefecture and county for one item of its own and
for the statistics table passed down; every unit hands everything in, so each province's review
list holds all of its units while the others' stand in the same tables. The bench users are
reviewers (what grows with the tree is 待我审核; 待我报送 and 被退回 are one unit's own).
Both sides are checked to agree before they are timed."""

import datetime

from django.db import connection
from django.utils import timezone

from learnweek.accounts.models import User
from learnweek.campaigns.inbox import SHOWN, inbox_for
from learnweek.campaigns.models import CampaignStatus, Submission, SubmissionState
from learnweek.campaigns.services import (
    campaign_create,
    campaign_derive,
    campaign_set_status,
    requirement_create,
)
from learnweek.nominations.models import Nomination, NominationState
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.selectors import within

SUBMISSIONS_SQL = """
SELECT s.id, r.id, r.deadline, u.path
FROM campaigns_submission s
JOIN orgs_unit u ON u.id = s.unit_id
JOIN campaigns_requirement r ON r.id = s.requirement_id
JOIN campaigns_campaign c ON c.id = r.campaign_id
WHERE s.state IN ('submitted', 'resubmitted') AND u.path LIKE %(prefix)s AND u.id <> %(root)s
  AND c.issuing_unit_id = ANY(%(above)s) AND (c.office_id IS NULL OR c.office_id <> %(root)s)
"""
NOMINATIONS_SQL = """
SELECT n.id, r.id, r.deadline, u.path
FROM nominations_nomination n
JOIN orgs_unit u ON u.id = n.unit_id
JOIN campaigns_requirement r ON r.id = n.requirement_id
WHERE n.state = 'in_review' AND n.at_unit_id = %(root)s
"""


def _baseline(root: Unit) -> tuple[int, list[str], dict[int, int]]:
    """The same answer by hand: for each list the count by requirement (GROUP BY) and the first
    SHOWN rows (ORDER BY … LIMIT), two statements a list; then both lists merged in order."""
    above = [*root.get_ancestors().values_list("pk", flat=True), root.pk]
    params = {"prefix": root.path + "%", "root": root.pk, "above": above, "shown": SHOWN}
    groups: dict[int, int] = {}
    first = []
    with connection.cursor() as cursor:
        for page, sql in (("submissions", SUBMISSIONS_SQL), ("nominations", NOMINATIONS_SQL)):
            cursor.execute(
                f"SELECT rid, count(*) FROM ({sql}) a(id, rid, deadline, path) GROUP BY rid", params
            )
            groups.update(dict(cursor.fetchall()))
            cursor.execute(
                f"SELECT deadline, rid, path, id FROM ({sql}) a(id, rid, deadline, path) "
                "ORDER BY deadline, rid, path, id LIMIT %(shown)s",
                params,
            )
            first += [(*row, f"/{page}/{row[3]}/") for row in cursor.fetchall()]
    shown = [url for *_, url in sorted(first)[:SHOWN]]
    return sum(groups.values()), shown, groups


def _generate() -> tuple[Unit, Unit]:
    ministry = Unit.objects.get(code="000000")
    year = timezone.localdate().year
    soon = timezone.localdate() + datetime.timedelta(days=20)
    national = campaign_create(
        actor=None, issuing_unit=ministry, year=year, slug="bench-inbox", title="bench"
    )
    statistics = requirement_create(
        actor=None,
        campaign=national,
        kind="statistics",
        title="统计表",
        applies_to=[UnitKind.PROVINCE],
        deadline=soon,
    )
    summary = requirement_create(
        actor=None,
        campaign=national,
        kind="work_summary",
        title="工作总结",
        applies_to=["province"],
        deadline=soon,
    )
    stars = requirement_create(
        actor=None,
        campaign=national,
        kind="learning_star",
        title="百姓学习之星",
        applies_to=[UnitKind.PROVINCE],
        deadline=soon,
        quota_per_unit=5,
    )
    campaign_set_status(actor=None, campaign=national, status=CampaignStatus.PUBLISHED)
    provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE))
    now = timezone.now()
    submissions, nominations = [], []
    for province in provinces:
        submissions += [
            Submission(requirement=r, unit=province, state=SubmissionState.SUBMITTED, first_submitted_at=now)
            for r in (statistics, summary)
        ]
        nominations += [
            Nomination(
                requirement=stars,
                unit=province,
                rank=rank,
                name=f"{province.name}学习之星{rank}",
                state=NominationState.IN_REVIEW,
                at_unit=ministry,
                reached_depth=ministry.depth,
            )
            for rank in (1, 2, 3)
        ]
        campaign = campaign_derive(
            actor=None, parent=national, unit=province, slug=f"bench-inbox-{province.code}"
        )
        below = [UnitKind.PREFECTURE, UnitKind.COUNTY]
        passed = requirement_create(
            actor=None, campaign=campaign, parent_requirement=statistics, applies_to=below, deadline=soon
        )
        own = requirement_create(
            actor=None,
            campaign=campaign,
            kind="work_plan",
            title="活动周方案",
            applies_to=below,
            deadline=soon,
        )
        campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)
        units = within(Unit.objects.filter(kind__in=below), province)
        submissions += [
            Submission(requirement=r, unit=u, state=SubmissionState.SUBMITTED, first_submitted_at=now)
            for u in units
            for r in (passed, own)
        ]
    Submission.objects.bulk_create(submissions, batch_size=2000)
    Nomination.objects.bulk_create(nominations)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as in a running system
            for table in (
                "campaigns_submission",
                "nominations_nomination",
                "orgs_unit",
                "campaigns_requirement",
            ):
                cursor.execute(f"ANALYZE {table}")
    # The province with the most units below it.
    largest = max(provinces, key=lambda p: within(Unit.objects.all(), p).count())
    return ministry, largest


def run(median_ms, report) -> None:
    if connection.vendor != "postgresql":
        print("inbox: skipped (the hand-written baseline is PostgreSQL's SQL)")
        return
    ministry, province = _generate()
    for root in (ministry, province):
        user = User.objects.create(username=f"bench-inbox-{root.code}", unit=root, is_reviewer=True)

        def ours(user=user):
            inbox = inbox_for(user)
            by_requirement = {r.requirement_id: r.count for r in inbox.by_requirement}
            return inbox.review_count, [i.url for i in inbox.to_review], by_requirement

        def baseline(root=root):
            return _baseline(root)

        mine, theirs = ours(), baseline()
        assert mine[0] == theirs[0] and mine[2] == theirs[2], (mine[0], theirs[0])
        assert [url.removeprefix("/office") for url in mine[1]] == theirs[1], (mine[1][:3], theirs[1][:3])
        nominations = sum(1 for url in theirs[1] if url.startswith("/nominations/"))
        report(
            f"inbox: {root.name}, {theirs[0]} awaiting ({nominations} nominations shown)",
            median_ms(ours, 7),
            median_ms(baseline, 7),
        )
