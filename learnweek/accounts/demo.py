"""Demo data for `make demo`: one account per level, and a few institutions to look at.

The accounts are created through the same services as real ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from learnweek.accounts.models import User
from learnweek.accounts.services import staff_account_create
from learnweek.orgs.models import DesignationKind, InstitutionType, Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import unit_get_by_code
from learnweek.orgs.services import designation_add, institution_create

DEMO_PASSWORD = "learnweek-demo-2026"  # noqa: S105 - printed on the demo home page on purpose


@dataclass(frozen=True)
class DemoAccount:
    username: str
    unit_code: str
    unit_name: str
    level: str


DEMO_ACCOUNTS = [
    DemoAccount("ministry", "000000", "教育部", "教育部"),
    DemoAccount("jilin", "220000", "吉林省", "省级"),
    DemoAccount("changchun", "220100", "长春市", "地市级"),
    DemoAccount("chaoyang", "220104", "长春市朝阳区", "县级"),
    DemoAccount("ccou", "DEMO-220104-0001", "长春市朝阳区社区学院", "机构"),
]
ALL_ROLES = [Role.ADMIN, Role.REPORTER, Role.REVIEWER]


@transaction.atomic
def demo_load() -> list[User]:
    """Idempotent: existing demo accounts and institutions are left as they are."""
    county = unit_get_by_code("220104")
    institutions = [
        ("DEMO-220104-0001", "长春市朝阳区社区学院", InstitutionType.COMMUNITY_SCHOOL),
        ("DEMO-220104-0002", "长春市朝阳区老年大学", InstitutionType.ELDER_UNIVERSITY),
        ("DEMO-220100-0001", "长春开放大学", InstitutionType.OPEN_UNIVERSITY),
    ]
    for code, name, kind in institutions:
        if not Unit.objects.filter(code=code).exists():
            parent = county if code.startswith("DEMO-220104") else unit_get_by_code("220100")
            institution_create(actor=None, parent=parent, code=code, name=name, institution_type=kind)
    if not county.designations.exists():
        designation_add(actor=None, unit=county, kind=DesignationKind.DEMONSTRATION_ZONE, year=2020)
    users = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = staff_account_create(
                actor=None,
                unit=unit_get_by_code(account.unit_code),
                username=account.username,
                password=DEMO_PASSWORD,
                roles=ALL_ROLES,
                full_name=f"{account.unit_name}演示账号",
            )
        users.append(user)
    return users
