"""Data-quality checks of the statistics table: each fires on a crafted case and stays quiet on
clean data; the submitter sees them and submits only with an explanation, which the reviewer
reads beside the warnings."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learnweek.activities.services import activity_create
from learnweek.campaigns.models import CampaignStatus, RequirementKind, Submission
from learnweek.campaigns.services import (
    campaign_create,
    campaign_set_status,
    campaign_update,
    requirement_create,
)
from learnweek.core.errors import DomainError
from learnweek.orgs.models import UnitKind
from learnweek.stats.quality import modified_z, quality_report, same_activity_name
from learnweek.stats.services import header_save, reported_total_add, statistics_submit
from tests.helpers import CITY, COUNTY, SIBLING_COUNTY, unit

YEAR = 2026


def at(month, day, hour=9, year=YEAR):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def add(jilin_2026_published):
    def make(name="朝阳区读书沙龙", *, campaign=None, organiser=COUNTY, when=None, hours=2, **values):
        start = when or at(9, 1)
        values = {"category": "themed_reading", "person_times": 40, "capacity": 50} | values
        return activity_create(
            actor=None,
            campaign=campaign or jilin_2026_published,
            organiser=unit(organiser),
            name=name,
            start=start,
            end=start + datetime.timedelta(hours=hours),
            **values,
        )

    return make


def rules(report):
    return [f.rule for f in report.findings]


def test_clean_data_gives_no_warning(jilin_2026_published, add):
    add("朝阳区读书沙龙", when=at(9, 1))
    add("朝阳区读书沙龙", when=at(9, 8))  # the same name on another day
    add("老年人智能手机培训（第一期）", when=at(9, 2), category="digital_reading")
    add("老年人智能手机培训（第二期）", when=at(9, 2, 14), category="digital_reading")
    add("朝阳区读书沙龙", organiser=SIBLING_COUNTY, when=at(9, 1))  # another organiser
    add("线上讲座", person_times=500, capacity=50, category="online_lecture")  # exactly 10×
    assert not quality_report(jilin_2026_published, unit(CITY))


def test_person_times_far_above_seats_or_headcount(jilin_2026_published, add):
    over = add("社区书法公开课", capacity=30, person_times=301)
    add("亲子绘本课", capacity=None, headcount=20, person_times=200)  # 10× is not "more than"
    report = quality_report(jilin_2026_published, unit(CITY))
    assert rules(report) == ["capacity"]
    [finding] = report.findings
    assert finding.activity_ids == (over.pk,)
    assert "“社区书法公开课”填报参加人次 301，超过名额 30 的 10 倍" in finding.message


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("亲子共读绘本活动", "亲子 共读绘本活动！", True),
        ("亲子共读绘本活动", "亲子绘本共读活动", True),
        ("２０２６年社区读书节", "2026年社区读书节", True),
        ("老年人智能手机培训（第一期）", "老年人智能手机培训（第二期）", False),
        ("读书沙龙第1场", "读书沙龙第2场", False),
        ("社区读书分享会", "非遗剪纸体验课", False),
    ],
)
def test_names_that_name_the_same_activity(first, second, same):
    assert same_activity_name(first, second) is same


def test_the_same_activity_entered_twice(jilin_2026_published, add):
    a = add("亲子共读绘本活动", when=at(9, 3, 9))
    b = add("亲子绘本共读活动", when=at(9, 3, 15))
    add("亲子共读绘本活动", when=at(9, 4))
    report = quality_report(jilin_2026_published, unit(CITY))
    assert rules(report) == ["duplicate"]
    assert report.findings[0].activity_ids == (a.pk, b.pk)
    assert "2026年9月3日登记了 2 条名称相同或相近的活动" in report.findings[0].message


def test_activities_dated_outside_the_campaign(jilin_2026_published, add):
    campaign_update(
        actor=None,
        campaign=jilin_2026_published,
        reading_start=datetime.date(2026, 4, 1),
        reading_end=datetime.date(2026, 10, 31),
    )
    add("十月底的讲座", when=at(10, 31, 20))
    late = add("冬季读书会", when=at(12, 5))
    early = add("开春读书会", when=at(3, 30))
    report = quality_report(jilin_2026_published, unit(CITY))
    assert rules(report) == ["outside", "outside"]
    assert [f.activity_ids for f in report.findings] == [(early.pk,), (late.pk,)]
    assert "不在“2026年吉林省全民终身学习活动周”的活动期间（2026年4月1日至2026年10月31日）内" in (
        report.findings[1].message
    )


def test_a_campaign_with_only_its_week_set_keeps_the_whole_year(jilin_2026_published, add):
    campaign_update(
        actor=None,
        campaign=jilin_2026_published,
        week_start=datetime.date(2026, 10, 19),
        week_end=datetime.date(2026, 10, 25),
    )
    add("春季读书会", when=at(4, 23))
    assert not quality_report(jilin_2026_published, unit(CITY))
    add("跨年读书夜", when=at(12, 31, 22), hours=4)
    assert [f.rule for f in quality_report(jilin_2026_published, unit(CITY)).findings] == ["outside"]


def national(year):
    campaign = campaign_create(
        actor=None, issuing_unit=unit("000000"), year=year, slug=f"n{year}", title=f"{year}年全国活动"
    )
    return campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)


def test_modified_z_score():
    # Median 110, absolute deviations 10, 0, 10 → MAD 10.
    assert modified_z(200, [100, 110, 120]) == pytest.approx(0.6745 * 90 / 10)
    # No MAD: the mean absolute deviation stands in; no spread at all: no score.
    assert modified_z(200, [100, 100, 130]) == pytest.approx(100 / (1.253314 * 10))
    assert modified_z(200, [100, 100]) is None


def test_a_figure_that_jumps_against_the_units_own_history(jilin_2026_published, add):
    for past, person_times in ((2023, 1000), (2024, 1200), (2025, 1100)):
        add(
            "往年读书节",
            campaign=national(past),
            when=at(9, 1, year=past),
            person_times=person_times,
            capacity=None,
        )
    add("今年读书节", person_times=1150, capacity=None)
    assert not quality_report(jilin_2026_published, unit(COUNTY))

    add("今年读书月", person_times=20_000, capacity=None, when=at(9, 2))
    report = quality_report(jilin_2026_published, unit(COUNTY))
    assert rules(report) == ["jump"]
    [finding] = report.findings
    assert finding.unit_code == COUNTY and finding.column == "theme_reading"
    # Median 1100, MAD 100: z = 0.6745 × (21150 − 1100) / 100.
    assert "朝阳区“主题阅读活动”参加人次今年为 21150，2023—2025年的中位数为 1100（稳健 z 值 +135.2" in (
        finding.message
    )
    # The city's table names the county among its children.
    assert "jump" in rules(quality_report(jilin_2026_published, unit(CITY)))


def test_with_one_earlier_year_a_fivefold_change_is_questioned(jilin_2026_published, add):
    add("去年读书节", campaign=national(2025), when=at(9, 1, year=2025), person_times=1000, capacity=None)
    add("今年读书节", person_times=3000, capacity=None)
    assert not quality_report(jilin_2026_published, unit(COUNTY))
    add("今年读书月", person_times=3000, capacity=None, when=at(9, 2))
    [finding] = quality_report(jilin_2026_published, unit(COUNTY)).findings
    assert "今年为 6000，2025年为 1000，是2025年的 6.0 倍" in finding.message


def test_a_reported_total_over_itemised_activities(jilin_2026_published, add):
    itemised = add("朝阳区读书沙龙")
    for code in (COUNTY, SIBLING_COUNTY):
        reported_total_add(
            actor=None,
            campaign=jilin_2026_published,
            entered_by=unit(CITY),
            unit=unit(code),
            column="theme_reading",
            activities=12,
            person_times=600,
        )
    report = quality_report(jilin_2026_published, unit(CITY))
    assert rules(report) == ["overlap"]
    [finding] = report.findings
    assert finding.unit_code == COUNTY and finding.activity_ids == (itemised.pk,)
    assert (
        "已为朝阳区“主题阅读活动”填报汇总数（12 场、600 人次），本单位及下级单位又逐条登记了同栏目活动 1 场"
        in (finding.message)
    )


@pytest.fixture
def requirement(jilin_2026_published):
    return requirement_create(
        actor=None,
        campaign=jilin_2026_published,
        kind=RequirementKind.STATISTICS,
        title="朝阳区统计表",
        applies_to=[UnitKind.COUNTY],
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )


def submit_ready(jilin_2026_published, county_reporter, add):
    header_save(
        actor=county_reporter,
        campaign=jilin_2026_published,
        unit=unit(COUNTY),
        contact_name="王老师",
        mobile="13900000000",
    )
    return add("社区书法公开课", capacity=30, person_times=3000)


def test_warnings_need_an_explanation_and_go_up_with_it(
    jilin_2026_published, requirement, county_reporter, add, client
):
    over = submit_ready(jilin_2026_published, county_reporter, add)
    with pytest.raises(DomainError) as refused:
        statistics_submit(actor=county_reporter, requirement=requirement, unit=unit(COUNTY))
    assert refused.value.message == (
        "统计表有 1 条数据提醒（参加人次远超名额或人数 1 条）。请逐条核实；确认无误的，请填写情况说明后再提交。"
    )
    assert not Submission.objects.exists()

    submission = statistics_submit(
        actor=county_reporter,
        requirement=requirement,
        unit=unit(COUNTY),
        explanation="  线上同步直播，人次属实。 ",
    )
    quality = submission.stats_snapshots.get().data["quality"]
    assert quality["explanation"] == "线上同步直播，人次属实。"
    assert [f["activity_ids"] for f in quality["findings"]] == [[over.pk]]
    assert submission.events.last().comment == "情况说明：线上同步直播，人次属实。"


def test_the_pages_show_the_warnings_to_the_submitter_and_the_reviewer(
    jilin_2026_published, requirement, county_reporter, add, client
):
    from learnweek.orgs.roles import Role
    from tests.factories import StaffFactory

    over = submit_ready(jilin_2026_published, county_reporter, add)
    client.force_login(county_reporter)
    submit = reverse("backoffice:stats_submit", args=[jilin_2026_published.slug, requirement.pk])
    # Submitting without an explanation leads to the checks, with the form to explain.
    response = client.post(submit, {"unit": COUNTY})
    page = response.content.decode()
    assert response.status_code == 200 and "<h1>数据质量检查</h1>" in page
    assert "统计表有 1 条数据提醒" in page
    assert "“社区书法公开课”填报参加人次 3000，超过名额 30 的 10 倍" in page
    assert reverse("backoffice:activity", args=[over.pk]) in page
    assert 'name="explanation"' in page
    assert not Submission.objects.exists()

    response = client.post(submit, {"unit": COUNTY, "explanation": "含线上直播观看人次"}, follow=True)
    assert "统计表已提交" in response.content.decode()
    submission = Submission.objects.get()

    reviewer = StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER])
    client.force_login(reviewer)
    page = client.get(reverse("backoffice:submission", args=[submission.pk])).content.decode()
    assert "数据质量提醒（提交时 1 条）" in page
    assert "填报单位的情况说明：</strong>含线上直播观看人次" in page
    assert "超过名额 30 的 10 倍" in page


def test_a_refused_explanation_comes_back_as_typed(
    jilin_2026_published, requirement, county_reporter, add, client
):
    """An explanation over the limit is refused; the checks page comes back with it in the box,
    to shorten rather than type again (issue 23, item 9)."""
    submit_ready(jilin_2026_published, county_reporter, add)
    client.force_login(county_reporter)
    submit = reverse("backoffice:stats_submit", args=[jilin_2026_published.slug, requirement.pk])
    typed = "第 1 条为线上直播观看人次，已核实。" + "核" * 1000
    response = client.post(submit, {"unit": COUNTY, "explanation": typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"情况说明不能超过 1000 个字（现有 {len(typed)} 个）" in page
    assert f">{typed}</textarea>" in page
    assert not Submission.objects.exists()


def test_the_checks_page_is_scoped(jilin_2026_published, county_reporter, sibling_county_admin, add, client):
    submit_ready(jilin_2026_published, county_reporter, add)
    url = reverse("backoffice:stats_quality", args=[jilin_2026_published.slug]) + f"?unit={COUNTY}"
    client.force_login(sibling_county_admin)
    assert client.get(url).status_code == 404
    client.force_login(county_reporter)
    page = client.get(url).content.decode()
    assert "共 1 条提醒" in page
