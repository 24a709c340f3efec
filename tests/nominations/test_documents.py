"""The exported forms reproduce the official fields and order (附表2–附表5), with each level's
decision in its seal box, and the unit's zip holds every form, scan and photo."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from learnweek.campaigns.models import RequirementKind
from learnweek.core.exporters import text_width
from learnweek.core.grid import grid_to_docx, grid_to_xlsx
from learnweek.nominations import documents, services
from learnweek.nominations.models import DecisionAction
from tests.helpers import CITY, COUNTY, pdf_file, unit
from tests.nominations.helpers import make_requirement
from tests.office import libreoffice_text, pdf_pages

pytestmark = pytest.mark.django_db


def docx_cells(content: bytes) -> list[list[str]]:
    """Each table row's distinct cell texts (merged cells repeat in python-docx)."""
    rows = []
    for row in Document(io.BytesIO(content)).tables[0].rows:
        texts: list[str] = []
        for cell in row.cells:
            if not texts or texts[-1] != cell.text:
                texts.append(cell.text)
        rows.append(texts)
    return rows


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.fixture
def approved_by_city(advanced_unit, county_reporter, city_reviewer, nominate):
    nomination = nominate(county_reporter, advanced_unit)
    services.nomination_submit(actor=county_reporter, nomination=nomination, opinion="情况属实，同意推荐")
    services.nomination_decide(
        actor=city_reviewer,
        nomination=nomination,
        action=DecisionAction.RECOMMEND,
        comment="经审核，同意推荐",
    )
    nomination.refresh_from_db()
    return nomination


def test_advanced_unit_form_follows_fubiao2(approved_by_city, city_reviewer):
    content = grid_to_docx(documents.nomination_form(approved_by_city))
    rows = docx_cells(content)
    year = approved_by_city.requirement.campaign.year
    assert f"{year}年吉林省全民终身学习活动周工作先进单位申报表" in docx_text(content)
    assert rows[0] == ["单位全称", "长春市朝阳区社区教育学院"]
    assert rows[1] == ["上级主管部门", "长春市朝阳区教育局"]
    assert rows[2] == ["单位负责人", "王建国", "负责人职务", "院长"]
    assert rows[3] == ["通讯地址", "长春市朝阳区人民大街1号", "联系电话", "0431-88886666"]
    assert rows[4][0] == "先进事迹" and rows[4][1].startswith("组织社区读书会")
    assert rows[5] == ["单位意见", "市(州)教育行政部门意见", "吉林省教育厅意见"]
    unit_box, city_box, province_box = rows[6]
    assert unit_box.startswith("情况属实，同意推荐") and "朝阳区" in unit_box
    assert city_box.startswith("经审核，同意推荐") and "长春市" in city_box
    assert city_reviewer.full_name in city_box and "年" in city_box
    assert province_box.startswith("（盖章）")  # the province has not decided yet
    assert "填表联系人：李老师" in docx_text(content) and "联系电话：13904310000" in docx_text(content)


def test_advanced_individual_form_follows_fubiao4(advanced_individual, county_reporter, nominate):
    nomination = nominate(county_reporter, advanced_individual)
    rows = docx_cells(grid_to_docx(documents.nomination_form(nomination)))
    assert rows[0] == ["姓名", "张秀兰", "出生日期", "1968年5月4日"]
    assert rows[1] == ["性别", "女", "民族", "汉族"]
    assert rows[2] == ["工作单位", "长春市朝阳区南湖街道社区学校", "职务", "校长"]
    assert rows[3] == ["电子邮箱", "zhangxl@example.cn", "电话", "13804310001"]
    assert rows[4][0] == "先进事迹简介"
    assert rows[5] == ["单位意见", "市(州)教育行政部门意见", "吉林省教育厅意见"]


def test_summary_tables_keep_the_recommendation_order(jilin_this_year_published, nominate, tree):
    """附表5 of the city: what it recommended, in the order it chose, with 推荐单位 and 填表时间."""
    import datetime

    from learnweek.campaigns.models import RequirementKind
    from learnweek.campaigns.services import requirement_create
    from learnweek.orgs.models import UnitKind
    from learnweek.orgs.roles import Role
    from tests.factories import StaffFactory

    requirement = requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.ADVANCED_INDIVIDUAL,
        title="先进个人",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(jilin_this_year_published.year, 12, 31),
        quota_per_unit=1,
    )
    city = StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER])
    people = []
    for code, name in (("220102", "赵一"), ("220103", "钱二"), ("220104", "孙三")):
        reporter = StaffFactory(unit=unit(code), roles=[Role.REPORTER])
        nomination = nominate(reporter, requirement, name=name)
        services.nomination_submit(actor=reporter, nomination=nomination)
        people.append(nomination)
    for nomination in (people[2], people[0]):  # the city recommends 孙三 first, then 赵一
        services.nomination_decide(actor=city, nomination=nomination, action=DecisionAction.RECOMMEND)
    services.sheet_save(
        actor=city,
        requirement=requirement,
        unit=unit(CITY),
        contact_name="周老师",
        contact_phone="0431-88880000",
    )
    on = datetime.date(jilin_this_year_published.year, 10, 9)
    grid = documents.summary_form(requirement, unit(CITY), on=on)
    content = grid_to_docx(grid)
    text = docx_text(content)
    assert f"{jilin_this_year_published.year}年吉林省全民终身学习活动周工作先进个人汇总表" in text
    assert (
        "推荐单位：长春市教育局（盖章）" in text
        and f"填表时间：{jilin_this_year_published.year}年10月9日" in text
    )
    assert "填表联系人：周老师" in text and "联系电话：0431-88880000" in text
    rows = docx_cells(content)
    assert rows[0] == ["推荐序号", "姓名", "性别", "职务", "工作单位", "联系电话"]
    assert [r[:2] for r in rows[1:]] == [["1", "孙三"], ["2", "赵一"]]
    sheet = load_workbook(io.BytesIO(grid_to_xlsx(grid))).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    header = values.index(["推荐序号", "姓名", "性别", "职务", "工作单位", "联系电话"])
    assert values[header + 1][:2] == [1, "孙三"] and values[header + 2][:2] == [2, "赵一"]


