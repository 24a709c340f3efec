"""An activity's shareable poster: its campaign and theme, name, time, place and organiser, and a
QR code to its public page (drawing in core.poster)."""

from __future__ import annotations

from learnweek.activities.exporters import span_text
from learnweek.activities.models import Activity, Mode
from learnweek.activities.selectors import activity_state
from learnweek.core.poster import QR_BOX, Canvas, Fact


def place_of(activity: Activity) -> str:
    if activity.mode == Mode.ONLINE:
        return "线上活动（扫码进入活动页面）"
    if activity.mode == Mode.BOTH:
        return f"{activity.address or '线下地点见活动页面'}（也可线上参加）"
    return activity.address or "见活动页面"


def seats_text(activity: Activity, *, seats_left: int | None, state: str) -> str:
    """The poster's 名额 line: 报名从速 only while seats are left to hurry for; a full activity
    offers its waiting list; one called off or ended asks nothing of anyone."""
    if not activity.capacity:
        return ""
    if activity.is_cancelled or state == "ended":
        return f"{activity.capacity} 人"
    if seats_left == 0:
        return f"{activity.capacity} 人，名额已满，可排候补"
    return f"{activity.capacity} 人，报名从速"


def activity_poster(activity: Activity, url: str, *, seats_left: int | None = None) -> bytes:
    """``seats_left`` is the seats still free (``registrations.selectors.seats_of``), None when
    unknown or unlimited."""
    campaign = activity.campaign
    canvas = Canvas()
    canvas.band(campaign.title, campaign.effective_theme)
    y = canvas.title(activity.name)
    facts = [
        Fact("时间", span_text(activity)),
        Fact("地点", place_of(activity)),
        Fact("主办", activity.organiser_name or activity.organiser.name),
        Fact("协办", activity.co_organisers),
        Fact("名额", seats_text(activity, seats_left=seats_left, state=activity_state(activity))),
    ]
    canvas.facts(facts, y + 50, QR_BOX[1] - 60)
    canvas.qr(url, "扫码查看详情、在线报名")
    canvas.footer("全民终身学习活动周 · 人人皆学、处处能学、时时可学")
    return canvas.png()
