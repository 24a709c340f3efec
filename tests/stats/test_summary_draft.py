"""The annual work summary draft: the unit's figures against last year, by child unit, two charts,
its approved cases and photos, and a remark saying what is generated and what is still to write."""

from __future__ import annotations

import io

from django.urls import reverse
from docx import Document
from docx.shared import Length

from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.services import requirement_create, submission_approve, submission_submit
from learnweek.materials.services import material_case_save, material_photo_add, material_save
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import photo_file, unit
from tests.office import libreoffice_text

CASE_BODY = "朝阳区依托社区学院开设“银龄数字课堂”，每周两次，手把手教老年人使用智能手机。"


def approved(year, kind, **material):
    requirement = requirement_create(
        actor=None,
        campaign=year.jilin,
        kind=kind,
        title=RequirementKind(kind).label,
        applies_to=[UnitKind.COUNTY],
        deadline=year.requirement.deadline,
    )
    submission = material_save(actor=None, requirement=requirement, unit=unit("220104"), **material)
    if kind == RequirementKind.WORK_SUMMARY:
        material_case_save(actor=None, submission=submission, title="银龄数字课堂", body=CASE_BODY)
        material_photo_add(actor=None, submission=submission, upload=photo_file(), caption="课堂现场")
    submission_submit(actor=None, submission=submission)
    submission_approve(actor=None, submission=submission)


def test_the_work_summary_draft_carries_the_units_figures_cases_and_charts(client, year, tmp_path):
    requirement_create(
        actor=None,
        campaign=year.national,
        kind=RequirementKind.WORK_SUMMARY,
        title="年度工作总结",
        applies_to=[UnitKind.PROVINCE],
        deadline=year.requirement.deadline,
        body_min_chars=1500,
    )
    approved(year, RequirementKind.WORK_SUMMARY, title="朝阳区工作总结", body="全年工作扎实。")
    approved(
        year,
        RequirementKind.TYPICAL_CASE,
        title="家门口的读书角",
        body="社区读书角全年开放。",
        details={"case_unit": "朝阳区社区学院"},
    )
    client.force_login(StaffFactory(unit=unit("220000"), roles=[Role.REPORTER]))
    response = client.get(reverse("backoffice:stats_summary_draft", args=["jl23"]) + "?unit=220000")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = [p.text for p in document.paragraphs if p.text.strip()]
    body = "\n".join(text)

    assert text[0].startswith("【草稿说明】") and "还需撰写约" in text[0] and "不少于1500字" in text[0]
    assert "吉林省2023年全民终身学习活动工作总结" in text
    # The data set's figures (tests/stats/conftest.py): reading columns 8 activities, 630
    # person-times; the week 4 and 590; 2022 had one activity of 10,000 person-times.
    assert "各类全民阅读与终身学习活动8项，参加630人次" in body
    assert "全民终身学习活动周期间开展活动4项，参加590人次" in body
    assert "与2022年相比，阅读与学习活动数量增加7项（+700.0%），参加人次减少9370人次（-93.7%）" in body
    # By child unit: Changchun leads.
    assert "参加人次居前的是长春市（" in body
    tables = document.tables
    assert [cell.text for cell in tables[0].rows[1].cells] == ["主题阅读活动", "3", "270", "1", "10000"]
    assert "长春市" in [row.cells[0].text for row in tables[1].rows]
    # Two charts and the case's photo, as images; the case's text.
    assert len(document.inline_shapes) == 3
    assert text.index("案例1：家门口的读书角（朝阳区）") < text.index("案例2：银龄数字课堂（朝阳区）")
    assert CASE_BODY in text and "社区读书角全年开放。" in text
    assert any(p.startswith("照片1　课堂现场（朝阳区）") for p in text)
    assert "四、主要做法与经验" in text and "【待填写：组织领导、宣传发动、资源整合、特色做法等】" in text

    # The official format of the notice: A4, the 156 mm text block, signed by the department;
    # the charts and tables within the block.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    block = section.page_width - section.left_margin - section.right_margin
    assert round(Length(block).mm) == 156
    assert all(shape.width <= block for shape in document.inline_shapes)
    assert all(sum(column.width for column in table.columns) <= block + 1000 for table in tables)
    assert text[-2:] == ["吉林省教育厅", "【待填写：成文日期】"]

    opened = libreoffice_text(response.content, tmp_path)
    assert "各类全民阅读与终身学习活动8项，参加630人次" in opened


def test_a_unit_outside_the_users_subtree_has_no_draft(client, year):
    client.force_login(StaffFactory(unit=unit("220100"), roles=[Role.REPORTER]))
    url = reverse("backoffice:stats_summary_draft", args=["jl23"])
    assert client.get(url + "?unit=220200").status_code == 404
    assert client.get(url + "?unit=220104").status_code == 200


def test_the_work_summary_page_offers_the_draft_and_other_materials_do_not(client, year):
    summary = requirement_create(
        actor=None,
        campaign=year.jilin,
        kind=RequirementKind.WORK_SUMMARY,
        title="年度工作总结",
        applies_to=[UnitKind.COUNTY],
        deadline=year.requirement.deadline,
    )
    case = requirement_create(
        actor=None,
        campaign=year.jilin,
        kind=RequirementKind.TYPICAL_CASE,
        title="典型案例",
        applies_to=[UnitKind.COUNTY],
        deadline=year.requirement.deadline,
    )
    client.force_login(StaffFactory(unit=unit("220104"), roles=[Role.REPORTER]))
    page = client.get(reverse("backoffice:submission_edit", args=[summary.pk])).content.decode()
    draft = reverse("backoffice:stats_summary_draft", args=[year.jilin.slug]) + "?unit=220104"
    assert "下载工作总结草稿" in page and draft in page
    other = client.get(reverse("backoffice:submission_edit", args=[case.pk])).content.decode()
    assert "下载工作总结草稿" not in other
