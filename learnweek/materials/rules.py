"""The rules of each kind of material (SPEC §4): which structured details it carries, and what
keeps it from being handed in. Messages name the rule and what was found."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from learnweek.campaigns.models import Requirement, RequirementKind, Submission
from learnweek.campaigns.rules import count_chars, text_problems
from learnweek.core.phones import is_phone_number
from learnweek.core.validation import is_http_url

if TYPE_CHECKING:
    from learnweek.orgs.models import Unit

MATERIAL = "material"  # the family of the material kinds (campaigns.kinds)
MATERIAL_KINDS = (
    RequirementKind.WORK_PLAN,
    RequirementKind.EXHIBITION_BOARD,
    RequirementKind.WORK_SUMMARY,
    RequirementKind.TYPICAL_CASE,
    RequirementKind.PUBLICITY,
)
# The exhibition boards are printed large: photos at least this long on their long side unless
# the requirement sets its own minimum.
BOARD_LONG_SIDE = 1920
PUBLICITY_TYPES = ("链接", "视频", "文章")


@dataclass(frozen=True)
class Detail:
    name: str
    label: str
    kind: str = "text"  # text, url, phone, date


DETAILS: dict[str, tuple[Detail, ...]] = {
    RequirementKind.WORK_PLAN: (
        Detail("website_name", "活动周网站名称"),
        Detail("website_url", "活动周网站网址", "url"),
        Detail("liaison_name", "联络员"),
        Detail("liaison_phone", "联络员电话", "phone"),
    ),
    RequirementKind.TYPICAL_CASE: (Detail("case_unit", "案例单位"),),
}


def _summary_draft(requirement: Requirement, unit: Unit) -> tuple[str, str]:
    """The drafted work summary (stats.summary) of the unit, to start the 工作总结 from."""
    address = reverse("backoffice:stats_summary_draft", args=[requirement.campaign.slug])
    return "下载工作总结草稿（Word，含本单位数字、图表、案例和照片）", f"{address}?unit={unit.code}"


def edit_aid(kind: str) -> Callable[[Requirement, Unit], tuple[str, str]] | None:
    """The help the material's edit page offers for ``kind`` (campaigns.kinds ``edit_aid``)."""
    return _summary_draft if kind == RequirementKind.WORK_SUMMARY else None


def is_material(requirement: Requirement) -> bool:
    return requirement.kind in MATERIAL_KINDS


def body_label(requirement: Requirement) -> str:
    """What the text of the material is called on its form."""
    return "案例内容" if requirement.kind == RequirementKind.TYPICAL_CASE else "正文"


def lists_items(requirement: Requirement) -> bool:
    """Whether the material is a list of publicity items (links, videos, articles)."""
    return requirement.kind == RequirementKind.PUBLICITY


def min_long_side(requirement: Requirement) -> int | None:
    if requirement.photo_min_long_side is not None:
        return requirement.photo_min_long_side
    return BOARD_LONG_SIDE if requirement.kind == RequirementKind.EXHIBITION_BOARD else None


def takes_photos(requirement: Requirement) -> bool:
    return requirement.kind in (
        RequirementKind.EXHIBITION_BOARD,
        RequirementKind.WORK_SUMMARY,
        RequirementKind.TYPICAL_CASE,
    ) or bool(requirement.photo_max or requirement.photo_min)


def detail_problems(requirement: Requirement, details: dict[str, Any]) -> list[str]:
    """Formats of the details as typed (a draft may leave them empty)."""
    problems = []
    for detail in DETAILS.get(requirement.kind, ()):
        value = str(details.get(detail.name) or "").strip()
        if not value:
            continue
        if len(value) > 200:
            problems.append(f"“{detail.label}”最多 200 字")
        elif detail.kind == "url" and not is_http_url(value):
            problems.append(f"“{detail.label}”“{value[:40]}”不是 http(s) 网址")
        elif detail.kind == "phone" and not is_phone_number(value):
            problems.append(f"“{detail.label}”“{value[:30]}”不是电话号码")
    for number, item in enumerate(details.get("items") or [], start=1):
        if not isinstance(item, dict):
            problems.append(f"第{number}条宣传材料格式不对")
            continue
        if item.get("type") not in PUBLICITY_TYPES:
            problems.append(f"第{number}条宣传材料的类型应为链接、视频或文章")
        if not str(item.get("title") or "").strip():
            problems.append(f"第{number}条宣传材料请填写标题")
        url = str(item.get("url") or "").strip()
        if url and not is_http_url(url):
            problems.append(f"第{number}条宣传材料的网址“{url[:40]}”不是 http(s) 网址")
        if item.get("type") in ("链接", "视频") and not url:
            problems.append(f"第{number}条宣传材料（{item.get('type')}）请填写网址")
        date = item.get("date")
        if date:
            try:
                datetime.date.fromisoformat(str(date))
            except ValueError:
                problems.append(f"第{number}条宣传材料的日期“{date}”应为 年-月-日")
    return problems


def material_problems(requirement: Requirement, submission: Submission) -> list[str]:
    """What keeps a material from being handed in: text lengths, photos, cases, the document
    or text of a work plan, and the details."""
    problems = text_problems(requirement, title=submission.title, body=submission.body)
    details = submission.details or {}
    problems += detail_problems(requirement, details)
    kind = requirement.kind
    if (
        kind in (RequirementKind.EXHIBITION_BOARD, RequirementKind.TYPICAL_CASE)
        and not submission.title.strip()
    ):
        problems.append("请填写标题")
    if kind == RequirementKind.WORK_PLAN and not submission.body.strip() and not submission.files.exists():
        problems.append("工作方案请填写正文或上传文档")
    if kind == RequirementKind.TYPICAL_CASE:
        if not str(details.get("case_unit") or "").strip():
            problems.append("请填写“案例单位”")
        if not submission.body.strip():
            problems.append("请填写案例内容")
    if kind == RequirementKind.PUBLICITY and not details.get("items"):
        problems.append("请至少添加一条宣传材料（链接、视频或文章）")
    photos = submission.photos.count()
    low, high = requirement.photo_min, requirement.photo_max
    if low is not None and high is not None and low == high and photos != low:
        problems.append(f"须 {low} 张照片（现有 {photos} 张）")
    else:
        if low is not None and photos < low:
            problems.append(f"照片至少 {low} 张（现有 {photos} 张）")
        if high is not None and photos > high:
            problems.append(f"照片最多 {high} 张（现有 {photos} 张）")
    if requirement.cases_required:
        cases = list(submission.cases.all())
        if len(cases) < requirement.cases_required:
            problems.append(f"典型活动案例须 {requirement.cases_required} 个（现有 {len(cases)} 个）")
        for number, case in enumerate(cases, start=1):
            if count_chars(case.body) == 0:
                problems.append(f"第{number}个案例“{case.title}”没有内容")
    return problems
