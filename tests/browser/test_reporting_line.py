"""The reporting line in a real Chromium, on a phone: a district imports its 附表1 with a preview,
hands the table in from its task, the city returns it, the district corrects and hands it in
again, the city approves it and hands in its own table with the district's rows; the statistics
tables go up the same line and the ministry reads Jilin's, with the imported reading activities in
their column."""

import datetime
import shutil

import pytest

from learnweek.activities.demo_table import frozen_table
from learnweek.campaigns import services as campaigns
from learnweek.campaigns.models import CampaignStatus, RequirementKind, SubmissionState
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from learnweek.stats.models import StatsSnapshot
from learnweek.stats.services import header_save, statistics_submit
from tests.activities.helpers import fubiao1
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, YEAR, unit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package"),
]

ROWS = [
    [
        "书香朝阳全民读书节",
        f"{YEAR}年10月20日",
        "朝阳区图书馆",
        "朝阳区教育局",
        200,
        "0431-85550001",
        "阅读分享",
    ],
    ["亲子阅读沙龙", f"{YEAR}年10月21日", "南湖社区", "朝阳区教育局", 40, "", "绘本共读"],
    ["经典诵读会", f"{YEAR}年10月22日", "朝阳区社区学院", "朝阳区教育局", 60, "", "诵读经典，书香校园"],
    ["读书分享会", f"{YEAR}年10月23日", "朝阳区文化馆", "朝阳区教育局", 50, "", "共读一本书"],
    ["全民阅读推广周", f"{YEAR}年10月24日", "朝阳区图书馆", "朝阳区教育局", 300, "", "阅读推广"],
]


def _chain():
    deadline = datetime.date(YEAR, 12, 31)
    national = campaigns.campaign_create(
        actor=None, issuing_unit=unit("000000"), year=YEAR, slug="e2e-nat", title="全国"
    )
    national_stats = campaigns.requirement_create(
        actor=None,
        campaign=national,
        kind=RequirementKind.STATISTICS,
        title="活动开展情况统计表",
        applies_to=[UnitKind.PROVINCE],
        deadline=deadline,
    )
    campaigns.campaign_set_status(actor=None, campaign=national, status=CampaignStatus.PUBLISHED)
    jilin = campaigns.campaign_derive(
        actor=None,
        parent=national,
        unit=unit(PROVINCE),
        slug="e2e-jl",
        title=f"{YEAR}年吉林省全民终身学习活动",
    )
    table = campaigns.requirement_create(
        actor=None,
        campaign=jilin,
        kind=RequirementKind.DEMO_TABLE,
        title=f"{YEAR}年“吉林省全民终身学习示范活动”汇总表（附件1）",
        applies_to=[UnitKind.PREFECTURE],
        deadline=deadline,
    )
    jilin_stats = campaigns.requirement_create(
        actor=None,
        campaign=jilin,
        parent_requirement=national_stats,
        applies_to=[UnitKind.PREFECTURE],
        deadline=deadline - datetime.timedelta(days=5),
    )
    campaigns.campaign_set_status(actor=None, campaign=jilin, status=CampaignStatus.PUBLISHED)
    city = campaigns.campaign_derive(
        actor=None, parent=jilin, unit=unit(CITY), slug="e2e-cc", title=f"{YEAR}年长春市全民终身学习活动"
    )
    city_table = campaigns.requirement_create(
        actor=None,
        campaign=city,
        parent_requirement=table,
        applies_to=[UnitKind.COUNTY],
        deadline=deadline - datetime.timedelta(days=10),
    )
    city_stats = campaigns.requirement_create(
        actor=None,
        campaign=city,
        parent_requirement=jilin_stats,
        applies_to=[UnitKind.COUNTY],
        deadline=deadline - datetime.timedelta(days=10),
    )
    campaigns.campaign_set_status(actor=None, campaign=city, status=CampaignStatus.PUBLISHED)
    return jilin, table, city_table, national_stats, jilin_stats, city_stats


def _sign_in(browser, base, user):
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button").click()
    page.wait_for_url(f"{base}/office/**")
    return page


def _stats_up(actor, requirement, code, reviewer):
    header_save(
        actor=actor,
        campaign=requirement.campaign,
        unit=unit(code),
        contact_name="联系人",
        mobile="13900000000",
    )
    submission = statistics_submit(
        actor=actor, requirement=requirement, unit=unit(code), explanation="已核实"
    )
    campaigns.submission_approve(actor=reviewer, submission=submission)
    return submission


