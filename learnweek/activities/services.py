"""Writes to the activity registry. One transaction per user action."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from learnweek.activities import fubiao1
from learnweek.activities.models import Activity, Audience, Category, Mode
from learnweek.activities.search import activity_index_text
from learnweek.campaigns.access import require
from learnweek.campaigns.models import Campaign
from learnweek.core.db import bulk_insert
from learnweek.core.errors import DomainError, RowErrorList
from learnweek.core.locking import SEATS, key, lock
from learnweek.core.public_cache import public_activities
from learnweek.core.tabular import open_sheet
from learnweek.core.validation import http_url_problem
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within, within
from learnweek.registrations.models import Registration, RegistrationStatus
from learnweek.registrations.services import notify_cancelled, waitlist_fill

if TYPE_CHECKING:
    from learnweek.accounts.models import User

EDITABLE = (
    "name",
    "category",
    "forms",
    "is_week",
    "is_demonstration",
    "start",
    "end",
    "time_known",
    "mode",
    "address",
    "division",
    "online_link",
    "audiences",
    "headcount",
    "capacity",
    "registration_phone",
    "content",
    "person_times",
    "is_internal",
    "co_organisers",
    "organiser_name",
)


def label(name: str) -> str:
    column = Activity._meta.get_field(name)
    assert isinstance(column, Field)  # asked only of the model's own columns, never of a relation's other end
    return str(column.verbose_name)


CATEGORIES, MODES, AUDIENCES = frozenset(Category.values), frozenset(Mode.values), frozenset(Audience.values)


def problems_of(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, reason) for every rule the values break. Shared by the forms, the API and the import."""
    found = []
    name = str(values.get("name") or "").strip()
    if not name:
        found.append(("name", "不能为空"))
    elif len(name) > 200:
        found.append(("name", f"不能超过 200 个字（现有 {len(name)} 个）"))
    if values.get("category") not in CATEGORIES:
        found.append(("category", "请选择活动类别：" + "、".join(Category.labels)))
    if values.get("mode", Mode.OFFLINE) not in MODES:
        found.append(("mode", "只能是 线下、线上 或 线上线下"))
    start, end = values.get("start"), values.get("end")
    if start is None:
        found.append(("start", "不能为空"))
    if end is None:
        found.append(("end", "不能为空"))
    if start is not None and end is not None and end < start:
        found.append(("end", "结束时间早于开始时间"))
    for number_field in ("headcount", "capacity", "person_times"):
        value = values.get(number_field)
        if value is not None and (not isinstance(value, int) or value < 0):
            found.append((number_field, "应为不小于 0 的整数"))
    bad_audiences = [a for a in values.get("audiences") or [] if a not in AUDIENCES]
    if bad_audiences:
        found.append(("audiences", "未知的人群：" + "、".join(map(str, bad_audiences))))
    for text_field, limit in (
        ("address", 300),
        ("registration_phone", 40),
        ("co_organisers", 300),
        ("forms", 200),
    ):
        if len(str(values.get(text_field) or "")) > limit:
            found.append((text_field, f"不能超过 {limit} 个字"))
    link = http_url_problem(values.get("online_link"), "")
    if link:
        found.append(("online_link", link))
    return found


def _raise_if(found: list[tuple[str, str]]) -> None:
    if found:
        raise DomainError(
            "；".join(f"{label(f)}{reason}" for f, reason in found) + "。", code="activity_invalid"
        )


def _require_reporter(actor: User | None, campaign: Campaign, organiser: Unit) -> None:
    """The organiser is in the actor's subtree and under the campaign's issuing unit; the actor
    enters data (填报员) for it."""
    if not is_within(campaign.issuing_unit, organiser):
        raise DomainError(
            f"{organiser.name} 不在 {campaign.issuing_unit.name} 之下，不能登记到该年度活动。",
            code="campaign_scope",
        )
    require(actor, campaign, organiser, Role.REPORTER, "登记活动")


