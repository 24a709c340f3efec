"""The accounts page's spreadsheets: the list of accounts (it holds mobile numbers and e-mail
addresses: its export is logged by ``services.personal_export_log``) and the import template."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from learnweek.accounts import staff_import
from learnweek.accounts.models import User
from learnweek.core.chinese import chinese_date
from learnweek.core.documents import Document
from learnweek.core.exporters import ListExporter, plain_xlsx
from learnweek.orgs.models import Unit


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "从未登录"


class StaffListExporter(ListExporter):
    """工作人员账号: one row per account of the page's list (its filters applied)."""

    def __init__(self, unit_name: str, staff: QuerySet[User]):
        self.unit_name, self.staff = unit_name, staff
        self.filename = f"工作人员账号-{timezone.localdate():%Y%m%d}"

    def title(self) -> str:
        return f"{self.unit_name}工作人员账号（{chinese_date(timezone.localdate())}导出）"

    def header(self) -> Sequence[str]:
        return ["序号", "用户名", "姓名", "单位代码", "单位", "手机号", "邮箱", "角色", "状态", "最近登录"]

    def rows(self) -> Iterable[Sequence[Any]]:
        a: Any  # an account annotated by staff_filtered (is_activated, is_unused), with its unit
        for number, a in enumerate(self.staff.iterator(chunk_size=1000), start=1):
            state = "已停用" if not a.is_active else ("未激活" if not a.is_activated else "启用")
            if a.is_active and a.is_unused:
                state += "（久未使用）"
            yield [
                number,
                a.username,
                a.full_name,
                a.unit.code,
                a.unit.name,
                a.phone,
                a.email,
                a.roles_display(),
                state,
                _when(a.last_login),
            ]


class StaffImportTemplate(Document):
    """The import's template: the header row (row 1, as the import reads it) and one example
    row in ``unit`` to be overwritten."""

    formats = ("xlsx",)

    def __init__(self, unit: Unit):
        self.unit = unit
        self.filename = "工作人员账号导入模板"

    def content(self, fmt: str) -> bytes:
        example = [
            self.unit.code,
            self.unit.name,
            "张三",
            "13900000000",
            "zhangsan@example.com",
            "填报员、审核员",
        ]
        return plain_xlsx([staff_import.COLUMNS, example], sheet_title="账号")
