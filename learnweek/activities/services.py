"""Writes to the activity registry. One transaction per user action."""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from learnweek.activities import fubiao1, inference
from learnweek.activities.models import Activity, Audience, Category, ImportPreview, LinkAccess, Mode
from learnweek.activities.search import activity_index_text
from learnweek.audit.services import audit_record
from learnweek.campaigns.access import require
from learnweek.campaigns.models import Campaign
from learnweek.core.chinese import chinese_date
from learnweek.core.db import bulk_insert
from learnweek.core.errors import DomainError, NotFound, RowErrorList
from learnweek.core.memory import collections_paused
from learnweek.core.public_cache import public_activities
from learnweek.core.tabular import open_sheet, pictures_sentence
from learnweek.core.validation import http_url_problem
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within, within
from learnweek.registrations.models import Registration
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
    "online_link_access",
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
_EDITABLE = frozenset(EDITABLE)


def label(name: str) -> str:
    column = Activity._meta.get_field(name)
    assert isinstance(column, Field)  # asked only of the model's own columns, never of a relation's other end
    return str(column.verbose_name)


ONLINE_LINK_MAX = 500  # the column's length

CATEGORIES, MODES, AUDIENCES = frozenset(Category.values), frozenset(Mode.values), frozenset(Audience.values)
LINK_ACCESSES = frozenset(LinkAccess.values)


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
    elif len(str(values.get("online_link") or "")) > ONLINE_LINK_MAX:
        found.append(("online_link", f"不能超过 {ONLINE_LINK_MAX} 个字符"))
    access = values.get("online_link_access", LinkAccess.EVERYONE)
    if not (isinstance(access, str) and access in LINK_ACCESSES):
        found.append(("online_link_access", "只能是 " + " 或 ".join(LinkAccess.labels)))
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
        search_text=activity_index_text(
            fields, unit_path=organiser.path, start=fields.get("start"), end=fields.get("end")
        ),
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
        confirmed = activity.confirmed_count  # the seats counter, read under the row lock
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
    # capacity: sign-ups read and move the seats counter under the same row lock
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
    activity.search_text = activity_index_text(
        merged, unit_path=activity.unit_path, start=activity.start, end=activity.end
    )
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
    # no sign-up slips in between: sign-ups take the same row lock and look at cancelled_at under it
    activity = (
        Activity.objects.select_for_update().select_related("campaign", "organiser").get(pk=activity.pk)
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写取消原因，它会显示在活动页面上。", code="reason_required")
    if len(reason) > 200:
        raise DomainError(f"取消原因不能超过 200 个字（现有 {len(reason)} 个）。", code="reason_too_long")
    if activity.is_cancelled:
        raise DomainError("该活动已取消。", code="already_cancelled")
    activity.cancelled_at = timezone.now()
    activity.cancel_reason = reason
    activity.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    audit_record("activity.cancel", actor=actor, target=activity, target_label=f"活动：{activity.name}",
                 detail={"reason": reason})  # fmt: skip
    notify_cancelled(activity)
    public_activities.changed()
    return activity


# -- the official 附表1 table ------------------------------------------------------------------
#
# A file is read into rows (``_read_rows``: the reader's values, the organiser found in the
# importing unit's subtree, what activities.inference read from the row's words), every row is
# checked (``_problems``), then written at once (``_commit_rows``). The command line does the
# three in one step (``activities_import``); the back office keeps the rows between reading and
# writing in an ImportPreview, where what was read can be changed before 确认导入.

MAX_IMPORT_BYTES = settings.SPREADSHEET_MAX_BYTES  # checked by core.tabular.open_sheet
BATCH = 2000
PREVIEW_DAYS = 7  # an uncommitted preview older than this is removed when the next one is made
# What the preview lets the user change, with the column each is shown (and refused) under.
PREVIEW_FIELDS = {"category": "活动类别", "mode": "活动方式", "is_week": "活动周", "is_demonstration": "示范"}
PHOTOS_HINT = "活动照片请在“报送材料”的照片栏上传。"


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    pictures: list[str] = field(default_factory=list)  # 第3行「活动内容」: a picture not imported

    def summary(self) -> str:
        if self.created == 0 and self.skipped:
            return f"该文件此前已导入（{self.skipped} 行），未重复写入。" + self.notes_text()
        parts = "，".join(f"{Category(c).label} {n}" for c, n in self.by_category.most_common())
        text = f"已导入 {self.created} 项活动（{parts}）。" if self.created else "没有可导入的活动。"
        if self.skipped:
            text += f"另有 {self.skipped} 行此前已导入，未重复写入。"
        return text + self.notes_text()

    def notes_text(self) -> str:
        return pictures_sentence(self.pictures, PHOTOS_HINT)


def _key(organiser_id: int, name: str, start: Any, address: str) -> str:
    raw = f"{organiser_id}|{name}|{start.isoformat()}|{address}"
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


class ImportRow:
    """One data row on its way in: the values to write, why the inferred ones were chosen
    (``why``: field → reason), and what the reader or the unit tree found wrong (``errors``:
    (column, reason))."""

    __slots__ = ("errors", "key", "notes", "number", "organiser", "values", "why")

    def __init__(
        self, number: int, organiser: Unit | None, values: dict[str, Any], why, errors, notes=()
    ) -> None:
        self.number = number
        self.organiser = organiser  # None: the stored organiser is no longer in the unit's subtree
        self.values = values
        self.why: dict[str, str] = why
        self.errors: list[tuple[str, str]] = errors
        self.notes: list[tuple[str, str]] = list(notes)  # (column, what was not imported): a picture
        self.key = ""

    def stored(self, problems: list[tuple[str, str]], *, old: bool = False) -> dict[str, Any]:
        values = dict(self.values)
        for name in ("start", "end"):
            if values.get(name) is not None:
                values[name] = values[name].isoformat()
        return {
            "n": self.number,
            "org": self.organiser.pk if self.organiser else None,
            "v": values,
            "why": self.why,
            "e0": [list(e) for e in self.errors],
            "err": [list(p) for p in problems],
            "note": [list(n) for n in self.notes],
            "old": old,
        }

    @classmethod
    def from_stored(cls, data: dict[str, Any], units: dict[int, Unit]) -> ImportRow:
        values = dict(data["v"])
        for name in ("start", "end"):
            if values.get(name) is not None:
                values[name] = datetime.datetime.fromisoformat(values[name])
        errors = [(c, r) for c, r in data["e0"]]
        organiser = units.get(data["org"]) if data["org"] is not None else None
        if data["org"] is not None and organiser is None:
            errors.append(("主办单位", "该单位已不在本单位之下，请重新上传"))
        notes = [(c, r) for c, r in data.get("note", [])]
        return cls(data["n"], organiser, values, dict(data["why"]), errors, notes)


def _subtree(unit: Unit) -> dict[int, Unit]:
    return {u.pk: u for u in within(Unit.objects.all(), unit)}


def _read_rows(
    campaign: Campaign, unit: Unit, source: BinaryIO, demonstration: bool, subtree: dict[int, Unit]
) -> Iterator[ImportRow]:
    sheet = open_sheet(source)  # refuses a file over the size and row/column limits unread
    by_code = {u.code: u for u in subtree.values()}
    by_name: dict[str, Unit | None] = {}
    for u in subtree.values():
        by_name[u.name] = None if u.name in by_name else u  # an ambiguous name matches nothing
    tz = timezone.get_current_timezone()
    for row in fubiao1.read(sheet, year=campaign.year):
        errors = list(row.errors)
        organiser = unit
        if row.unit_code:
            coded = by_code.get(row.unit_code)
            if coded is None:
                errors.append(("单位代码", f"{row.unit_code} 不是 {unit.name} 或其下级单位的代码"))
            else:
                organiser = coded
        elif row.organiser_name and (named := by_name.get(row.organiser_name)):
            organiser = named
        values = row.values
        reading = inference.infer(
            name=values["name"],
            content=values["content"],
            place=values["address"],
            start=values.get("start"),
            end=values.get("end"),
            week_start=campaign.week_start,
            week_end=campaign.week_end,
            tz=tz,
        )
        why: dict[str, str] = {}
        if "category" not in row.given:
            values["category"], why["category"] = reading.category, reading.category_reason
        if "mode" not in row.given:
            values["mode"] = reading.mode
            if reading.mode_reason:
                why["mode"] = reading.mode_reason
        if "is_week" not in row.given:
            values["is_week"] = reading.is_week
            if reading.week_reason:
                why["is_week"] = reading.week_reason
        values["is_demonstration"] = demonstration
        yield ImportRow(row.number, organiser, values, why, errors, row.notes)


def _problems(rows: list[ImportRow]) -> dict[int, list[tuple[str, str]]]:
    """Row number → every (column, reason) that keeps the row from being written: the reader's,
    the registry's rules (``problems_of``), and a second copy of an activity. Sets each good
    row's ``key``."""
    seen: dict[str, int] = {}
    found: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        wrong = list(row.errors)
        read_wrong = {column for column, _ in row.errors}
        values = row.values
        for field_name, reason in problems_of(values):
            if values.get("start") is None and field_name in ("start", "end"):
                continue  # the unreadable 活动时间 is reported once, by the reader
            column = fubiao1.COLUMN_OF.get(field_name, label(field_name))
            if column in read_wrong:
                continue  # a picture in 活动名称: the reader said why it is empty
            wrong.append((column, reason))
        if values.get("start") is not None and row.organiser is not None:
            key = _key(row.organiser.pk, values["name"], values["start"], values.get("address", ""))
            if key in seen:
                wrong.append(("活动名称", f"与第{seen[key]}行是同一项活动（主办单位、名称、时间、地点相同）"))
            else:
                seen[key] = row.number
                row.key = key
        if wrong:
            found[row.number] = wrong
    return found


def _existing_keys(campaign: Campaign, keys: list[str]) -> set[str]:
    if connection.vendor == "postgresql":
        # One statement with the keys as one array: the ORM's IN lists of BATCH parameters each
        # cost more to build and plan than the lookup itself (0.9 s against 0.26 s at 100,000).
        # The conditions match the partial unique index (import_key <> '', the year).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT import_key FROM {Activity._meta.db_table} WHERE campaign_id = %s AND year = %s"  # noqa: S608
                " AND import_key <> '' AND import_key = ANY(%s)",
                [campaign.pk, campaign.year, keys],
            )
            return {key for (key,) in cursor.fetchall()}
    existing: set[str] = set()
    for i in range(0, len(keys), BATCH):
        existing.update(
            # The exclude matches the partial unique index (import_key <> ''), which PostgreSQL
            # then uses instead of walking every activity of the campaign.
            Activity.objects.filter(campaign=campaign, year=campaign.year, import_key__in=keys[i : i + BATCH])
            .exclude(import_key="")
            .values_list("import_key", flat=True)
        )
    return existing


