"""A region's activity-week poster for its 专题 page: the week's dates, the opening ceremony and
how many activities are coming, with a QR code to the page (drawing in core.poster)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from learnweek.core.chinese import chinese_date, chinese_day_span
from learnweek.core.poster import QR_BOX, Canvas, Fact

if TYPE_CHECKING:
    from learnweek.campaigns.selectors import RegionWeek
    from learnweek.orgs.models import Unit


def week_text(week: RegionWeek) -> str:
    """The week's dates (or its note); 待公布 while no campaign of the year is published."""
    if not week.published:
        return "待公布，请扫码关注本地活动"
    if week.week_start and week.week_end:
        return chinese_day_span(week.week_start, week.week_end) + ("（已结束）" if week.over else "")
    return week.week_note or "时间待定，请关注活动页面"


def _coming_text(coming: int, more: bool) -> str:
    if not coming:
        return "活动陆续发布中"
    return f"{'超过 ' if more else ''}{coming} 项活动可查询、报名"


def region_week_poster(unit: Unit, week: RegionWeek, url: str, coming: int, more: bool = False) -> bytes:
    campaign = week.campaign
    canvas = Canvas()
    canvas.band(
        campaign.title if campaign else f"{week.year}年全民终身学习活动周",
        campaign.effective_theme if campaign else "",
    )
    y = canvas.title(f"{unit.name}{week.year}年全民终身学习活动周")
    ceremony = week.ceremony
    facts = [
        Fact("时间", week_text(week)),
        Fact(
            "开幕式",
            "，".join(
                part
                for part in (
                    chinese_date(ceremony.ceremony_date) if ceremony and ceremony.ceremony_date else "",
                    ceremony.ceremony_venue if ceremony else "",
                )
                if part
            ),
        ),
        Fact("活动", _coming_text(coming, more)),
    ]
    canvas.facts(facts, y + 50, QR_BOX[1] - 60)
    canvas.qr(url, "扫码查看本地活动")
    canvas.footer("全民终身学习活动周 · 人人皆学、处处能学、时时可学")
    return canvas.png()
