from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from learnweek.activities.fubiao1 import HEADER
from learnweek.activities.models import Activity, DemoTableSnapshot
from learnweek.campaigns.models import Campaign, Requirement, RequirementKind
from learnweek.campaigns.selectors import cascade_of, cascade_requirements
from learnweek.core.chinese import chinese_date, chinese_day_span
from learnweek.core.exporters import ListExporter
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.selectors import is_within


def span_text(activity: Activity) -> str:
    """活动时间 as officials write it: 2023年10月15日, 2023年10月15日—10月20日, 2023年10月15日 14:00—16:30."""
    return _span(activity.start, activity.end, activity.time_known)


def preview_span_text(values: dict[str, Any]) -> str:
    """``span_text`` of an import preview's row (its times kept as ISO text); "—" when unread."""
    if not values.get("start") or not values.get("end"):
        return "—"
    start, end = (datetime.datetime.fromisoformat(values[name]) for name in ("start", "end"))
    return _span(start, end, bool(values.get("time_known")))


def _span(start: datetime.datetime, end: datetime.datetime, time_known: bool) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    text = chinese_day_span(start, end) if end.date() != start.date() else chinese_date(start)
    if time_known:
        text += f" {start:%H:%M}" + (f"—{end:%H:%M}" if end != start else "")
    return text


NOTICE_SUFFIX = re.compile(r"[（(](附件|附表)\s*\d*[）)]$")


def notice_table_title(campaign: Campaign, unit: Unit) -> str:
    """The name of the 附表1 as the topmost notice above ``unit`` in ``campaign``'s year asks for
    it, without the "（附件1）" after it; "" where none does."""
    for requirement in cascade_requirements(cascade_of(campaign), RequirementKind.DEMO_TABLE):
        if requirement.parent_requirement_id is None and is_within(requirement.campaign.issuing_unit, unit):
            title = NOTICE_SUFFIX.sub("", requirement.title.strip())
            if title:
                return title
    return ""


class Fubiao1Exporter(ListExporter):
    """附表1 示范活动汇总表: title, region row, header, one row per activity, note, contact line."""

    def __init__(
        self, campaign: Campaign, unit: Unit, activities: QuerySet[Activity], *, demonstration: bool
    ):
        self.campaign, self.unit, self.activities = campaign, unit, activities
        self.demonstration = demonstration
        self.filename = f"附表1-{campaign.slug}-{unit.code}"

    def _levels(self) -> dict[str, str]:
        names = {u.kind: u.name for u in [*self.unit.get_ancestors(), self.unit]}
        return {
            "province": names.get(UnitKind.PROVINCE, ""),
            "city": names.get(UnitKind.PREFECTURE, ""),
            "county": names.get(UnitKind.COUNTY, ""),
        }

    def title(self) -> str:
        """The table's name as the notice gives it: for the demonstration activities, the title
        of the 附表1 the unit's level was asked for (2023年“吉林省全民终身学习示范活动”汇总表);
        otherwise, or where no notice asked, the same build from the year and the province."""
        if self.demonstration:
            asked = notice_table_title(self.campaign, self.unit)
            if asked:
                return asked
        region = self._levels()["province"] or self.unit.name
        kind = "全民终身学习示范活动" if self.demonstration else "全民终身学习活动"
        return f"{self.campaign.year}年“{region}{kind}”汇总表"

    def preamble(self) -> list[list[str]]:
        """The region row: the form's blanks (吉林省　　市（县）　　区) filled with the names of the
        unit's province, city and county (吉林省　长春市　朝阳区), each as it is named, so never
        长春市市. The levels the unit does not sit under are left out: a city's table has no
        district, a province's is the province's, a municipality's district has no city
        (北京市　东城区); the ministry's keeps the form's blanks."""
        levels = self._levels()
        parts = [name for name in (levels["province"], levels["city"], levels["county"]) if name]
        return [["　".join(parts) or "　　省　　市（县）　　区"]]

    def header(self) -> list[str]:
        return HEADER

    def rows(self) -> Iterable[list]:
        for number, a in enumerate(
            self.activities.order_by("start", "pk").iterator(chunk_size=2000), start=1
        ):
            yield [
                number,
                a.name,
                span_text(a),
                a.address,
                a.organiser_name,
                a.headcount,
                a.registration_phone,
                a.content,
            ]

    def footer(self) -> list[str]:
        return ["注：活动不限10项，请根据实际情况填报。", "填表联系人：　　　　　　　　联系电话："]


class FrozenFubiao1Exporter(Fubiao1Exporter):
    """A handed-in 附表1 as it was frozen (activities.demo_table): titled as the requirement
    names the table, with its rows and its 填表联系人."""

    def __init__(self, requirement: Requirement, unit: Unit, snapshot: DemoTableSnapshot):
        super().__init__(requirement.campaign, unit, Activity.objects.none(), demonstration=True)
        self.requirement, self.snapshot = requirement, snapshot
        self.filename = (
            f"附表1-{requirement.campaign.slug}-{unit.code}-{timezone.localtime(snapshot.taken_at):%Y%m%d}"
        )

    def title(self) -> str:
        return NOTICE_SUFFIX.sub("", self.requirement.title.strip()) or super().title()

    def rows(self) -> Iterable[list]:
        for number, row in enumerate(self.snapshot.data.get("rows", []), start=1):
            yield [
                number,
                row.get("name", ""),
                row.get("time", ""),
                row.get("address", ""),
                row.get("organiser", ""),
                row.get("headcount"),
                row.get("phone", ""),
                row.get("content", ""),
            ]

    def footer(self) -> list[str]:
        data = self.snapshot.data
        return [
            "注：活动不限10项，请根据实际情况填报。",
            f"填表联系人：{data.get('contact_name', '')}　　联系电话：{data.get('contact_phone', '')}",
        ]
