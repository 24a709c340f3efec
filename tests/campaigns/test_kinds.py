"""The registry of requirement kinds: a new kind is one registration, and the pages, the board,
我的任务 and the package learn what it does from the registry alone."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from learnweek.campaigns import kinds
from learnweek.campaigns.kinds import KindBehaviour, Link
from learnweek.campaigns.models import Requirement, Submission
from learnweek.core.packages import PackageEntry
from learnweek.orgs.models import UnitKind

pytestmark = pytest.mark.django_db

THROWAWAY = "throwaway_ledger"
LEDGER_PAGE = "/office/ledger-of-the-test/"


def _states(requirement, units, on):
    return {u.pk: ("submitted", "已从台账生成") for u in units}


def _ledger_url(requirement, unit=None):
    return f"{LEDGER_PAGE}{requirement.pk}/"


def _files(submission):
    yield PackageEntry("台账.xlsx", b"ledger of " + submission.unit.code.encode())


@pytest.fixture
def ledger_kind():
    kinds.register(
        KindBehaviour(
            THROWAWAY,
            family="ledger",
            edit_url=_ledger_url,
            board_states=_states,
            package_files=_files,
            board_link=Link("查看台账", _ledger_url),
            campaign_link=Link("台账", _ledger_url),
        )
    )
    yield THROWAWAY
    kinds.unregister(THROWAWAY)


@pytest.fixture
def ledger(cascade, ledger_kind):
    return Requirement.objects.create(
        campaign=cascade["chaoyang"],
        kind=ledger_kind,
        title="社区学院活动台账",
        applies_to=[UnitKind.INSTITUTION],
        deadline=cascade["cy_plan"].deadline,
    )


def test_a_registered_kind_is_answered_where_it_says_and_counted_as_it_says(client, ledger, school_reporter):
    client.force_login(school_reporter)
    tasks = client.get(reverse("backoffice:tasks"), {"state": "all"}).content.decode()  # done ones too
    row = tasks[tasks.index("社区学院活动台账") :].split("</tr>")[0]
    assert "已从台账生成" in row

    edit = client.get(reverse("backoffice:submission_edit", args=[ledger.pk]))
    assert edit.status_code == 302
    assert edit.url == f"{LEDGER_PAGE}{ledger.pk}/"

    board = client.get(reverse("backoffice:board", args=[ledger.pk])).content.decode()
    assert "已从台账生成" in board
    assert f'href="{LEDGER_PAGE}{ledger.pk}/">查看台账' in board

    campaign = client.get(reverse("backoffice:campaign", args=["cy"])).content.decode()
    assert f'href="{LEDGER_PAGE}{ledger.pk}/">台账' in campaign


def test_a_registered_kind_puts_its_files_in_the_units_package(client, ledger, cascade, school_reporter):
    Submission.objects.create(requirement=ledger, unit=cascade["school"], title="台账")
    client.force_login(school_reporter)
    response = client.get(reverse("backoffice:materials_package", args=["cy"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["01-社区学院活动台账/台账.xlsx"]
    assert archive.read("01-社区学院活动台账/台账.xlsx") == b"ledger of CY-SCHOOL"


def test_an_unregistered_kind_is_a_title_and_a_text(client, cascade, school_reporter):
    requirement = Requirement.objects.create(
        campaign=cascade["chaoyang"],
        kind="nobody_registered_this",
        title="一段文字",
        applies_to=[UnitKind.INSTITUTION],
        deadline=cascade["cy_plan"].deadline,
    )
    client.force_login(school_reporter)
    response = client.post(
        reverse("backoffice:submission_edit", args=[requirement.pk]), {"title": "标题", "body": "正文"}
    )
    submission = Submission.objects.get(requirement=requirement)
    assert response.url == reverse("backoffice:submission", args=[submission.pk])
    assert (submission.title, submission.body) == ("标题", "正文")
    page = client.get(reverse("backoffice:board", args=[requirement.pk])).content.decode()
    assert "草稿" in page


def test_two_apps_cannot_claim_one_kind(ledger_kind):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        kinds.register(KindBehaviour(ledger_kind))


FRONT_DOORS_AND_CAMPAIGNS = ("backoffice", "api", "public", "campaigns")


def test_front_doors_and_campaigns_ask_the_registry_not_the_kinds():
    """Which kinds are materials or nominations is known to the registry and the owning apps
    only; the front doors and campaigns ask ``campaigns.kinds``."""
    package = Path(__file__).resolve().parents[2] / "learnweek"
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for folder in FRONT_DOORS_AND_CAMPAIGNS
        for path in sorted((package / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bis_(nomination|material)\b|\b(NOMINATION|MATERIAL)_KINDS\b", line)
    ]
    assert offenders == []