@transaction.atomic
def activity_create(*, actor: User | None, campaign: Campaign, organiser: Unit, **values: Any) -> Activity:
    _require_reporter(actor, campaign, organiser)
    values = {"mode": Mode.OFFLINE, "audiences": []} | values
    _raise_if(problems_of(values))
    fields = {k: v for k, v in values.items() if k in EDITABLE}
    fields.setdefault("organiser_name", organiser.name)
    activity = Activity.objects.create(
        campaign=campaign,
        year=campaign.year,
        organiser=organiser,
        unit_path=organiser.path,
        created_by=actor,
        search_text=activity_index_text(fields),
        **fields,
    )
    public_activities.changed()
    return activity


def _registration_problems(activity: Activity, values: dict[str, Any]) -> list[tuple[str, str]]:
    """Seats given and people checked in bound what the organiser may enter."""
    found = []
    registrations = Registration.objects.filter(activity=activity)
    capacity = values.get("capacity")
    if capacity is not None and capacity != activity.capacity:
        confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        if capacity < confirmed:
            found.append(("capacity", f"不能少于已报名的 {confirmed} 人"))
    person_times = values.get("person_times")
    if person_times is not None and person_times != activity.person_times:
        checked_in = registrations.filter(checked_in_at__isnull=False).count()
        if person_times < checked_in:
            found.append(("person_times", f"不能少于已签到的 {checked_in} 人"))
    return found


@transaction.atomic
def activity_update(*, actor: User | None, activity: Activity, **values: Any) -> Activity:
    _require_reporter(actor, activity.campaign, activity.organiser)
    lock(key(SEATS, activity.pk))  # capacity: sign-ups count seats under the same lock
    activity = (
        Activity.objects.select_for_update().select_related("campaign", "organiser").get(pk=activity.pk)
    )
    merged = {name: getattr(activity, name) for name in EDITABLE} | values
    _raise_if(problems_of(merged) + _registration_problems(activity, values))
    more_seats = "capacity" in values and (
        values["capacity"] is None
        or (activity.capacity is not None and values["capacity"] > activity.capacity)
    )
    for name, value in values.items():
        if name in EDITABLE:
            setattr(activity, name, value)
    activity.search_text = activity_index_text(merged)
    activity.save()
    if more_seats and not activity.is_cancelled:
        waitlist_fill(activity)
    public_activities.changed()
    return activity


