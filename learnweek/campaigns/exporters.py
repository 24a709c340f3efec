from __future__ import annotations

from django.utils import timezone

from learnweek.campaigns.selectors import Board
from learnweek.core.chinese import chinese_date
from learnweek.core.exporters import ListExporter
from learnweek.orgs.models import Unit, kind_label_of
from learnweek.orgs.selectors import within


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class BoardExporter(ListExporter):
    """The completeness board of one requirement: one row per unit that must submit."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.filename = f"报送进度-{board.requirement.pk}-{board.under.code}"

    def title(self) -> str:
        r = self.board.requirement
        return f"{r.title}（截止 {chinese_date(r.deadline)}）报送进度 · {self.board.under.name}"

    def header(self) -> list[str]:
        return [
            "序号",
            "单位",
            "代码",
            "层级",
            "上级单位",
            "状态",
            "首次提交时间",
            "最近提交时间",
            "逾期提交",
            "通过时间",
        ]

    def rows(self):
        paths = {row.unit.path[: -row.unit.steplen] for row in self.board.rows}
        parents = dict(Unit.objects.filter(path__in=paths).values_list("path", "name"))
        levels = {
            pk: kind_label_of(kind, municipality, institution_type)
            for pk, kind, municipality, institution_type in within(
                Unit.objects.all(), self.board.under
            ).values_list("pk", "kind", "is_municipality", "institution_type")
        }
        for number, row in enumerate(self.board.rows, start=1):
            unit = row.unit
            s = row.submission
            yield [
                number,
                unit.name,
                unit.code,
                levels.get(unit.pk, ""),
                parents.get(unit.path[: -unit.steplen], ""),
                row.label,
                _when(s.first_submitted_at) if s else "",
                _when(s.submitted_at) if s else "",
                "是" if s and s.is_late else "",
                _when(s.approved_at) if s else "",
            ]

    def footer(self) -> list[str]:
        b = self.board
        return [
            f"应报 {b.total} 个，已提交 {b.handed_in} 个（{b.percent}%），其中已通过 {b.counts['approved']} 个，"
            f"逾期未交 {b.counts['overdue']} 个，逾期提交 {b.late_count} 个。统计日期：{chinese_date(b.on)}"
        ]
