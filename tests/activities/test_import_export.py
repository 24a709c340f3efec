import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from learnweek.activities.models import Activity
from learnweek.activities.services import MAX_IMPORT_BYTES, activities_import
from learnweek.core.errors import DomainError, RowErrors
from learnweek.orgs.selectors import within
from tests.activities.helpers import HEADER, fubiao1
from tests.helpers import unit

GOOD = [
    ["全民读书节", "2023年10月15日", "朝阳区图书馆", "朝阳区社区学院", 200, "0431-85551234", "读书分享"],
    [
        "智慧助老手机课堂",
        "10月16日 14:00-16:30",
        "南湖社区",
        "朝阳区",
        "60人",
        "13800001111",
        "教老年人用手机",
    ],
    ["读书沙龙", "2023.10.17—10.20", "湖西路街道", "某某书店", 30, "", "好书共读"],
]


def run_import(campaign, rows, code="220104", **kwargs):
    return activities_import(actor=None, campaign=campaign, unit=unit(code), source=fubiao1(rows, **kwargs))


TZ = timezone.get_current_timezone()


def local(dt):
    return timezone.localtime(dt)


def test_a_filled_table_imports_whole(jilin_2023_derived, school):
    report = run_import(jilin_2023_derived, GOOD)
    assert report.created == 3 and report.skipped == 0
    reading, elderly, salon = Activity.objects.order_by("start")
    # 人数 is the planned headcount; 参加人次 stays empty until it is known (no column here).
    assert (reading.organiser, reading.headcount, reading.person_times) == (school, 200, None)
    # The table has no category column: the category is read from the name.
    assert [a.category for a in (reading, elderly, salon)] == [
        "themed_reading",
        "smart_elderly",
        "themed_reading",
    ]
    assert local(reading.start) == datetime.datetime(2023, 10, 15, tzinfo=TZ) and not reading.time_known
    assert elderly.organiser.code == "220104" and elderly.headcount == 60
    assert (local(elderly.start), local(elderly.end)) == (
        datetime.datetime(2023, 10, 16, 14, 0, tzinfo=TZ),
        datetime.datetime(2023, 10, 16, 16, 30, tzinfo=TZ),
    )
    # An organiser not in the tree is kept as written, registered under the importing unit.
    assert salon.organiser.code == "220104" and salon.organiser_name == "某某书店"
    assert local(salon.end).date() == datetime.date(2023, 10, 20)
    assert within(Activity.objects.all(), unit("220104"), path_field="unit_path").count() == 3


def test_optional_columns_in_any_order(jilin_2023_derived, school):
    extra = ["面向人群", "活动类别", "单位代码", "活动周", "参加人次", "活动方式"]
    rows = [[*GOOD[0], "老年人群、家庭", "主题阅读活动", "CY-SCHOOL", "是", 350, "线上线下"]]
    report = run_import(jilin_2023_derived, rows, extra_header=extra)
    assert report.summary() == "已导入 1 项活动（主题阅读活动 1）。"
    a = Activity.objects.get()
    assert (a.category, a.is_week, a.person_times, a.mode) == ("themed_reading", True, 350, "both")
    assert a.audiences == ["elderly", "families"] and a.organiser == school


def test_importing_the_same_file_twice_does_not_duplicate(jilin_2023_derived, school):
    run_import(jilin_2023_derived, GOOD)
    report = run_import(jilin_2023_derived, GOOD)
    assert report.summary() == "该文件此前已导入（3 行），未重复写入。"
    assert Activity.objects.count() == 3


def test_every_bad_row_is_named_and_nothing_is_written(jilin_2023_derived, school):
    extra = ["活动类别", "单位代码"]
    rows = [
        [*GOOD[0], "主题阅读活动", ""],
        ["负数", "2023-10-15", "甲", "乙", -5, "", "", "", ""],
        ["非数字", "2023-10-15", "甲", "乙", "很多", "", "", "", ""],
        ["类别错", "2023-10-15", "甲", "乙", 1, "", "", "读书会", ""],
        ["倒序", "2023年10月20日—10月15日", "甲", "乙", 1, "", "", "", ""],
        ["越界", "2023-10-15", "甲", "乙", 1, "", "", "", "220105"],
        ["", "2023-10-15", "甲", "乙", 1, "", "", "", ""],
    ]
    with pytest.raises(RowErrors) as excinfo:
        run_import(jilin_2023_derived, rows, extra_header=extra)
    assert excinfo.value.errors == [
        "第5行 人数: 不能为负数（-5）",
        "第6行 人数: “很多”不是数字",
        "第7行 活动类别: “读书会”不是活动类别，可填："
        + "、".join(
            [
                "主题阅读活动",
                "社长（总编）荐书",
                "线上社会大讲堂",
                "数字阅读分享",
                "智慧助老",
                "能者为师",
                "开幕式",
                "成果展示",
                "亮灯活动",
                "终身教育研讨",
                "开放参观",
                "其他",
            ]
        ),
        "第8行 活动时间: 结束时间早于开始时间",
        "第9行 单位代码: 220105 不是 朝阳区 或其下级单位的代码",
        "第10行 活动名称: 不能为空",
    ]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: io.BytesIO(b"not a spreadsheet"), "无法读取该文件"),
        (lambda: fubiao1(GOOD, header=["序号", "名称", "时间"]), "找不到表头"),
        (lambda: fubiao1([], header=["序号", "活动名称", "活动地点"]), "缺少“活动时间”列"),
        (lambda: io.BytesIO(b"0" * (MAX_IMPORT_BYTES + 1)), "文件超过 20 MB"),
    ],
)
def test_bad_files_are_refused_clearly(jilin_2023_derived, make, message):
    with pytest.raises(DomainError, match=message):
        activities_import(actor=None, campaign=jilin_2023_derived, unit=unit("220104"), source=make())
    assert not Activity.objects.exists()


