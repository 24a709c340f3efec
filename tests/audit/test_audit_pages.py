"""The 审计管理员 searches and exports the audit log of its subtree; nobody else finds the page,
and the auditor changes nothing through it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from learnweek.accounts.models import DutyRole
from learnweek.audit.models import AuditEntry
from learnweek.audit.services import audit_record
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, unit


@pytest.fixture
def city_auditor(tree):
    auditor = StaffFactory(unit=unit(CITY), roles=[])
    auditor.duty_role = DutyRole.AUDIT
    auditor.save()
    return auditor


@pytest.fixture
def logged(tree):
    inside = StaffFactory(unit=unit(COUNTY), roles=[], full_name="县里的人")
    outside = StaffFactory(unit=unit("110101"), roles=[], full_name="邻县的人")
    audit_record("account.password_change", actor=inside, target=inside)
    audit_record("auth.sign_in_failed", outcome="失败", target_label="=cmd|' /C calc'!A0", unit=inside.unit)
    audit_record("account.password_change", actor=outside, target=outside)
    return inside, outside


def test_the_auditor_reads_its_subtree_only_and_searches_it(client, city_auditor, logged):
    client.force_login(city_auditor)
    page = client.get("/office/audit/").content.decode()
    # the county's two entries and the auditor's own sign-in; not the other province's
    assert "县里的人" in page and "邻县的人" not in page and "共 3 条" in page
    failed = client.get("/office/audit/", {"outcome": "失败"}).content.decode()
    assert "共 1 条" in failed and "登录失败" in failed


def test_the_export_is_the_search_with_hashes_and_is_itself_logged(client, city_auditor, logged):
    client.force_login(city_auditor)
    response = client.post("/office/audit/export/", {"action": "auth.sign_in_failed"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert len(rows) == 1 and rows[0][2] == "登录失败"
    assert rows[0][6] == "=cmd|' /C calc'!A0" and sheet.cell(4, 7).data_type == "s"  # text, not a formula
    assert rows[0][9] == AuditEntry.objects.get(action="auth.sign_in_failed").hash
    export = AuditEntry.objects.get(action="audit.export")
    assert export.actor_id == city_auditor.pk and export.detail == {"rows": 1}


@pytest.mark.parametrize("who", ["county_admin", "city_admin"])
def test_administrators_and_other_staff_do_not_find_the_audit_log(client, who, request, logged):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/office/audit/").status_code == 404
    assert client.post("/office/audit/export/").status_code == 404


def test_the_auditor_has_no_business_rights(client, city_auditor, logged):
    client.force_login(city_auditor)
    account = logged[0]
    response = client.post(f"/office/accounts/{account.pk}/toggle-active/")
    account.refresh_from_db()
    assert account.is_active and response.status_code in (302, 403, 404)
