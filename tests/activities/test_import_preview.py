"""Importing a 附表1 in two steps through the back office: upload → preview (every row as it will
be written, what was inferred marked and changeable) → 确认导入."""

import datetime
import re

import pytest
from django.urls import reverse

from learnweek.activities.models import Activity, ImportPreview
from learnweek.campaigns.models import Campaign
from tests.activities.helpers import fubiao1
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, unit

pytestmark = pytest.mark.django_db

ROWS = [
    ["全民读书节", "2023年10月20日", "朝阳区图书馆", "朝阳区教育局", 200, "0431-85551234", "好书共读"],
    ["篮球友谊赛", "2023年10月21日", "体育馆", "朝阳区教育局", 40, "", "三对三"],
    ["健康讲座", "2023年10月22日 19:00-20:00", "腾讯会议", "朝阳区教育局", 500, "", "家庭健康"],
]


def upload(client, rows=ROWS, **form):
    response = client.post(
        reverse("backoffice:activity_import"),
        {"campaign": "jl23", "file": fubiao1(rows, **form.pop("sheet", {})), "demonstration": "on"} | form,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def cells(page: str, row: int) -> str:
    """The text of the preview's table row for sheet row ``row``."""
    match = re.search(
        rf'<tr[^>]*>\s*<td><input type="checkbox" name="pick" value="{row}".*?</tr>', page, re.S
    )
    assert match, f"row {row} not on the page"
    return match.group(0)


def selected(row_html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}_\d+".*?</select>', row_html, re.S).group(0)
    return re.search(r'<option value="([^"]+)" selected', select).group(1)


def test_the_preview_shows_every_row_as_it_will_be_written_and_writes_nothing(
    client, county_reporter, jilin_2023_derived
):
    client.force_login(county_reporter)
    url = upload(client)
    assert not Activity.objects.exists()
    page = client.get(url).content.decode()
    assert "共 3 行" in page and "确认导入 3 行" in page
    reading, game, lecture = cells(page, 4), cells(page, 5), cells(page, 6)
    assert (
        selected(reading, "category") == "themed_reading" and "推断" in reading and "名称含“读书”" in reading
    )
    assert "全民读书节" in reading and "2023年10月20日" in reading and "朝阳区图书馆" in reading
    assert selected(game, "category") == "other" and "未能判断类别" in game
    assert selected(lecture, "category") == "online_lecture" and selected(lecture, "mode") == "online"
    # 人数 is shown as planned; 参加人次 is not filled from it
    assert ">200<" in reading and "未填" in reading
    assert 'name="demo_4" value="1" checked' in reading  # 示范, the form's default for a 附表1
    assert "1 行未能判断类别" in page


def test_row_and_bulk_edits_are_what_the_commit_writes(client, county_reporter, jilin_2023_derived):
    client.force_login(county_reporter)
    url = upload(client)
    page_rows = {"page_rows": "4,5,6", "page": "1"}
    unchanged = {"category_4": "themed_reading", "category_6": "online_lecture", "mode_6": "online"}
    unchanged |= {"demo_4": "1", "demo_5": "1", "demo_6": "1", "mode_4": "offline", "mode_5": "offline"}
    # one row by hand: the flagged one becomes 开放参观
    client.post(url, page_rows | unchanged | {"category_5": "open_day", "action": "save"})
    # checked rows in bulk: rows 4 and 5 become 线上线下
    client.post(
        url,
        page_rows
        | unchanged
        | {"category_5": "open_day", "pick": ["4", "5"], "bulk_mode": "both", "action": "bulk_checked"},
    )
    # every row in bulk: none is a 示范活动
    client.post(url, {"bulk_demo": "0", "action": "bulk_all"})
    page = client.get(url).content.decode()
    game = cells(page, 5)
    assert (
        selected(game, "category") == "open_day"
        and "未能判断类别" not in game
        and "推断" not in game.split("mode_")[0]
    )
    assert [selected(cells(page, n), "mode") for n in (4, 5, 6)] == ["both", "both", "online"]
    shown = {
        n: (
            selected(cells(page, n), "category"),
            selected(cells(page, n), "mode"),
            f'name="demo_{n}" value="1" checked' in page,
        )
        for n in (4, 5, 6)
    }
    response = client.post(
        url,
        {"page_rows": "4,5,6", "page": "1", "action": "commit"}
        | {f"{f}_{n}": v for n, (c, m, _) in shown.items() for f, v in (("category", c), ("mode", m))},
    )
    assert response.status_code == 302
    listing = client.get(response["Location"]).content.decode()
    assert "已导入 3 项活动" in listing
    written = {
        a.name: (a.category, a.mode, a.is_demonstration, a.headcount, a.person_times)
        for a in Activity.objects.all()
    }
    assert written == {
        "全民读书节": ("themed_reading", "both", False, 200, None),
        "篮球友谊赛": ("open_day", "both", False, 40, None),
        "健康讲座": ("online_lecture", "online", False, 500, None),
    }
    assert [shown[n][:2] for n in (4, 5, 6)] == [written[r[0]][:2] for r in ROWS]


def test_commit_applies_the_pages_unsaved_edits_first(client, county_reporter, jilin_2023_derived):
    client.force_login(county_reporter)
    url = upload(client, ROWS[:1])
    client.post(
        url, {"page_rows": "4", "category_4": "publisher_picks", "mode_4": "offline", "action": "commit"}
    )
    assert Activity.objects.get().category == "publisher_picks"


def test_a_bad_row_blocks_the_commit_naming_row_and_column(client, county_reporter, jilin_2023_derived):
    client.force_login(county_reporter)
    rows = [[*ROWS[0], "读书会"], ["负数", "2023-10-15", "甲", "乙", -5, "", "", ""]]
    url = upload(client, rows, sheet={"extra_header": ["活动类别"]})
    page = client.get(url).content.decode()
    assert "共 2 行有误，改正前不能导入" in page
    assert "第4行 活动类别: “读书会”不是活动类别" in page and "第5行 人数: 不能为负数（-5）" in page
    response = client.post(url, {"action": "commit"})
    text = response.content.decode()
    assert response.status_code == 200 and "导入失败，未写入任何数据" in text and "第5行 人数" in text
    assert not Activity.objects.exists()
    # The category can be put right in the preview; the 人数 only in the file.
    client.post(
        url,
        {
            "page_rows": "4,5",
            "category_4": "themed_reading",
            "mode_4": "offline",
            "mode_5": "offline",
            "category_5": "other",
            "action": "save",
        },
    )
    page = client.get(url).content.decode()
    assert "共 1 行有误" in page and "第4行 活动类别:" not in page and "第5行 人数:" in page
    client.post(url, {"action": "commit"})
    assert not Activity.objects.exists()


@pytest.mark.parametrize("who", ["same_unit", "above", "sibling"])
def test_no_one_else_sees_or_commits_a_preview(client, county_reporter, jilin_2023_derived, who):
    from learnweek.orgs.roles import Role
    from tests.helpers import SIBLING_COUNTY

    client.force_login(county_reporter)
    url = upload(client)
    other = StaffFactory(
        unit=unit({"same_unit": COUNTY, "above": CITY, "sibling": SIBLING_COUNTY}[who]),
        roles=[Role.REPORTER, Role.ADMIN],
    )
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "commit"}).status_code == 404
    assert client.post(url, {"action": "bulk_all", "bulk_mode": "online"}).status_code == 404
    assert client.post(url, {"action": "discard"}).status_code == 404
    assert not Activity.objects.exists()
    preview = ImportPreview.objects.get()
    assert {r["v"]["mode"] for r in preview.rows} == {"offline", "online"}