def _commit_rows(actor: User | None, campaign: Campaign, rows: list[ImportRow]) -> ImportReport:
    """Check every row, then write them all or none (inside the caller's transaction)."""
    problems = _problems(rows)
    if problems:
        errors = RowErrorList()
        for number, wrong in problems.items():
            for column, reason in wrong:
                errors.add(number, column, reason)
        raise errors.refusal()
    existing = _existing_keys(campaign, [row.key for row in rows])
    actor_id = actor.pk if actor is not None else None
    fresh = [
        {
            "campaign_id": campaign.pk,
            "year": campaign.year,
            "organiser_id": row.organiser.pk,
            "unit_path": row.organiser.path,
            "import_key": row.key,
            "created_by_id": actor_id,
            "search_text": activity_index_text(
                row.values,
                unit_path=row.organiser.path,
                start=row.values.get("start"),
                end=row.values.get("end"),
            ),
            **{k: v for k, v in row.values.items() if k in _EDITABLE},
        }
        for row in rows
        if row.key not in existing and row.organiser is not None
    ]
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
        skipped=len(rows) - len(fresh),
        by_category=Counter(a["category"] for a in fresh),
        pictures=[f"第{row.number}行「{column}」" for row in rows for column, _ in row.notes],
    )


@transaction.atomic
def activities_import(
    *,
    actor: User | None,
    campaign: Campaign,
    unit: Unit,
    source: BinaryIO,
    demonstration: bool = False,
) -> ImportReport:
    """Import a filled 附表1 in one step (the command line), with the same reading of category,
    mode and week as the preview. Every row is checked first; one bad row refuses the file."""
    _require_reporter(actor, campaign, unit)
    with collections_paused():
        rows = list(_read_rows(campaign, unit, source, demonstration, _subtree(unit)))
        return _commit_rows(actor, campaign, rows)