def test_command_prints_rows_and_exits_1(jilin_2023_derived, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(fubiao1([["负数", "2023-10-15", "甲", "乙", -5, "", ""]]).getvalue())
    with pytest.raises(CommandError, match="导入失败，未写入任何数据（1 处错误）"):
        call_command("import_activities", str(path), "--campaign", "jl23", "--unit", "220104")
    assert "第4行 人数: 不能为负数（-5）" in capsys.readouterr().err


def test_command_imports_and_reports_by_category(jilin_2023_derived, school, tmp_path, capsys):
    path = tmp_path / "good.xlsx"
    path.write_bytes(fubiao1(GOOD).getvalue())
    call_command("import_activities", str(path), "--campaign", "jl23", "--unit", "220104", "--demonstration")
    assert "已导入 3 项活动（主题阅读活动 2，智慧助老 1）。" in capsys.readouterr().out
    assert Activity.objects.filter(is_demonstration=True).count() == 3


def test_export_has_the_official_layout_and_imports_back(jilin_2023_derived, school, tmp_path):
    run_import(jilin_2023_derived, GOOD)
    path = tmp_path / "out.xlsx"
    call_command("export_activities", "--campaign", "jl23", "--unit", "220104", "-o", str(path))
    rows = [tuple(c for c in row) for row in load_workbook(path).active.iter_rows(values_only=True)]
    assert rows[0][0] == "2023年“吉林省全民终身学习活动”汇总表"
    assert rows[1][0] == "吉林省　长春市　朝阳区"
    assert list(rows[2][:8]) == HEADER
    assert rows[3][:8] == (
        1,
        "全民读书节",
        "2023年10月15日",
        "朝阳区图书馆",
        "朝阳区社区学院",
        200,
        "0431-85551234",
        "读书分享",
    )
    assert rows[4][2] == "2023年10月16日 14:00—16:30" and rows[5][2] == "2023年10月17日—10月20日"
    assert rows[-2][0].startswith("注：") and rows[-1][0].startswith("填表联系人")
    sheet = load_workbook(path).active  # the print setup of every table (core.exporters.print_setup)
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "landscape")
    assert sheet.print_title_rows == "$3:$3" and sheet["H4"].border.right.style == "thin"
    assert sheet["F4"].alignment.horizontal == "center"  # 人数, as 序号, centred
    # The export is itself a valid 附表1: importing it finds every activity already there.
    report = activities_import(
        actor=None, campaign=jilin_2023_derived, unit=unit("220104"), source=io.BytesIO(path.read_bytes())
    )
    assert report.summary() == "该文件此前已导入（3 行），未重复写入。"


# -- 附表1 as WPS saves it (tests/core/wps.py) --------------------------------------------------


def test_a_wps_saved_fubiao1_imports_with_its_dates_and_without_its_pictures(jilin_2023_derived, school):
    from tests.core.wps import Picture, png, wps_fubiao1

    rows = [
        # 活动时间 a date cell styled yyyy"年"m"月"d"日" (numFmtId 176); 活动内容 a picture placed in the cell
        [
            "全民读书节",
            datetime.date(2023, 10, 15),
            "朝阳区图书馆",
            "朝阳区社区学院",
            200,
            "",
            Picture("ID_6A0C", png()),
        ],
        [
            "智慧助老课堂",
            datetime.datetime(2023, 10, 16, 14, 0),  # noqa: DTZ001 - a cell has no zone
            "社区活动室",
            "朝阳区教育局",
            60,
            "",
            "手机使用",
        ],
    ]
    report = activities_import(
        actor=None, campaign=jilin_2023_derived, unit=unit("220104"), source=wps_fubiao1(rows)
    )
    assert report.created == 2
    assert "另有 1 个单元格是图片，未导入（第4行「活动内容」）" in report.summary()
    reading, elderly = Activity.objects.order_by("start")
    assert local(reading.start).date() == datetime.date(2023, 10, 15) and not reading.time_known
    assert local(elderly.start) == datetime.datetime(2023, 10, 16, 14, 0, tzinfo=TZ) and elderly.time_known
    assert reading.content == "" and "DISPIMG" not in reading.search_text  # never the formula text
    assert elderly.content == "手机使用" and reading.organiser == school


def test_a_picture_in_the_activity_name_refuses_that_row_by_name(jilin_2023_derived, school):
    from tests.core.wps import Picture, png, wps_fubiao1

    rows = [
        [Picture("ID_A", png()), datetime.date(2023, 10, 15), "图书馆", "朝阳区教育局", 10, "", ""],
        ["读书会", Picture("ID_B", png()), "图书馆", "朝阳区教育局", 10, "", ""],
    ]
    with pytest.raises(RowErrors) as refused:
        activities_import(
            actor=None, campaign=jilin_2023_derived, unit=unit("220104"), source=wps_fubiao1(rows)
        )
    assert refused.value.errors == [
        "第4行 活动名称: 是单元格图片，不是文字：请在这一格填写文字",
        "第5行 活动时间: 是单元格图片，不是文字：请在这一格填写文字",
    ]
    assert not Activity.objects.exists()