def test_a_second_commit_and_a_second_upload_write_nothing_again(client, county_reporter, jilin_2023_derived):
    client.force_login(county_reporter)
    url = upload(client)
    client.post(url, {"action": "commit"})
    assert Activity.objects.count() == 3
    again = client.post(url, {"action": "commit"}, follow=True).content.decode()
    assert "这份预览已于" in again and "已导入 3 项活动" in again
    assert Activity.objects.count() == 3
    second = upload(client)
    page = client.get(second).content.decode()
    assert "另有 3 行此前已导入，将跳过" in page and "此前已导入，将跳过" in cells(page, 4)
    response = client.post(second, {"action": "commit"})
    assert "该文件此前已导入（3 行），未重复写入。" in client.get(response["Location"]).content.decode()
    assert Activity.objects.count() == 3


def test_a_large_preview_pages_and_bulk_edits_reach_every_row(client, county_reporter, jilin_2023_derived):
    client.force_login(county_reporter)
    rows = [
        [f"读书会第{i}期", "2023年10月20日", f"第{i}社区", "朝阳区教育局", 20, "", ""] for i in range(250)
    ]
    url = upload(client, rows)
    first = client.get(url).content.decode()
    assert first.count('name="pick"') == 100 and "第 1 / 3 页" in first
    last = client.get(url + "?page=3").content.decode()
    assert last.count('name="pick"') == 50 and 'value="253"' in last
    client.post(url, {"action": "bulk_all", "bulk_week": "1"})
    client.post(url, {"action": "commit"})
    assert Activity.objects.filter(is_week=True, category="themed_reading").count() == 250


