"""What nominations add to the inbox of 工作台 (``campaigns.inbox``; registered in
nominations.apps): those awaiting a decision of the user's level, and the unit's own returned."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse

from learnweek.campaigns.inbox import SHOWN, InboxItem, InboxPart, count_by_requirement
from learnweek.nominations.selectors import awaiting_decision_of, returned_to, upward_requirement
from learnweek.orgs.models import Unit

if TYPE_CHECKING:
    from learnweek.accounts.models import User

WHAT = "推荐对象"


def inbox_part(user: User, unit: Unit | None, on: datetime.date, reviews: bool, reports: bool) -> InboxPart:
    part = InboxPart()
    if reviews:
        every_year = awaiting_decision_of(user)
        count_by_requirement(part, every_year, on, "backoffice:nominations", lambda kind: WHAT)
        if part.review_count:
            awaiting = every_year.filter(requirement__campaign__year=on.year)
            shown = awaiting.only(
                "name",
                "state",
                "unit__name",
                "unit__path",
                "at_unit__path",
                "at_unit__depth",
                "requirement__title",
                "requirement__deadline",
                "requirement__parent_requirement_id",
                "requirement__campaign__issuing_unit_id",
                "requirement__parent_requirement__deadline",
                "requirement__parent_requirement__title",
            )
            for nomination in shown[:SHOWN]:
                # The deadline that binds the deciding level: that of the list it answers upward.
                level = nomination.at_unit or nomination.unit  # in review: always at a level
                deadline_of = upward_requirement(level, nomination.requirement)
                part.review.append(
                    InboxItem(
                        what=WHAT,
                        title=nomination.name,
                        unit=nomination.unit,
                        url=reverse("backoffice:nomination", args=[nomination.pk]),
                        deadline=deadline_of.deadline,
                        on=on,
                        requirement=nomination.requirement,
                    )
                )
    if reports and unit is not None:
        for nomination, reason in returned_to(unit):
            part.returned.append(
                InboxItem(
                    what=WHAT,
                    title=f"{nomination.requirement.title}：{nomination.name}",
                    unit=unit,
                    url=reverse("backoffice:nomination", args=[nomination.pk]),
                    deadline=nomination.requirement.deadline,
                    on=on,
                    requirement=nomination.requirement,
                    reason=reason,
                )
            )
    return part
