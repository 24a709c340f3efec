"""Reads of materials: the 成果展 (approved exhibition boards) for the public side, and the approved
cases and photos a drafted work summary carries."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import QuerySet

from learnweek.campaigns.models import CampaignStatus, RequirementKind, Submission, SubmissionState
from learnweek.core.errors import NotFound
from learnweek.materials.models import SubmissionCase, SubmissionPhoto
from learnweek.orgs.models import Unit
from learnweek.orgs.selectors import within

M = TypeVar("M", bound=models.Model)


def exhibition_boards(*, year: int | None = None, province: Unit | None = None) -> QuerySet[Submission]:
    """Approved exhibition boards of published campaigns, a region's units together."""
    boards = Submission.objects.filter(
        requirement__kind=RequirementKind.EXHIBITION_BOARD,
        state=SubmissionState.APPROVED,
        requirement__campaign__status__in=[CampaignStatus.PUBLISHED, CampaignStatus.CLOSED],
    ).select_related("unit", "requirement__campaign")
    if year:
        boards = boards.filter(requirement__campaign__year=year)
    if province is not None:
        boards = within(boards, province, unit_field="unit")
    return boards.order_by("-requirement__campaign__year", "unit__path", "pk")


def exhibition_board_get(pk: int) -> Submission:
    try:
        return exhibition_boards().get(pk=pk)
    except Submission.DoesNotExist as exc:
        raise NotFound() from exc


def exhibition_years() -> list[int]:
    return sorted(
        set(exhibition_boards().values_list("requirement__campaign__year", flat=True)), reverse=True
    )


def materials_visible_to(user) -> QuerySet[Submission]:
    """Materials of units in the user's subtree."""
    from learnweek.materials.rules import MATERIAL_KINDS
    from learnweek.orgs.selectors import scope_filter

    return scope_filter(
        Submission.objects.filter(requirement__kind__in=MATERIAL_KINDS).select_related("unit", "requirement"),
        user,
        unit_field="unit",
    )


def _approved_in(queryset: QuerySet[M], campaign_ids: list[int], unit: Unit) -> QuerySet[M]:
    """Rows of approved materials of the given campaigns, in ``unit``'s subtree."""
    return within(
        queryset.filter(
            submission__state=SubmissionState.APPROVED, submission__requirement__campaign_id__in=campaign_ids
        ),
        unit,
        unit_field="submission__unit",
    )


def approved_cases(campaign_ids: list[int], unit: Unit) -> QuerySet[SubmissionCase]:
    """Typical cases of ``unit``'s subtree in approved materials of the given campaigns."""
    return (
        _approved_in(SubmissionCase.objects.all(), campaign_ids, unit)
        .select_related("submission__unit")
        .order_by("submission__unit__path", "submission_id", "position", "pk")
    )


def approved_case_materials(campaign_ids: list[int], unit: Unit) -> QuerySet[Submission]:
    """Approved 典型案例 materials of ``unit``'s subtree (a case written as the material itself)."""
    return (
        within(
            Submission.objects.filter(
                requirement__kind=RequirementKind.TYPICAL_CASE,
                state=SubmissionState.APPROVED,
                requirement__campaign_id__in=campaign_ids,
            ),
            unit,
            unit_field="unit",
        )
        .exclude(body="")
        .select_related("unit")
        .order_by("unit__path", "pk")
    )


def approved_photos(campaign_ids: list[int], unit: Unit) -> QuerySet[SubmissionPhoto]:
    """Photos of ``unit``'s subtree in approved materials of the given campaigns."""
    return (
        _approved_in(SubmissionPhoto.objects.all(), campaign_ids, unit)
        .select_related("submission__unit")
        .order_by("submission__unit__path", "submission_id", "position", "pk")
    )