def test_the_week_is_read_from_the_campaigns_week_and_a_week_column_wins(
    client, county_reporter, jilin_2023_derived
):
    Campaign.objects.filter(pk=jilin_2023_derived.pk).update(
        week_start=datetime.date(2023, 10, 18), week_end=datetime.date(2023, 10, 24)
    )
    client.force_login(county_reporter)
    rows = [[*ROWS[0], ""], [*ROWS[1], "否"], [*ROWS[2][:1], "2023年11月5日", *ROWS[2][2:], ""]]
    url = upload(client, rows, sheet={"extra_header": ["活动周"]})
    page = client.get(url).content.decode()
    assert 'name="week_4" value="1" checked' in page and "时间在活动周" in cells(page, 4)
    assert 'name="week_5" value="1" checked' not in page  # the file says 否
    assert 'name="week_6" value="1" checked' not in page  # outside the week
    client.post(url, {"action": "commit"})
    assert list(Activity.objects.filter(is_week=True).values_list("name", flat=True)) == ["全民读书节"]


def test_the_demonstration_option_is_on_by_default_and_can_be_turned_off(
    client, county_reporter, jilin_2023_derived
):
    client.force_login(county_reporter)
    form = client.get(reverse("backoffice:activity_import")).content.decode()
    assert re.search(r'name="demonstration"[^>]*checked', form)
    url = upload(client, ROWS[:1], demonstration="")
    client.post(url, {"action": "commit"})
    assert Activity.objects.get().is_demonstration is False


def test_discarding_a_preview_writes_nothing(client, county_reporter, jilin_2023_derived):
    client.force_login(county_reporter)
    url = upload(client)
    response = client.post(url, {"action": "discard"}, follow=True)
    assert "已放弃导入" in response.content.decode()
    assert not Activity.objects.exists() and not ImportPreview.objects.exists()
    assert client.get(url).status_code == 404


def test_a_wps_file_with_pictures_in_cells_previews_them_as_not_imported(
    client, county_reporter, jilin_2023_derived
):
    from tests.core.wps import Picture, png, wps_fubiao1

    rows = [
        [
            "全民读书节",
            datetime.date(2023, 10, 20),
            "朝阳区图书馆",
            "朝阳区教育局",
            200,
            "",
            Picture("ID_A", png()),
        ],
        [
            "书香家庭",
            datetime.date(2023, 10, 21),
            "社区",
            "朝阳区教育局",
            40,
            "",
            "亲子共读",
            Picture("ID_B", png()),
        ],
    ]
    client.force_login(county_reporter)
    response = client.post(
        reverse("backoffice:activity_import"),
        {"campaign": "jl23", "file": wps_fubiao1(rows, extra_header=("照片",)), "demonstration": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    url = response["Location"]
    page = client.get(url).content.decode()
    assert "共 2 行" in page and "行有误" not in page
    assert "2 个单元格是图片，不会导入：</strong>第4行「活动内容」、第5行「照片」" in page
    reading, family = cells(page, 4), cells(page, 5)
    assert "2023年10月20日" in reading and "活动内容：是单元格图片，未导入" in reading
    assert "2023年10月21日" in family and "照片：是单元格图片，未导入" in family
    assert "DISPIMG" not in page
    response = client.post(
        url, {"page_rows": "4,5", "page": "1", "action": "commit", "demo_4": "1", "demo_5": "1"}
    )
    listing = client.get(response["Location"]).content.decode()
    assert (
        "已导入 2 项活动" in listing
        and "另有 2 个单元格是图片，未导入（第4行「活动内容」、第5行「照片」）" in listing
    )
    assert dict(Activity.objects.values_list("name", "content")) == {"全民读书节": "", "书香家庭": "亲子共读"}
