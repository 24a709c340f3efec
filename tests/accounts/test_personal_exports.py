"""Staff exports that hold personal data are logged (who, when, what) and shown to the
administrators above; the log is not shown to others."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learnweek.accounts.models import PersonalDataExport
from learnweek.campaigns.models import RequirementKind
from learnweek.nominations import services
from tests.nominations.helpers import PERSON_VALUES, make_requirement

pytestmark = pytest.mark.django_db


def test_a_nominees_form_export_is_logged_and_shown_to_the_admins_above(
    client, jilin_this_year_published, county_reporter, city_admin, sibling_county_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    requirement = make_requirement(jilin_this_year_published, RequirementKind.ADVANCED_INDIVIDUAL)
    nominee = services.nomination_create(
        actor=county_reporter, requirement=requirement, unit=county_reporter.unit, **PERSON_VALUES
    )
    client.force_login(county_reporter)
    assert client.get(reverse("backoffice:nomination_docx", args=[nominee.pk])).status_code == 200
    client.get(reverse("backoffice:nomination_summary", args=[requirement.pk, "xlsx"]))
    logged = list(PersonalDataExport.objects.values_list("actor__username", "what", "detail"))
    assert logged == [
        (county_reporter.username, "推荐汇总表", f"朝阳区：{requirement.title}"),
        (county_reporter.username, "推荐申报表", f"{requirement.title}：张秀兰"),
    ]
    client.force_login(city_admin)
    page = client.get(reverse("backoffice:personal_exports")).content.decode()
    assert "推荐申报表" in page and str(county_reporter) in page
    client.force_login(sibling_county_admin)
    assert "推荐申报表" not in client.get(reverse("backoffice:personal_exports")).content.decode()
    client.force_login(county_reporter)  # not an administrator
    assert "推荐申报表" not in client.get(reverse("backoffice:personal_exports")).content.decode()
