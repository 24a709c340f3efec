import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from learnweek.core.errors import RowErrors
from learnweek.core.tabular import read_table
from learnweek.orgs.models import InstitutionType, Unit, UnitKind
from learnweek.orgs.services import institutions_import

pytestmark = pytest.mark.usefixtures("tree")

HEADER = "机构代码,机构名称,机构类型,所属区划代码,地址\n"


def csv_table(text: str, encoding: str = "utf-8"):
    return read_table(io.BytesIO(text.encode(encoding)), "机构.csv")


def import_csv(text: str, under: str = "220100", encoding: str = "utf-8"):
    return institutions_import(
        actor=None, under=Unit.objects.get(code=under), table=csv_table(text, encoding)
    )


def test_import_from_a_gbk_csv_hangs_each_institution_under_its_division():
    created = import_csv(
        HEADER + "CC-001,长春市朝阳区社区学院,社区教育院校,220104,长春市朝阳区某路1号\n"
        "CC-002,长春开放大学,开放大学,,\n",
        encoding="gb18030",
    )
    assert [u.name for u in created] == ["长春市朝阳区社区学院", "长春开放大学"]
    school = Unit.objects.get(code="CC-001")
    assert school.kind == UnitKind.INSTITUTION
    assert school.institution_type == InstitutionType.COMMUNITY_SCHOOL
    assert school.get_parent().code == "220104"
    assert Unit.objects.get(code="CC-002").get_parent().code == "220100"


def test_import_from_xlsx(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["机构代码", "机构名称", "机构类型"])
    sheet.append(["X-1", "吉林省老年大学", "老年大学"])
    path = tmp_path / "机构.xlsx"
    workbook.save(path)
    call_command("import_institutions", str(path), "--under", "220000")
    assert Unit.objects.get(code="X-1").get_parent().code == "220000"


def test_a_missing_column_is_named():
    with pytest.raises(RowErrors, match="缺少必需的列：机构类型"):
        import_csv("机构代码,机构名称\nA,甲\n")


@pytest.mark.parametrize(
    ("bad_rows", "message"),
    [
        ("OK-1,乙学校,社区教育院校,,\n", "第3行 机构代码: 代码 OK-1 与第 2 行重复"),
        ("220104,甲学校,社区教育院校,,\n", "第3行 机构代码: 代码 220104 已被系统中的其他单位使用"),
        (f"A-1,{'长' * 101},社区教育院校,,\n", "第3行 机构名称: 不能超过 100 个字（现有 101 个）"),
        ("A-1,甲学校,大学,,\n", "第3行 机构类型: “大学”不是机构类型"),
        (
            "A-1,甲学校,社区教育院校,110105,\n",
            "第3行 所属区划代码: 110105 不是 长春市（220100）下的行政区划代码",
        ),
        ("A-1,,社区教育院校,,\n", "第3行 机构名称: 不能为空"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(bad_rows, message):
    """Row 2 is good; the bad row 3 refuses the whole file, row 2 included."""
    before = Unit.objects.count()
    with pytest.raises(RowErrors) as excinfo:
        import_csv(HEADER + "OK-1,好学校,社区教育院校,,\n" + bad_rows)
    assert message in excinfo.value.message
    assert Unit.objects.count() == before
    assert not Unit.objects.filter(code="OK-1").exists()


def test_command_reports_errors_and_exits_nonzero(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "A-1,甲学校,大学,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行 机构类型: "):
        call_command("import_institutions", str(path), "--under", "220100")
    assert not Unit.objects.filter(code="A-1").exists()


def test_unknown_under_code_is_refused():
    with pytest.raises(CommandError, match="没有代码为 999999 的单位"):
        call_command("import_institutions", "/dev/null", "--under", "999999")