def test_the_units_zip_holds_forms_scans_and_the_command_writes_them(
    approved_by_city, advanced_individual, county_reporter, nominate, tmp_path
):
    person = nominate(county_reporter, advanced_individual)
    services.scan_attach(actor=county_reporter, nomination=person, upload=pdf_file("张秀兰 申报表.pdf"))
    services.sheet_save(
        actor=county_reporter,
        requirement=advanced_individual,
        unit=unit(COUNTY),
        scan=pdf_file("汇总表.pdf"),
    )
    campaign = approved_by_city.requirement.campaign
    archive = zipfile.ZipFile(io.BytesIO(documents.package_zip(campaign, unit(COUNTY))))
    names = set(archive.namelist())
    assert {
        "先进单位/汇总表.docx",
        "先进单位/汇总表.xlsx",
        "先进单位/申报表/01-长春市朝阳区社区教育学院.docx",
        "先进个人/汇总表.docx",
        "先进个人/汇总表.xlsx",
        "先进个人/汇总表（盖章扫描件）.pdf",
        "先进个人/申报表/01-张秀兰.docx",
        "先进个人/申报表/01-张秀兰（盖章扫描件）.pdf",
    } <= names
    assert archive.read("先进个人/申报表/01-张秀兰（盖章扫描件）.pdf").startswith(b"%PDF-")
    assert archive.testzip() is None
    # The city's package holds what it recommended, under its own 汇总表.
    city_names = zipfile.ZipFile(io.BytesIO(documents.package_zip(campaign, unit(CITY)))).namelist()
    assert "先进单位/申报表/01-长春市朝阳区社区教育学院.docx" in city_names

    out = tmp_path / "out"
    call_command("export_nominations", campaign=campaign.slug, unit=COUNTY, output=str(out))
    assert (out / "先进个人" / "申报表" / "01-张秀兰.docx").exists()
    assert any(p.suffix == ".zip" for p in out.iterdir())


def test_libreoffice_opens_the_forms_with_the_chinese_intact(approved_by_city, tmp_path):
    text = libreoffice_text(grid_to_docx(documents.nomination_form(approved_by_city)), tmp_path)
    assert "先进单位申报表" in text and "长春市朝阳区社区教育学院" in text and "经审核，同意推荐" in text


def test_the_forms_print_on_a4_with_the_header_of_a_list_on_every_page(
    approved_by_city, county_reporter, nominate, jilin_this_year_published, tmp_path
):
    """The 申报表 (Word) and a 推荐汇总表 (Word and Excel) as LibreOffice prints them: one A4
    portrait page each, nothing cut off, the list's header row marked to repeat on every page."""
    form = grid_to_docx(documents.nomination_form(approved_by_city))
    star = make_requirement(jilin_this_year_published, RequirementKind.LEARNING_STAR)
    nominate(county_reporter, star)
    summary = documents.summary_form(star, unit(COUNTY))
    assert summary.title.endswith("百姓学习之星推荐汇总表")
    sheet = load_workbook(io.BytesIO(grid_to_xlsx(summary))).active
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "推荐序号")
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"
    assert sheet.column_dimensions["D"].width >= text_width("工作单位或所在社区")
    word = Document(io.BytesIO(grid_to_docx(summary)))
    first, second = word.tables[0].rows[:2]
    assert first._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert second._tr.trPr is None or second._tr.trPr.find(qn("w:tblHeader")) is None
    for name, content, fmt, wanted in (
        (
            "form",
            form,
            "docx",
            ("先进单位申报表", "长春市朝阳区社区教育学院", "经审核，同意推荐", "单位意见"),
        ),
        ("summary-docx", grid_to_docx(summary), "docx", ("推荐汇总表", "张秀兰", "工作单位或所在社区")),
        ("summary-xlsx", grid_to_xlsx(summary), "xlsx", ("推荐汇总表", "张秀兰", "第 1 页，共 1 页")),
    ):
        folder = tmp_path / name
        folder.mkdir()
        pages = pdf_pages(content, folder, fmt)
        assert [(w, h) for w, h, _ in pages] == [(210, 297)], name  # one A4 portrait page
        for text in wanted:
            assert text in pages[0][2], (name, text)


def test_the_forms_name_each_level_as_it_signs():
    """重庆 signs as 重庆市教育委员会, so its box is not “重庆市教育厅意见”; an institution, which has
    no department of its own, signs with its name."""
    from learnweek.orgs.models import Unit, UnitKind

    chongqing = Unit(
        kind=UnitKind.PROVINCE, name="重庆市", issuer_name="重庆市教育委员会", is_municipality=True
    )
    assert documents.opinion_label(chongqing) == "重庆市教育委员会意见"
    assert documents.opinion_label(
        Unit(kind=UnitKind.PROVINCE, name="吉林省", issuer_name="吉林省教育厅")
    ) == ("吉林省教育厅意见")
    school = Unit(kind=UnitKind.INSTITUTION, name="长春开放大学")
    assert school.issuer == "长春开放大学"
