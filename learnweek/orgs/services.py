"""Writes to the unit tree. Each public function is one transaction: all or nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from learnweek.core.errors import DomainError, RowErrorList, RowErrors
from learnweek.core.phones import fold, normalise_phone
from learnweek.core.tabular import ImportTable
from learnweek.orgs.divisions import DivisionRecord, national_divisions
from learnweek.orgs.models import (
    ADMINISTRATIVE_KINDS,
    CODE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    Designation,
    DesignationKind,
    InstitutionType,
    Unit,
    UnitKind,
)
from learnweek.orgs.places import regions_changed
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import require_role, within

if TYPE_CHECKING:
    from collections.abc import Iterable

    from learnweek.accounts.models import User


# -- divisions --------------------------------------------------------------------------------


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def total(self, kind: str) -> int:
        return self.created[kind] + self.updated[kind] + self.unchanged[kind]


DIVISION_FIELDS = ("name", "kind", "division_type", "is_municipality")


@transaction.atomic
def divisions_load(records: Iterable[DivisionRecord] | None = None) -> LoadReport:
    """Create or update the administrative units from the division records (parents first).

    Idempotent: a unit whose code exists is updated only where a field differs. Units that are no
    longer in the source are kept (activities may refer to them) and reported by the caller. A new
    unit gets its education department's signature (``issuer_name``: 吉林省教育厅, 长春市教育局);
    an existing one keeps the signature it has, which its administrators may have edited.
    """
    report = LoadReport()
    existing = {unit.code: unit for unit in Unit.objects.exclude(kind=UnitKind.INSTITUTION)}
    for record in records if records is not None else national_divisions():
        values = {name: getattr(record, name) for name in DIVISION_FIELDS}
        unit = existing.get(record.code)
        if unit is not None:
            changed = [name for name, value in values.items() if getattr(unit, name) != value]
            if changed:
                for name in changed:
                    setattr(unit, name, values[name])
                unit.save(update_fields=changed)
                report.updated[record.kind] += 1
            else:
                report.unchanged[record.kind] += 1
            continue
        if record.parent_code:
            parent = existing[record.parent_code]
            # treebeard's add_child works on the parent's stored numchild; refresh it.
            parent.refresh_from_db(fields=["numchild"])
            unit = parent.add_child(code=record.code, issuer_name=record.issuer_name, **values)
        else:
            unit = Unit.add_root(code=record.code, issuer_name=record.issuer_name, **values)
        Unit.objects.filter(pk=unit.pk).update(admin_unit=unit.pk)
        unit.admin_unit_id = unit.pk
        existing[record.code] = unit
        report.created[record.kind] += 1
    regions_changed()  # the place names the public search knows (orgs.places)
    return report


# -- institutions -----------------------------------------------------------------------------

INSTITUTION_TYPES_BY_LABEL = {label: value for value, label in InstitutionType.choices}


def _require_admin_over(actor: User | None, unit: Unit) -> None:
    require_role(actor, unit, Role.ADMIN, "管理单位")


def _check_code_and_name(code: str, name: str) -> list[str]:
    problems = []
    if not code:
        problems.append("代码不能为空")
    elif len(code) > CODE_MAX_LENGTH:
        problems.append(f"代码不能超过 {CODE_MAX_LENGTH} 个字符（现有 {len(code)} 个）")
    if not name:
        problems.append("名称不能为空")
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(f"名称不能超过 {NAME_MAX_LENGTH} 个字（现有 {len(name)} 个）")
    return problems


@transaction.atomic
def institution_create(
    *,
    actor: User | None,
    parent: Unit,
    code: str,
    name: str,
    institution_type: str,
    address: str = "",
    phone: str = "",
) -> Unit:
    _require_admin_over(actor, parent)
    code, name = fold(code).strip(), name.strip()
    problems = _check_code_and_name(code, name)
    if institution_type not in InstitutionType.values:
        problems.append("请选择机构类型")
    if not parent.is_administrative:
        problems.append("机构只能挂在行政区划单位（省、市、县）之下")
    if code and Unit.objects.filter(code=code).exists():
        problems.append(f"代码 {code} 已被其他单位使用")
    if problems:
        raise DomainError("；".join(problems) + "。", code="unit_invalid")
    parent.refresh_from_db(fields=["numchild"])
    return parent.add_child(
        code=code,
        name=name,
        kind=UnitKind.INSTITUTION,
        admin_unit=parent,
        institution_type=institution_type,
        address=address.strip(),
        phone=normalise_phone(phone),
    )


INSTITUTION_COLUMNS = {"code": "机构代码", "name": "机构名称", "type": "机构类型"}
INSTITUTION_OPTIONAL_COLUMNS = {"division": "所属区划代码", "address": "地址", "phone": "联系电话"}


@transaction.atomic
def institutions_import(*, actor: User | None, under: Unit, table: ImportTable) -> list[Unit]:
    """Create one institution per row. Every row is checked before anything is written; any
    problem refuses the whole file with a message per row and column."""
    _require_admin_over(actor, under)
    missing = [label for label in INSTITUTION_COLUMNS.values() if label not in table.headers]
    if missing:
        raise RowErrors([f"缺少必需的列：{'、'.join(missing)}（第 1 行应为表头）"])
    if not table.rows:
        raise RowErrors(["表中没有数据行"])

    cols = INSTITUTION_COLUMNS | INSTITUTION_OPTIONAL_COLUMNS
    errors = RowErrorList()
    seen: dict[str, int] = {}
    in_use = set(
        Unit.objects.filter(
            code__in=[fold(r.get(cols["code"], "")).strip() for _, r in table.rows]
        ).values_list("code", flat=True)
    )
    divisions = {u.code: u for u in within(Unit.objects.filter(kind__in=ADMINISTRATIVE_KINDS), under)}
    planned: list[tuple[Unit, dict[str, str]]] = []
    for number, row in table.rows:

        def fail(column: str, message: str, number: int = number) -> None:
            errors.add(number, column, message)

        # Codes and phones folded (full-width １２３ is 123): one code is one unit, and a
        # number is stored in the digits 0-9.
        code = fold(row.get(cols["code"], "")).strip()
        name = row.get(cols["name"], "")
        type_label = row.get(cols["type"], "")
        if not code:
            fail(cols["code"], "不能为空")
        elif len(code) > CODE_MAX_LENGTH:
            fail(cols["code"], f"不能超过 {CODE_MAX_LENGTH} 个字符（现有 {len(code)} 个）")
        elif code in seen:
            fail(cols["code"], f"代码 {code} 与第 {seen[code]} 行重复")
        elif code in in_use:
            fail(cols["code"], f"代码 {code} 已被系统中的其他单位使用")
        else:
            seen[code] = number
        if not name:
            fail(cols["name"], "不能为空")
        elif len(name) > NAME_MAX_LENGTH:
            fail(cols["name"], f"不能超过 {NAME_MAX_LENGTH} 个字（现有 {len(name)} 个）")
        if type_label not in INSTITUTION_TYPES_BY_LABEL:
            fail(cols["type"], f"“{type_label}”不是机构类型，可填：{'、'.join(INSTITUTION_TYPES_BY_LABEL)}")
        division_code = fold(row.get(cols["division"], "")).strip() or under.code
        parent = divisions.get(division_code)
        if parent is None:
            fail(cols["division"], f"{division_code} 不是 {under.name}（{under.code}）下的行政区划代码")
        address, phone = row.get(cols["address"], ""), normalise_phone(row.get(cols["phone"], ""))
        if len(address) > 200:
            fail(cols["address"], f"不能超过 200 个字（现有 {len(address)} 个）")
        if len(phone) > 40:
            fail(cols["phone"], f"不能超过 40 个字符（现有 {len(phone)} 个）")
        if parent is not None:
            planned.append(
                (
                    parent,
                    {
                        "code": code,
                        "name": name,
                        "institution_type": INSTITUTION_TYPES_BY_LABEL.get(type_label, ""),
                        "address": address,
                        "phone": phone,
                    },
                )
            )
    if errors:
        raise errors.refusal()
    created = []
    for parent, values in planned:
        parent.refresh_from_db(fields=["numchild"])
        created.append(parent.add_child(kind=UnitKind.INSTITUTION, admin_unit=parent, **values))
    return created


@transaction.atomic
def unit_update(
    *,
    actor: User | None,
    unit: Unit,
    name: str,
    address: str = "",
    phone: str = "",
    issuer_name: str | None = None,
) -> Unit:
    """Edit a unit's name (institutions only), address, phone and ``issuer_name`` (the signature
    of its documents; ``None`` leaves it as it is, blank signs with the unit's name)."""
    _require_admin_over(actor, unit)
    name = name.strip()
    problems = _check_code_and_name(unit.code, name)
    issuer = unit.issuer_name if issuer_name is None else issuer_name.strip()
    if len(issuer) > NAME_MAX_LENGTH:
        problems.append(f"发文机关名称不能超过 {NAME_MAX_LENGTH} 个字（现有 {len(issuer)} 个）")
    if problems:
        raise DomainError("；".join(problems) + "。", code="unit_invalid")
    if unit.is_administrative and name != unit.name:
        raise DomainError("行政区划的名称来自国家标准数据，不能在此修改。", code="division_readonly")
    unit.name, unit.address, unit.phone = name, address.strip(), normalise_phone(phone)
    unit.issuer_name = issuer
    unit.save(update_fields=["name", "address", "phone", "issuer_name"])
    return unit


@transaction.atomic
def designation_add(*, actor: User | None, unit: Unit, kind: str, year: int, note: str = "") -> Designation:
    _require_admin_over(actor, unit)
    if kind not in DesignationKind.values:
        raise DomainError("请选择称号。", code="designation_invalid")
    if not 1990 <= year <= 2100:
        raise DomainError("认定年份应在 1990 到 2100 之间。", code="designation_invalid")
    if Designation.objects.filter(unit=unit, kind=kind, year=year).exists():
        raise DomainError(f"{unit.name} 已有 {year} 年的该称号。", code="designation_duplicate")
    return Designation.objects.create(unit=unit, kind=kind, year=year, note=note.strip()[:200])
