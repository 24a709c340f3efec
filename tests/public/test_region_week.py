"""A region's page and poster lead with this year's activity week, or say it is 待公布: never a
past year's week as if it were current (in December 2026, /regions/110000/ led with 2023's week
and an opening ceremony in 重庆市). The clock is frozen at a date in 2026."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from learnweek.campaigns.models import CampaignStatus
from learnweek.campaigns.services import campaign_create, campaign_set_status, campaign_update
from learnweek.core.clock import today
from learnweek.core.poster import Canvas
from tests.helpers import COUNTY, PROVINCE, unit

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the one clock (``core.clock.today`` reads ``timezone.now``) at a given day."""

    def freeze(day: str) -> None:
        moment = datetime.datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        assert today() == moment.date()

    return freeze


@pytest.fixture
def national_2023(tree):
    """The ministry's 2023 campaign: its week in September and its opening in 重庆市."""
    campaign = campaign_create(
        actor=None, issuing_unit=unit("000000"), year=2023, slug="n23", title="2023年全国"
    )
    campaign_update(
        actor=None,
        campaign=campaign,
        week_start=datetime.date(2023, 9, 18),
        week_end=datetime.date(2023, 9, 24),
        ceremony_date=datetime.date(2023, 9, 18),
        ceremony_venue="重庆市开州区",
    )
    return campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)


def jilin_2026(week_start: str, week_end: str):
    campaign = campaign_create(
        actor=None, issuing_unit=unit(PROVINCE), year=2026, slug="jl26w", title="2026年吉林省活动周"
    )
    campaign_update(
        actor=None,
        campaign=campaign,
        week_start=datetime.date.fromisoformat(week_start),
        week_end=datetime.date.fromisoformat(week_end),
    )
    return campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)


def week_section(client, code: str) -> str:
    page = client.get(f"/regions/{code}/").content.decode()
    section = re.search(r'<section class="week">.*?</section>', page, re.S).group()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """What the posters draw: the band, the title and every fact."""
    texts: list[str] = []
    band, title, facts = Canvas.band, Canvas.title, Canvas.facts
    monkeypatch.setattr(Canvas, "band", lambda self, k, t: texts.extend([k, t]) or band(self, k, t))
    monkeypatch.setattr(Canvas, "title", lambda self, text, *a: texts.append(text) or title(self, text, *a))
    monkeypatch.setattr(
        Canvas,
        "facts",
        lambda self, fs, *a: texts.extend(f"{f.label}:{f.value}" for f in fs) or facts(self, fs, *a),
    )
    return texts


def test_with_only_a_past_years_campaign_the_week_is_to_be_announced(client, frozen, national_2023, drawn):
    frozen("2026-12-02")
    week = week_section(client, "110000")
    assert week.startswith("2026年活动周：待公布")
    assert "往届：2023年活动周 9月18日—9月24日" in week
    assert "重庆" not in week and "开幕式" not in week  # 2023's opening is not this year's
    assert not re.search(r"(?<!往届：)2023年活动周", week)

    response = client.get("/regions/110000/poster.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    text = " | ".join(drawn)
    assert "北京市2026年全民终身学习活动周" in text and "时间:待公布" in text
    assert "2023" not in text and "9月18日" not in text and "重庆" not in text


def test_this_years_week_is_shown_and_marked_when_it_has_passed(client, frozen, national_2023, drawn):
    jilin_2026("2026-09-07", "2026-09-13")
    frozen("2026-06-01")
    week = week_section(client, COUNTY)
    assert week.startswith("2026年活动周 9月7日 — 9月13日") and "已结束" not in week
    assert "待公布" not in week and "往届" not in week and "2023" not in week
    client.get(f"/regions/{COUNTY}/poster.png")
    assert "时间:2026年9月7日—9月13日" in drawn and "朝阳区2026年全民终身学习活动周" in drawn

    frozen("2026-12-02")
    drawn.clear()
    assert week_section(client, COUNTY).startswith("2026年活动周 （已结束） 9月7日 — 9月13日")
    client.get(f"/regions/{COUNTY}/poster.png")
    assert "时间:2026年9月7日—9月13日（已结束）" in drawn


def test_a_region_with_no_campaign_ever_says_to_be_announced_without_a_past_week(client, frozen, tree):
    frozen("2026-12-02")
    week = week_section(client, "110000")
    assert week.startswith("2026年活动周：待公布") and "往届" not in week


def test_a_past_years_campaign_page_says_it_is_past(client, frozen, national_2023):
    frozen("2026-12-02")
    page = client.get("/campaigns/n23/").content.decode()
    assert "往届：这是 2023 年的活动" in page
    frozen("2023-09-01")
    assert "往届" not in client.get("/campaigns/n23/").content.decode()
