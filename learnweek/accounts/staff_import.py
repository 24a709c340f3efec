"""Staff accounts by the thousand: an administrator imports a spreadsheet of the staff of its
subtree, one row a person.

Columns: 单位代码 or 单位名称 (either; a name must match exactly one unit of the subtree), 姓名,
手机号, 邮箱 (may be empty), 角色 (管理员、填报员、审核员, several separated by 、 or ，).

The rules (the import page states them):
- every unit lies in the importer's subtree (its own unit or below);
- 填报员 and 审核员 may be given in the whole subtree; 管理员 only in a unit strictly below the
  importer's own (the administrators of a unit are made by the unit above it), so an
  administrator never makes a peer;
- the mobile number is the person: a row whose number belongs to an account of the subtree
  updates that account (name, e-mail, roles, unit) instead of making a second one; a number used
  by an account outside the subtree, used twice in the file, or the importer's own, is refused;
- a new account's username is its mobile number (the number people sign in with); it has no
  password until its holder activates it (``accounts.activation``): nobody sees or sends one.
Every row is checked before anything is written; one bad row refuses the file, each problem
named by its row and column. The audit log gets one ``account.import`` entry naming the accounts
made and changed (not one ``account.create`` each: 1,000 chained entries take ~18 s on
PostgreSQL, the import itself ~0.5 s; see bench/accounts.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from learnweek.accounts.models import ROLE_FIELDS, User
from learnweek.accounts.tasks import account_link_emails
from learnweek.audit.services import audit_record
from learnweek.core.errors import DomainError, RowErrorList, RowErrors
from learnweek.core.phones import fold, normalise_mobile
from learnweek.core.tabular import ImportTable
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within, require_role, scope_root, within

CODE, NAME, PERSON, MOBILE, EMAIL, ROLES = "单位代码", "单位名称", "姓名", "手机号", "邮箱", "角色"
REQUIRED = (PERSON, MOBILE, ROLES)
COLUMNS = (CODE, NAME, PERSON, MOBILE, EMAIL, ROLES)
ROLE_BY_LABEL = {role.label: role for role in Role}
ROLE_SEPARATORS = re.compile(r"[、，,;；/\s]+")
PERSON_MAX = 50
EMAIL_MAX = 254


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)
    updated: list[User] = field(default_factory=list)
    unchanged: int = 0

    @property
    def summary(self) -> str:
        return f"新建 {len(self.created)} 个账号，更新 {len(self.updated)} 个，{self.unchanged} 个无变化"


def may_grant_admin(actor: User | None, unit: Unit) -> bool:
    """``actor`` may make someone 管理员 of ``unit``: ``unit`` lies strictly below the actor's own
    unit (the command line and superusers everywhere). The same rule says who may reset an
    administrator's password (``accounts.activation.admin_password_reset``)."""
    if actor is None or actor.is_superuser:
        return True
    return actor.unit is not None and unit.pk != actor.unit_id and is_within(actor.unit, unit)


def _roles(text: str) -> tuple[set[Role], list[str]]:
    labels = [part for part in ROLE_SEPARATORS.split(text.strip()) if part]
    unknown = [label for label in labels if label not in ROLE_BY_LABEL]
    return {ROLE_BY_LABEL[label] for label in labels if label in ROLE_BY_LABEL}, unknown


