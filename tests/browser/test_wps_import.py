"""A 附表1 saved by WPS, pictures placed in two of its cells, imported through the preview in a
real Chromium on a phone and on a laptop screen: the rows read with their dates, the pictures are
named as not imported, and the import writes the text only."""

import datetime
import shutil

import pytest

from learnweek.activities.models import Activity
from learnweek.campaigns import services as campaigns
from learnweek.campaigns.models import CampaignStatus
from learnweek.orgs.roles import Role
from tests.core.wps import Picture, png, wps_fubiao1
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import COUNTY, YEAR, unit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package"),
]

ROWS = [
    [
        "书香朝阳全民读书节",
        datetime.date(YEAR, 10, 20),
        "朝阳区图书馆",
        "朝阳区教育局",
        200,
        "0431-85550001",
        Picture("ID_6A0C3B7D0E1F4E3A9C2D1B0A9F8E7D6C", png(800, 600)),
    ],
    [
        "亲子阅读沙龙",
        datetime.date(YEAR, 10, 21),
        "南湖社区",
        "朝阳区教育局",
        40,
        "",
        "绘本共读",
        Picture("ID_B1", png(640, 480, "green")),
    ],
    [
        "智慧助老手机课堂",
        datetime.date(YEAR, 10, 22),
        "南湖社区活动室",
        "朝阳区教育局",
        30,
        "",
        "教老年人用手机",
        "",
    ],
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_a_wps_fubiao1_with_pictures_in_cells_through_the_preview(
    live_server, monkeypatch, tree, tmp_path, viewport
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    national = campaigns.campaign_create(
        actor=None, issuing_unit=unit("000000"), year=YEAR, slug="w-nat", title="全国"
    )
    campaigns.campaign_set_status(actor=None, campaign=national, status=CampaignStatus.PUBLISHED)
    jilin = campaigns.campaign_derive(
        actor=None, parent=national, unit=unit("220000"), slug="w-jl", title="吉林"
    )
    campaigns.campaign_set_status(actor=None, campaign=jilin, status=CampaignStatus.PUBLISHED)
    reporter = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    upload = tmp_path / "附表1（WPS）.xlsx"
    upload.write_bytes(wps_fubiao1(ROWS, extra_header=("照片",)).getvalue())
    base = live_server.url
    width, height = viewport

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN").new_page()
        page.goto(f"{base}/accounts/login/")
        page.locator("input[name=username]").fill(reporter.username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form:has(input[name=password]) button").click()
        page.wait_for_url(f"{base}/office/**")
        page.goto(f"{base}/office/activities/import/")
        page.get_by_label("年度活动").select_option(jilin.slug)
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_role("button", name="上传并预览").click()
        notice = page.get_by_role("status").filter(has_text="单元格是图片")
        notice.wait_for()
        assert "2 个单元格是图片，不会导入：第4行「活动内容」、第5行「照片」" in notice.inner_text()
        box = notice.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width  # no sideways scroll
        assert page.locator("body").inner_text().count("DISPIMG") == 0
        page.screenshot(path=str(tmp_path / f"preview-{width}.png"), full_page=True)
        row = page.locator("tr", has=page.get_by_label("勾选第4行"))
        assert (
            "活动内容：是单元格图片，未导入" in row.inner_text() and f"{YEAR}年10月20日" in row.inner_text()
        )
        page.get_by_role("button", name="确认导入 3 行").click()
        page.get_by_text("已导入 3 项活动").wait_for()
        page.screenshot(path=str(tmp_path / f"result-{width}.png"), full_page=False)
        browser.close()
    assert sorted(Activity.objects.values_list("content", flat=True)) == ["", "教老年人用手机", "绘本共读"]
