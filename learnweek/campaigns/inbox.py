"""The inbox of 工作台: what is the user's to do, in three lists with their counts.

- 待我报送 (reporters): this year's requirements the user's unit must still answer, by deadline
  (``tasks_for_unit``; what was returned is in 被退回 instead).
- 待我审核 (reviewers): everything a unit below hands up for this year's campaigns that awaits
  this level's decision (what still waits from earlier years is counted, not listed) —
  submissions (统计表 included: it is a submission of its requirement) whose review the guard
  allows (``access.reviewable_q``, the rule of ``require(..., above=True)``), and what the apps
  that register a source add (nominations: those whose turn is at this level).
- 被退回 (reporters): the unit's own submissions and nominations sent back, with the reason.

Each list is a few queries whatever the size of the tree below: a count, the first
``SHOWN`` items and, for 待我审核, the count by requirement (a link to its board, where a
reviewer decides many at once). Apps add their items through ``register_source`` from their
``ready()``; campaigns names none of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.urls import reverse

from learnweek.campaigns.access import reviewable_q
from learnweek.campaigns.models import AWAITING_REVIEW, Requirement, Submission, SubmissionState
from learnweek.campaigns.selectors import Task, tasks_for_unit
from learnweek.core.clock import today
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role

if TYPE_CHECKING:
    from learnweek.accounts.models import User

SHOWN = 50  # items listed per list; the count says how many there are


@dataclass(frozen=True)
class InboxItem:
    """One thing in a list: what it is (the requirement's kind, 推荐对象 ...), its title, the unit
    it comes from, the page it is handled on, the deadline that applies and, when returned,
    the reason."""

    what: str
    title: str
    unit: Unit
    url: str
    deadline: datetime.date
    on: datetime.date
    requirement: Requirement
    reason: str = ""

    @property
    def days_left(self) -> int:
        return (self.deadline - self.on).days

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


@dataclass(frozen=True)
class ByRequirement:
    """How many items of one requirement await the user, and the page where they are decided
    together (the board; a nomination requirement's lists)."""

    requirement_id: int
    title: str
    deadline: datetime.date
    count: int
    what: str
    url: str


@dataclass
class InboxPart:
    """What one source adds: the first items awaiting review and how many there are, by
    requirement, and the unit's returned items."""

    review: list[InboxItem] = field(default_factory=list)
    review_count: int = 0
    older_count: int = 0  # awaiting review in campaigns of earlier years (not listed one by one)
    by_requirement: list[ByRequirement] = field(default_factory=list)
    older_by_requirement: list[ByRequirement] = field(default_factory=list)  # each linked to its page
    returned: list[InboxItem] = field(default_factory=list)


# (user, its unit or None, on) -> the source's part. ``reviews``/``reports`` say which lists to fill.
InboxSource = Callable[["User", Unit | None, datetime.date, bool, bool], InboxPart]
_SOURCES: dict[str, InboxSource] = {}


def register_source(name: str, source: InboxSource) -> None:
    """An app adds its items to the inbox (from its ``ready()``); once per name."""
    _SOURCES[name] = source


@dataclass
class Inbox:
    on: datetime.date
    reports: bool  # the user is a reporter: 待我报送 and 被退回
    reviews: bool  # the user is a reviewer: 待我审核
    to_report: list[Task]
    to_review: list[InboxItem]
    review_count: int
    older_count: int
    by_requirement: list[ByRequirement]
    older_by_requirement: list[ByRequirement]
    returned: list[InboxItem]

    @property
    def review_more(self) -> int:
        return self.review_count - len(self.to_review)


def awaiting_review_of(user: User) -> QuerySet[Submission]:
    """Every submission awaiting a decision the user may take (``submission_approve`` and
    ``submission_return`` let it through), in board order within each requirement."""
    return Submission.objects.filter(
        reviewable_q(user, Role.REVIEWER, campaign_field="requirement__campaign"),
        state__in=AWAITING_REVIEW,
    ).order_by("requirement__deadline", "requirement_id", "unit__path")


def review_queue(user: User, requirement: Requirement) -> QuerySet[Submission]:
    """The submissions of ``requirement`` awaiting the user, in the board's order (by unit)."""
    return awaiting_review_of(user).filter(requirement=requirement)


def review_neighbours(user: User, submission: Submission) -> tuple[Submission | None, Submission | None]:
    """上一项 / 下一项 of ``submission`` among those of its requirement awaiting the user."""
    queue = review_queue(user, submission.requirement).exclude(pk=submission.pk).select_related("unit")
    path = submission.unit.path
    before = queue.filter(unit__path__lt=path).order_by("-unit__path").first()
    after = queue.filter(unit__path__gt=path).order_by("unit__path").first()
    return before, after


def next_awaiting(user: User, submission: Submission) -> Submission | None:
    """Where a reviewer goes after deciding ``submission``: the next awaiting it in board order,
    else the first (the queue wraps round), else None."""
    queue = review_queue(user, submission.requirement).exclude(pk=submission.pk)
    return (
        queue.filter(unit__path__gt=submission.unit.path).order_by("unit__path").first()
        or queue.order_by("unit__path").first()
    )


# What an item shows, and no more: a province's list is hundreds of rows deep.
_SHOWN_FIELDS = (
    "unit__name",
    "unit__path",
    "unit__code",
    "requirement__title",
    "requirement__kind",
    "requirement__deadline",
)


def count_by_requirement(
    part: InboxPart, every_year: QuerySet[Any], on: datetime.date, url_name: str, what: Callable[[str], str]
) -> None:
    """Fill ``part``'s counts from one grouped query over ``every_year`` (rows of a requirement,
    awaiting the user): this year's by requirement (linked to ``url_name``) and their sum, and
    how many more wait from earlier years."""
    rows = (
        every_year.order_by()
        .values(
            "requirement_id",
            "requirement__title",
            "requirement__deadline",
            "requirement__kind",
            "requirement__campaign__year",
        )
        .annotate(n=Count("pk"))
    )
    for r in sorted(rows, key=lambda r: (r["requirement__deadline"], r["requirement_id"])):
        row = ByRequirement(
            r["requirement_id"],
            r["requirement__title"],
            r["requirement__deadline"],
            r["n"],
            what(r["requirement__kind"]),
            reverse(url_name, args=[r["requirement_id"]]),
        )
        if r["requirement__campaign__year"] < on.year:
            part.older_count += r["n"]
            part.older_by_requirement.append(row)
        elif r["requirement__campaign__year"] == on.year:
            part.review_count += r["n"]
            part.by_requirement.append(row)


def _submission_item(submission: Submission, on: datetime.date, reason: str = "") -> InboxItem:
    requirement = submission.requirement
    return InboxItem(
        what=requirement.get_kind_display(),
        title=requirement.title,
        unit=submission.unit,
        url=reverse("backoffice:submission", args=[submission.pk]),
        deadline=requirement.deadline,
        on=on,
        requirement=requirement,
        reason=reason,
    )


def _submissions(user: User, unit: Unit | None, on: datetime.date, reviews: bool, reports: bool) -> InboxPart:
    part = InboxPart()
    if reviews:
        every_year = awaiting_review_of(user)
        labels = dict(Requirement._meta.get_field("kind").choices or [])
        count_by_requirement(part, every_year, on, "backoffice:board", lambda kind: str(labels.get(kind, "")))
        if part.review_count:
            awaiting = every_year.filter(requirement__campaign__year=on.year)
            shown = awaiting.select_related("unit", "requirement").only(*_SHOWN_FIELDS)[:SHOWN]
            part.review = [_submission_item(s, on) for s in shown]
    if reports and unit is not None:
        returned = (
            Submission.objects.filter(unit=unit, state=SubmissionState.RETURNED)
            .select_related("unit", "requirement")
            .order_by("requirement__deadline", "pk")
        )
        part.returned = [_submission_item(s, on, s.return_reason) for s in returned]
    return part


def inbox_for(user: User, *, on: datetime.date | None = None) -> Inbox:
    """The user's three lists. Only a reviewer gets 待我审核; only a reporter 待我报送 and 被退回."""
    on = on or today()
    unit = user.unit
    reports = user.has_role(Role.REPORTER) and unit is not None
    reviews = user.has_role(Role.REVIEWER)
    to_report: list[Task] = []
    if reports and unit is not None:
        to_report = [
            t
            for t in tasks_for_unit(unit, on=on)
            if t.campaign.year == on.year
            and not t.is_done
            and not (t.submission is not None and t.submission.state == SubmissionState.RETURNED)
        ]
    parts = [source(user, unit, on, reviews, reports) for source in (_submissions, *_SOURCES.values())]
    review = sorted(
        (item for part in parts for item in part.review),
        key=lambda i: (i.deadline, i.requirement.pk, i.unit.path),
    )
    return Inbox(
        on=on,
        reports=reports,
        reviews=reviews,
        to_report=to_report,
        to_review=review[:SHOWN],
        review_count=sum(part.review_count for part in parts),
        older_count=sum(part.older_count for part in parts),
        by_requirement=sorted(
            (row for part in parts for row in part.by_requirement),
            key=lambda r: (r.deadline, r.requirement_id),
        ),
        older_by_requirement=sorted(
            (row for part in parts for row in part.older_by_requirement),
            key=lambda r: (r.deadline, r.requirement_id),
            reverse=True,  # the latest year first
        ),
        returned=sorted(
            (item for part in parts for item in part.returned), key=lambda i: (i.deadline, i.requirement.pk)
        ),
    )


# -- 我的任务 ---------------------------------------------------------------------------------

TASK_STATES = {"open": "未完成", "done": "已完成", "all": "全部"}


@dataclass
class TaskList:
    tasks: list[Task]
    year: int | None  # None: every year
    state: str
    years: list[int]  # the years the unit has tasks in, newest first (this year always)


def tasks_filtered(
    unit: Unit, *, year: int | None | str = "", state: str = "", on: datetime.date | None = None
) -> TaskList:
    """The unit's tasks of ``year`` (default this year; ``"all"``: every year) in ``state``
    (``open`` by default: not handed in; ``done``; ``all``), so past years' overdue items do not
    stand in the list for ever."""
    on = on or today()
    tasks = tasks_for_unit(unit, on=on)
    years = sorted({t.campaign.year for t in tasks} | {on.year}, reverse=True)
    chosen: int | None
    if year == "all":
        chosen = None
    else:
        try:
            chosen = int(year) if year not in ("", None) else on.year
        except (TypeError, ValueError):
            chosen = on.year
    state = state if state in TASK_STATES else "open"
    shown = [
        t
        for t in tasks
        if (chosen is None or t.campaign.year == chosen)
        and (state == "all" or t.is_done == (state == "done"))
    ]
    return TaskList(tasks=shown, year=chosen, state=state, years=years)
