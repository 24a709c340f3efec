"""How the back office shows and edits a submission, by its kind's family (campaigns.kinds): the
form of the edit page, the service that saves it, and what the submission page adds. A kind the
registry gives no family the back office knows is a title and a text; a kind answered on a page
of its own is sent there by its ``edit_url`` before any form is made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from learnweek.activities.demo_table import DEMO_TABLE, frozen_table, table_url
from learnweek.backoffice.campaign_forms import SubmissionForm
from learnweek.backoffice.material_forms import MaterialForm
from learnweek.backoffice.material_views import material_context
from learnweek.backoffice.stats_views import stats_submission_context
from learnweek.campaigns import services
from learnweek.campaigns.kinds import kind_of
from learnweek.campaigns.models import Requirement, Submission
from learnweek.materials.rules import MATERIAL
from learnweek.materials.services import material_save
from learnweek.stats.kinds import STATISTICS


def _text_form(data, requirement: Requirement, submission: Submission | None) -> forms.Form:
    return SubmissionForm(
        data, initial={"title": submission.title, "body": submission.body} if submission else None
    )


def _text_save(*, actor, requirement: Requirement, unit, form: forms.Form) -> Submission:
    return services.submission_save(actor=actor, requirement=requirement, unit=unit, **form.cleaned_data)


def _material_form(data, requirement: Requirement, submission: Submission | None) -> forms.Form:
    # Photos, cases and documents are added on the material's page, not in this form.
    return MaterialForm(data, requirement=requirement, initial=MaterialForm.initial_for(submission))


def _material_save(*, actor, requirement: Requirement, unit, form: forms.Form) -> Submission:
    assert isinstance(form, MaterialForm)  # noqa: S101 - made by _material_form
    return material_save(actor=actor, requirement=requirement, unit=unit, **form.values())


@dataclass(frozen=True)
class KindPage:
    form: Callable[[Any, Requirement, Submission | None], forms.Form] = _text_form
    save: Callable[..., Submission] = _text_save
    # (submission, user) -> what the submission page adds
    detail_context: Callable[[Submission, Any], dict] | None = None


def _demo_table_context(submission: Submission, user) -> dict:
    """The handed-in 附表1 as it was frozen, for the reviewer and the unit."""
    snapshot = frozen_table(submission)
    return {
        "demo_table": True,
        "demo_frozen": snapshot,
        "demo_rows": snapshot.data.get("rows", []) if snapshot is not None else [],
        "demo_url": table_url(submission.requirement, submission.unit),
    }


TEXT_PAGE = KindPage()
_PAGES = {
    MATERIAL: KindPage(form=_material_form, save=_material_save, detail_context=material_context),
    STATISTICS: KindPage(detail_context=lambda submission, user: stats_submission_context(submission)),
    DEMO_TABLE: KindPage(detail_context=_demo_table_context),
}


def page_for(requirement: Requirement) -> KindPage:
    return _PAGES.get(kind_of(requirement).family, TEXT_PAGE)