@transaction.atomic
def activity_cancel(*, actor: User | None, activity: Activity, reason: str) -> Activity:
    """Call an activity off: sign-ups stop, the people registered are told by text message, and
    the public page says so with the reason."""
    _require_reporter(actor, activity.campaign, activity.organiser)
    lock(key(SEATS, activity.pk))  # no sign-up slips in between: sign-ups take the same lock
    activity = (
        Activity.objects.select_for_update().select_related("campaign", "organiser").get(pk=activity.pk)
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写取消原因，报名的居民会收到它。", code="reason_required")
    if len(reason) > 200:
        raise DomainError(f"取消原因不能超过 200 个字（现有 {len(reason)} 个）。", code="reason_too_long")
    if activity.is_cancelled:
        raise DomainError("该活动已取消。", code="already_cancelled")
    activity.cancelled_at = timezone.now()
    activity.cancel_reason = reason
    activity.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    notify_cancelled(activity)
    public_activities.changed()
    return activity


# -- the official 附表1 table ------------------------------------------------------------------

MAX_IMPORT_BYTES = settings.SPREADSHEET_MAX_BYTES  # checked by core.tabular.open_sheet
BATCH = 2000


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    by_category: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        if self.created == 0 and self.skipped:
            return f"该文件此前已导入（{self.skipped} 行），未重复写入。"
        parts = "，".join(f"{Category(c).label} {n}" for c, n in self.by_category.most_common())
        text = f"已导入 {self.created} 项活动（{parts}）。" if self.created else "没有可导入的活动。"
        if self.skipped:
            text += f"另有 {self.skipped} 行此前已导入，未重复写入。"
        return text


def _key(organiser: Unit, name: str, start: Any, address: str) -> str:
    raw = f"{organiser.pk}|{name}|{start.isoformat()}|{address}"
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


@transaction.atomic
def activities_import(
    *,
    actor: User | None,
    campaign: Campaign,
    unit: Unit,
    source: BinaryIO,
    demonstration: bool = False,
) -> ImportReport:
    """Import a filled 附表1. Every row is checked first; one bad row refuses the file."""
    _require_reporter(actor, campaign, unit)
    sheet = open_sheet(source)  # refuses a file over the size and row/column limits unread
    subtree = {u.pk: u for u in within(Unit.objects.all(), unit)}
    by_code = {u.code: u for u in subtree.values()}
    by_name: dict[str, Unit | None] = {}
    for u in subtree.values():
        by_name[u.name] = None if u.name in by_name else u  # an ambiguous name matches nothing
    errors = RowErrorList()
    planned: list[dict[str, Any]] = []  # rows for bulk_insert, by field attname
    seen: dict[str, int] = {}
    for row in fubiao1.read(sheet, year=campaign.year):
        for column, reason in row.errors:
            errors.add(row.number, column, reason)
        if row.errors and errors.full:
            continue  # a bad row past the listed ones is only counted
        organiser = unit
        if row.unit_code:
            coded = by_code.get(row.unit_code)
            if coded is None:
                errors.add(row.number, "单位代码", f"{row.unit_code} 不是 {unit.name} 或其下级单位的代码")
                continue
            organiser = coded
        elif row.organiser_name and (named := by_name.get(row.organiser_name)):
            organiser = named
        values = row.values | {"is_demonstration": demonstration or row.values.get("is_demonstration", False)}
        for field_name, reason in problems_of(values):
            if values.get("start") is None and field_name in ("start", "end"):
                continue  # the unreadable 活动时间 is reported once, by the reader
            errors.add(row.number, fubiao1.COLUMN_OF.get(field_name, label(field_name)), reason)
        if row.errors or values.get("start") is None:
            continue
        key = _key(organiser, values["name"], values["start"], values.get("address", ""))
        if key in seen:
            errors.add(
                row.number, "活动名称", f"与第{seen[key]}行是同一项活动（主办单位、名称、时间、地点相同）"
            )
            continue
        seen[key] = row.number
        if errors:
            continue  # the file is refused: keep no more rows to write
        planned.append(
            {
                "campaign_id": campaign.pk,
                "year": campaign.year,
                "organiser_id": organiser.pk,
                "unit_path": organiser.path,
                "import_key": key,
                "created_by_id": actor.pk if actor is not None else None,
                "search_text": activity_index_text(values),
                **{k: v for k, v in values.items() if k in EDITABLE},
            }
        )
    if errors:
        raise errors.refusal()
    existing: set[str] = set()
    keys = list(seen)
    for i in range(0, len(keys), BATCH):
        existing.update(
            # The exclude matches the partial unique index (import_key <> ''), which PostgreSQL
            # then uses instead of walking every activity of the campaign.
            Activity.objects.filter(campaign=campaign, year=campaign.year, import_key__in=keys[i : i + BATCH])
            .exclude(import_key="")
            .values_list("import_key", flat=True)
        )
    fresh = [a for a in planned if a["import_key"] not in existing]
    try:
        with transaction.atomic():
            bulk_insert(Activity, fresh, batch_size=BATCH)
    except IntegrityError as exc:
        # Only a simultaneous import of the same rows can get here: every other rule was checked.
        raise DomainError(
            "这些活动正被同时导入，未写入任何数据；请稍后刷新查看。", code="import_conflict"
        ) from exc
    except (OperationalError, InterfaceError) as exc:
        # The database went away mid-write: the transaction died with it, so nothing was kept.
        if not connection.is_usable():
            connection.close()  # the next query of this request opens a fresh connection
        raise DomainError(
            "导入中途与数据库的连接中断，本次没有写入任何活动；请重新导入这个文件。",
            code="import_interrupted",
        ) from exc
    if fresh:
        public_activities.changed()
    return ImportReport(
        created=len(fresh),
        skipped=len(planned) - len(fresh),
        by_category=Counter(a["category"] for a in fresh),
    )