@pytest.mark.django_db(transaction=True)
def test_one_table_and_one_statistics_table_from_a_district_to_the_ministry(
    live_server, monkeypatch, tree, tmp_path
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    jilin, table, city_table, national_stats, jilin_stats, city_stats = _chain()
    county_reporter = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    city_staff = StaffFactory(unit=unit(CITY), roles=[Role.REPORTER, Role.REVIEWER])
    province_staff = StaffFactory(unit=unit(PROVINCE), roles=[Role.REPORTER, Role.REVIEWER])
    ministry = StaffFactory(unit=unit("000000"), roles=[Role.REVIEWER])
    upload = tmp_path / "附表1.xlsx"
    upload.write_bytes(fubiao1(ROWS, title=table.title).getvalue())
    base = live_server.url

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        # The district imports its 附表1: a preview first, with the category read from the names.
        county = _sign_in(browser, base, county_reporter)
        county.goto(f"{base}/office/activities/import/")
        county.get_by_label("年度活动").select_option(jilin.slug)
        county.locator("input[type=file]").set_input_files(str(upload))
        county.get_by_role("button", name="上传并预览").click()
        assert county.get_by_label("第4行 活动类别").input_value() == "themed_reading"
        county.get_by_role("button", name="确认导入 5 行").click()
        county.get_by_text("已导入 5 项活动").wait_for()

        # Its task opens the live table of those five; it hands the table in.
        county.goto(f"{base}/office/")
        county.get_by_role("link", name=city_table.title).click()
        county.get_by_text("本单位示范活动（5 项）").wait_for()
        county.get_by_label("填表联系人").fill("王老师")
        county.get_by_label("联系电话").fill("0431-85551234")
        county.get_by_role("button", name="提交附表1").click()
        county.get_by_text("附表1已提交（5 项活动），等待上级审核。").wait_for()

        # The city finds it waiting on its 工作台 and returns it with a reason.
        city = _sign_in(browser, base, city_staff)
        city.get_by_role("link", name=f"朝阳区 · {city_table.title}").click()
        city.get_by_text("提交时冻结，5 项活动").wait_for()
        city.get_by_label("意见或理由").fill("“全民阅读推广周”不是示范活动，请删去")
        city.get_by_role("button", name="退回修改").click()

        # The district sees the return and its reason, corrects the table and hands it in again.
        county.goto(f"{base}/office/")
        county.get_by_text("退回理由：“全民阅读推广周”不是示范活动，请删去").wait_for()
        county.goto(f"{base}/office/requirements/{city_table.pk}/submission/")
        county.get_by_label("选择 全民阅读推广周").check()
        county.get_by_role("button", name="取消所选活动的示范").click()
        county.get_by_text("本单位示范活动（4 项）").wait_for()
        county.get_by_role("button", name="提交附表1").click()
        county.get_by_text("附表1已提交（4 项活动），等待上级审核。").wait_for()

        # The city approves it; its own table for the province then holds the district's rows.
        city.goto(f"{base}/office/")
        city.get_by_role("link", name=f"朝阳区 · {city_table.title}").click()
        city.get_by_role("button", name="审核通过").click()
        city.goto(f"{base}/office/requirements/{table.pk}/submission/")
        city.get_by_text("下级报送的附表1（已通过 1 /").wait_for()
        city.get_by_text("4 项（并入）").wait_for()
        city.get_by_label("填表联系人").fill("李老师")
        city.get_by_label("联系电话").fill("0431-88889999")
        city.get_by_role("button", name="提交附表1").click()
        city.get_by_text("附表1已提交（4 项活动），等待上级审核。").wait_for()
        city_submission = table.submissions.get(unit=unit(CITY))
        assert [r["name"] for r in frozen_table(city_submission).data["rows"]] == [r[0] for r in ROWS[:4]]

        # The province approves the city's table from its 工作台.
        province = _sign_in(browser, base, province_staff)
        province.get_by_role("link", name=f"长春市 · {table.title}").click()
        province.get_by_role("button", name="审核通过").click()
        city_submission.refresh_from_db()
        assert city_submission.state == SubmissionState.APPROVED

        # The statistics go up the same line; the ministry reads Jilin's table.
        _stats_up(county_reporter, city_stats, COUNTY, city_staff)
        _stats_up(city_staff, jilin_stats, CITY, province_staff)
        header_save(
            actor=province_staff,
            campaign=jilin,
            unit=unit(PROVINCE),
            contact_name="赵老师",
            mobile="13900000001",
        )
        province.goto(f"{base}/office/stats/{jilin.slug}/?unit={PROVINCE}")
        province.get_by_text("尚未填写参加人次").first.wait_for()
        jilin_table = statistics_submit(
            actor=province_staff, requirement=national_stats, unit=unit(PROVINCE), explanation="已核实"
        )
        reading = StatsSnapshot.objects.get(submission=jilin_table).data["county"]["theme_reading"]
        assert reading["activities"] == 5  # the five imported reading activities, in their column
        ministry_page = _sign_in(browser, base, ministry)
        ministry_page.get_by_role("link", name=f"吉林省 · {national_stats.title}").click()
        ministry_page.get_by_text("报送的统计表").wait_for()
        browser.close()
