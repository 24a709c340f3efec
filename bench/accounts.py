"""Onboarding a province: the import of 1,000 staff accounts of 吉林省's subtree from one xlsx
(``accounts.staff_import``: every row checked, then written with their history and one audit
entry), against the hand-written baseline a programmer would write first: a ``bulk_create`` of
the same 1,000 users (no checks, no history, no audit). Then what one ``account.create`` audit
entry per new account would add (1,000 chained entries), against the same baseline. Every run
rolls back."""

from __future__ import annotations

import io

from django.contrib.auth.hashers import make_password
from django.db import transaction
from openpyxl import Workbook

from learnweek.accounts.models import User
from learnweek.accounts.staff_import import staff_import
from learnweek.audit.services import audit_record
from learnweek.core.tabular import read_table
from learnweek.orgs.models import Unit
from learnweek.orgs.selectors import within

ACCOUNTS = 1000
ROLES = ["填报员", "审核员", "填报员、审核员", "管理员、审核员"]


def _rows(units):
    for n in range(ACCOUNTS):
        u = units[n % len(units)]
        yield [
            u.code,
            "",
            f"职员{n}",
            f"139{n:08d}",
            f"staff{n}@jl.example.cn" if n % 10 == 0 else "",
            ROLES[n % 4],
        ]


def _xlsx(units) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["单位代码", "单位名称", "姓名", "手机号", "邮箱", "角色"])
    for row in _rows(units):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rolled_back(fn):
    def run():
        with transaction.atomic():
            fn()
            transaction.set_rollback(True)

    return run


def run(median_ms, report) -> None:
    province = Unit.objects.get(code="220000")
    units = list(within(Unit.objects.all(), province).exclude(pk=province.pk).order_by("code"))
    content = _xlsx(units)
    table = read_table(io.BytesIO(content), "账号.xlsx")
    User.objects.filter(phone__startswith="139", unit__isnull=False).delete()

    def ours():
        result = staff_import(actor=None, under=province, table=table)
        assert len(result.created) == ACCOUNTS  # noqa: S101

    def ours_with_reading():
        staff_import(actor=None, under=province, table=read_table(io.BytesIO(content), "账号.xlsx"))

    def baseline():
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(username=r[3], phone=r[3], full_name=r[2], email=r[4], unit=u, password=password)
                for r, u in zip(_rows(units), (units[n % len(units)] for n in range(ACCOUNTS)), strict=True)
            ]
        )

    def audit_per_account():
        for n in range(ACCOUNTS):
            audit_record("account.create", target_label=f"139{n:08d}", detail={"unit": "220000"})

    base = median_ms(_rolled_back(baseline), repeat=7)
    report(f"accounts: import {ACCOUNTS} staff (table read)", median_ms(_rolled_back(ours), repeat=7), base)
    report(
        f"accounts: import {ACCOUNTS} staff incl. reading the xlsx",
        median_ms(_rolled_back(ours_with_reading), repeat=7),
        base,
    )
    report(
        f"accounts: {ACCOUNTS} account.create audit entries (not written)",
        median_ms(_rolled_back(audit_per_account), repeat=5),
        base,
    )