def staff_import(*, actor: User | None, under: Unit, table: ImportTable) -> ImportResult:
    """Create or update one staff account per row of ``table`` in ``under``'s subtree; all or
    nothing (``RowErrors`` naming each bad row and column)."""
    require_role(actor, under, Role.ADMIN, "导入账号")
    if actor is not None and not actor.is_superuser:
        # An administrator imports for its own subtree, whichever unit page it started from.
        root = scope_root(actor)
        if root is not None and not is_within(root, under):
            raise DomainError("只能为本单位及下级单位导入账号。", code="out_of_scope")
    headers = set(table.headers)
    missing = [label for label in REQUIRED if label not in headers]
    if CODE not in headers and NAME not in headers:
        missing.insert(0, f"{CODE}或{NAME}")
    if missing:
        raise RowErrors([f"缺少必需的列：{'、'.join(missing)}（第 1 行应为表头：{'、'.join(COLUMNS)}）"])
    rows = list(table.rows)
    if not rows:
        raise RowErrors(["表中没有数据行"])

    units = list(within(Unit.objects.all(), under).only("pk", "code", "name", "path"))
    by_code = {u.code: u for u in units}
    by_name: dict[str, list[Unit]] = {}
    for u in units:
        by_name.setdefault(u.name, []).append(u)
    mobiles = {}
    for number, row in rows:
        try:
            mobiles[number] = normalise_mobile(row.get(MOBILE, ""))
        except DomainError:
            pass
    existing = {
        u.phone: u
        for u in User.objects.filter(phone__in=set(mobiles.values()), unit__isnull=False).select_related(
            "unit"
        )
    }
    taken_usernames = set(
        User.objects.filter(username__in=set(mobiles.values())).values_list("username", flat=True)
    )
    outside = {
        u.code: u
        for u in Unit.objects.filter(
            code__in={fold(r.get(CODE, "")).strip() for _, r in rows} - set(by_code)
        ).only("code", "name")
    }

    errors = RowErrorList()
    seen: dict[str, int] = {}
    plans: list[tuple[User | None, Unit, str, str, str, set[Role]]] = []
    for number, row in rows:

        def fail(column: str, message: str, number: int = number) -> None:
            errors.add(number, column, message)

        code, name = fold(row.get(CODE, "")).strip(), row.get(NAME, "").strip()
        unit: Unit | None = None
        if code:
            unit = by_code.get(code)
            if unit is None and code in outside:
                fail(
                    CODE, f"{code}（{outside[code].name}）不在 {under.name} 及其下级单位中，不能为它导入账号"
                )
            elif unit is None:
                fail(CODE, f"没有代码为 {code} 的单位")
            elif name and name != unit.name:
                fail(NAME, f"“{name}”与单位代码 {code} 的单位“{unit.name}”不符")
        elif name:
            matches = by_name.get(name, [])
            if len(matches) > 1:
                named = "、".join(f"{u.name}（{u.code}）" for u in matches[:5])
                fail(NAME, f"“{name}”在 {under.name} 下有 {len(matches)} 个同名单位：{named}，请填写单位代码")
            elif matches:
                unit = matches[0]
            else:
                fail(NAME, f"{under.name} 及其下级单位中没有名为“{name}”的单位（须与系统中的名称完全一致）")
        else:
            fail(f"{CODE}/{NAME}", "不能都为空")

        person = row.get(PERSON, "").strip()
        if not person:
            fail(PERSON, "不能为空")
        elif len(person) > PERSON_MAX:
            fail(PERSON, f"不能超过 {PERSON_MAX} 个字（现有 {len(person)} 个）")

        mobile = mobiles.get(number)
        account: User | None = None
        if mobile is None:
            shown = row.get(MOBILE, "").strip()[:20]
            fail(MOBILE, "不能为空" if not shown else f"“{shown}”不是 11 位手机号码（以 13—19 开头）")
        elif mobile in seen:
            fail(MOBILE, f"{mobile} 与第 {seen[mobile]} 行重复")
        else:
            seen[mobile] = number
            account = existing.get(mobile)
            if account is not None:
                if actor is not None and account.pk == actor.pk:
                    fail(MOBILE, f"{mobile} 是您自己的账号，不能通过导入修改")
                    account = None
                elif account.unit is None or not is_within(under, account.unit):
                    fail(MOBILE, f"{mobile} 已被 {under.name} 以外的账号使用")
                    account = None
                elif account.is_superuser or (
                    account.is_unit_admin and not may_grant_admin(actor, account.unit)
                ):
                    fail(MOBILE, f"{mobile} 是{account.unit.name}的管理员账号，只能由上级单位的管理员修改")
                    account = None
            elif mobile in taken_usernames:
                fail(MOBILE, f"{mobile} 已被其他账号用作用户名")

        email = row.get(EMAIL, "").strip()
        if email:
            try:
                validate_email(email)
                if len(email) > EMAIL_MAX:
                    raise ValidationError("too long")
            except ValidationError:
                fail(EMAIL, f"“{email[:60]}”不是有效的电子邮箱地址")

        roles, unknown = _roles(row.get(ROLES, ""))
        if unknown:
            fail(ROLES, f"“{'、'.join(unknown)}”不是角色，可填：管理员、填报员、审核员（多个用“、”分隔）")
        elif not roles:
            fail(ROLES, "不能为空，可填：管理员、填报员、审核员（多个用“、”分隔）")
        elif Role.ADMIN in roles and unit is not None and not may_grant_admin(actor, unit):
            fail(
                ROLES, f"您不能设{unit.name}的管理员：管理员只能由上级单位的管理员设定（可设填报员、审核员）"
            )

        if unit is not None and mobile is not None:
            plans.append((account, unit, person, mobile, email, roles))
        if errors.full:
            break
    if errors:
        raise errors.refusal()
    return _write(actor=actor, under=under, plans=plans)


@transaction.atomic
def _write(*, actor: User | None, under: Unit, plans: list) -> ImportResult:
    result = ImportResult()
    new: list[User] = []
    changed: list[User] = []
    unusable = make_password(None)  # "!" and a random string: no password until activated
    for account, unit, person, mobile, email, roles in plans:
        flags = {f: role in roles for role, f in ROLE_FIELDS.items()}
        if account is None:
            new.append(
                User(
                    username=mobile,
                    phone=mobile,
                    full_name=person,
                    email=email,
                    unit=unit,
                    password=unusable,
                    **flags,
                )
            )
            continue
        values = {"full_name": person, "email": email, "unit_id": unit.pk, **flags}
        if all(getattr(account, k) == v for k, v in values.items()):
            result.unchanged += 1
            continue
        for k, v in values.items():
            setattr(account, k, v)
        changed.append(account)
    if new:
        result.created = bulk_create_with_history(new, User, batch_size=500, default_user=actor)
    if changed:
        bulk_update_with_history(
            changed,
            User,
            ["full_name", "email", "unit", *ROLE_FIELDS.values()],
            batch_size=500,
            default_user=actor,
        )
        result.updated = changed
    audit_record(
        "account.import",
        actor=actor,
        target=under,
        detail={
            "unit": under.code,
            "rows": len(plans),
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": result.unchanged,
            # Who was made and changed, in this one entry: an entry per account costs ~18 ms
            # each on PostgreSQL (the chain's head is locked and hashed per entry; bench/accounts.py).
            "created_accounts": [u.username for u in result.created],
            "updated_accounts": [u.username for u in result.updated],
        },
    )
    with_email = [u.pk for u in result.created if u.email]
    if with_email:
        transaction.on_commit(lambda: account_link_emails.delay(with_email, "activate"))
    return result