@transaction.atomic
def import_preview_create(
    *,
    actor: User,
    campaign: Campaign,
    unit: Unit,
    source: BinaryIO,
    file_name: str = "",
    demonstration: bool = True,
) -> ImportPreview:
    """Read a filled 附表1 into a preview: nothing is written to the registry. A file that cannot
    be read at all is refused; a row that cannot be written is kept with its problems, which
    block 确认导入 until they are put right."""
    _require_reporter(actor, campaign, unit)
    with collections_paused():
        rows = list(_read_rows(campaign, unit, source, demonstration, _subtree(unit)))
        if not rows:
            raise DomainError("文件中没有活动行：请在表头下逐行填写活动。", code="import_empty")
        problems = _problems(rows)
        old = _existing_keys(campaign, [row.key for row in rows if row.key])
        ImportPreview.objects.filter(
            committed_at__isnull=True, created_at__lt=timezone.now() - datetime.timedelta(days=PREVIEW_DAYS)
        ).delete()
        return ImportPreview.objects.create(
            campaign=campaign,
            unit=unit,
            actor=actor,
            file_name=(file_name or "")[:200],
            demonstration=demonstration,
            rows=[
                row.stored(problems.get(row.number, []), old=bool(row.key) and row.key in old) for row in rows
            ],
        )


