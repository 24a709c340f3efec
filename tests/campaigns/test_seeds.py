"""The seeded campaigns reproduce the notices' dates and rules."""

import datetime

import pytest
from django.core.management import call_command

from learnweek.campaigns.models import Campaign, CampaignStatus
from learnweek.campaigns.seeds import campaigns_seed

D = datetime.date


@pytest.fixture
def seeded(tree):
    campaigns_seed()


def req(slug, kind):
    return Campaign.objects.get(slug=slug).requirements.get(kind=kind)


def test_every_notice_is_seeded_from_the_right_parent(seeded):
    parents = dict(Campaign.objects.values_list("slug", "parent__slug"))
    assert parents == {
        "2021-national": None,
        "2021-jilin": "2021-national",
        "2022-jilin": None,
        "2022-changchun": "2022-jilin",
        "2023-national": None,
        "2023-jilin": "2023-national",
        "2023-shanxi": "2023-national",
        "2023-guangdong": "2023-national",
    }
    assert set(Campaign.objects.values_list("status", flat=True)) == {CampaignStatus.PUBLISHED}


def test_national_2023(seeded):
    c = Campaign.objects.get(slug="2023-national")
    assert (c.doc_number, c.theme, c.issuing_unit.code) == (
        "教职成厅函〔2023〕18号",
        "让学习成为一种生活方式",
        "000000",
    )
    assert (c.reading_start, c.reading_end) == (D(2023, 6, 1), D(2023, 11, 30))
    assert (c.week_start, c.week_end, c.ceremony_host, c.ceremony_venue) == (
        D(2023, 9, 18),
        D(2023, 9, 24),
        "重庆市教委",
        "重庆市",
    )
    deadlines = {r.kind: r.deadline for r in c.requirements.all()}
    assert deadlines == {
        "work_plan": D(2023, 6, 30),
        "learning_star": D(2023, 7, 20),
        "brand_project": D(2023, 7, 20),
        "statistics": D(2023, 11, 28),
    }
    star = req("2023-national", "learning_star")
    assert (star.quota_min, star.quota_per_unit, star.applies_to) == (3, 5, ["province"])
    assert "010-66096253" in [x.phone for x in c.contacts.all()]


def test_jilin_2023(seeded):
    c = Campaign.objects.get(slug="2023-jilin")
    assert c.effective_theme == "让学习成为一种生活方式" and c.issued_on == D(2023, 9, 20)
    board = req("2023-jilin", "exhibition_board")
    assert (board.deadline, board.title_max_chars, board.photo_min, board.photo_max) == (
        D(2023, 9, 28),
        20,
        6,
        6,
    )
    assert board.body_min_chars < 500 < board.body_max_chars
    unit = req("2023-jilin", "advanced_unit")
    assert (unit.quota_per_unit, sorted(unit.applies_to)) == (1, ["county", "institution"])
    stats = req("2023-jilin", "statistics")
    assert stats.deadline == D(2023, 11, 20) and stats.parent_requirement == req(
        "2023-national", "statistics"
    )
    assert req("2023-jilin", "work_summary").cases_required == 1


def test_shanxi_guangdong_and_earlier_years(seeded):
    shanxi = Campaign.objects.get(slug="2023-shanxi")
    assert shanxi.doc_number == "晋教职成〔2023〕12号" and shanxi.office.name == "山西开放大学"
    assert (shanxi.reading_start, req("2023-shanxi", "work_plan").deadline) == (D(2023, 8, 1), D(2023, 8, 31))
    assert req("2023-shanxi", "statistics").deadline == D(2023, 11, 15)
    assert req("2023-guangdong", "statistics").deadline == D(2023, 11, 25)

    jilin21 = Campaign.objects.get(slug="2021-jilin")
    assert (jilin21.doc_number, jilin21.theme) == ("吉教职成〔2021〕25号", "庆建党百年华诞 谱终身学习新篇")
    summary = req("2021-jilin", "work_summary")
    assert (summary.deadline, summary.body_min_chars, summary.photo_min, summary.cases_required) == (
        D(2021, 12, 10),
        1500,
        8,
        2,
    )
    board = req("2022-changchun", "exhibition_board")
    assert (board.deadline, board.photo_min) == (D(2022, 10, 25), 4)
    assert board.body_min_chars < 300 < board.body_max_chars


def test_seeding_twice_changes_nothing(seeded, capsys):
    before = Campaign.objects.count()
    call_command("seed_campaigns")
    assert "新建 0 个年度活动" in capsys.readouterr().out
    assert Campaign.objects.count() == before