def _locked_preview(actor: User, preview: ImportPreview) -> ImportPreview:
    _require_reporter(actor, preview.campaign, preview.unit)
    locked = ImportPreview.objects.select_for_update().filter(pk=preview.pk, actor=actor).first()
    if locked is None:
        raise NotFound()
    if locked.committed_at is not None:
        when = timezone.localtime(locked.committed_at)
        raise DomainError(
            f"这份预览已于 {chinese_date(when)} {when:%H:%M} 导入（{locked.result}），未重复写入。",
            code="preview_committed",
        )
    return locked


def _preview_value(field_name: str, value: Any, where: str) -> Any:
    if field_name == "category" and value in CATEGORIES:
        return value
    if field_name == "mode" and value in MODES:
        return value
    if field_name in ("is_week", "is_demonstration") and isinstance(value, bool):
        return value
    raise DomainError(
        f"{where} {PREVIEW_FIELDS[field_name]}：“{value}”不是可选的值。", code="preview_invalid"
    )


@transaction.atomic
def import_preview_edit(
    *,
    actor: User,
    preview: ImportPreview,
    rows: dict[int, dict[str, Any]] | None = None,
    bulk: dict[str, Any] | None = None,
    bulk_rows: set[int] | None = None,
) -> int:
    """Change what the preview will write: ``rows`` gives values per row number; ``bulk`` gives
    values for the rows numbered in ``bulk_rows`` (every row when None), applied after ``rows``.
    Only the fields of PREVIEW_FIELDS change; a changed value is no longer marked as inferred.
    Returns how many rows changed."""
    preview = _locked_preview(actor, preview)
    stored = {row["n"]: row for row in preview.rows}
    plan: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for number, values in (rows or {}).items():
        if number not in stored:
            raise DomainError(f"预览中没有第{number}行。", code="preview_invalid")
        plan.append((stored[number], {f: _preview_value(f, v, f"第{number}行") for f, v in values.items()}))
    if bulk:
        checked = {f: _preview_value(f, v, "批量修改") for f, v in bulk.items()}
        if bulk_rows is not None and (unknown := sorted(bulk_rows - stored.keys())):
            raise DomainError(f"预览中没有第{unknown[0]}行。", code="preview_invalid")
        targets = preview.rows if bulk_rows is None else [stored[n] for n in sorted(bulk_rows)]
        plan.extend((row, checked) for row in targets)
    changed: set[int] = set()
    for row, values in plan:
        for field_name, value in values.items():
            if row["v"].get(field_name) == value and field_name not in row["why"]:
                continue
            if row["v"].get(field_name) != value:
                changed.add(row["n"])
            row["v"][field_name] = value
            row["why"].pop(field_name, None)  # chosen by the user now, not read from the words
            column = PREVIEW_FIELDS[field_name]
            row["e0"] = [e for e in row["e0"] if e[0] != column]
    _recheck(preview)
    preview.save(update_fields=["rows"])
    return len(changed)


def _recheck(preview: ImportPreview) -> None:
    units = _subtree(preview.unit)
    loaded = [ImportRow.from_stored(row, units) for row in preview.rows]
    problems = _problems(loaded)
    for row in preview.rows:
        row["err"] = [list(p) for p in problems.get(row["n"], [])]


@transaction.atomic
def import_preview_commit(*, actor: User, preview: ImportPreview) -> ImportReport:
    """确认导入: write exactly the preview's rows, all or none, with the checks of a one-step
    import (each bad row named by row and column, a second copy refused, rows imported before
    skipped). A committed preview says so and writes nothing again."""
    with collections_paused():
        preview = _locked_preview(actor, preview)
        units = _subtree(preview.unit)
        rows = [ImportRow.from_stored(row, units) for row in preview.rows]
        report = _commit_rows(actor, preview.campaign, rows)
    preview.committed_at = timezone.now()
    preview.result = report.summary()[:300]
    preview.rows = []  # written; the registry holds them now
    preview.save(update_fields=["committed_at", "result", "rows"])
    return report


@transaction.atomic
def import_preview_discard(*, actor: User, preview: ImportPreview) -> None:
    preview = _locked_preview(actor, preview)
    preview.delete()
