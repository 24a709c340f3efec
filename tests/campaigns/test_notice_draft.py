"""A derived campaign's notice draft: the official document format (GB/T 9704) on A4, every
date and figure from the campaign's data in the notices' own sentences, signed by the education
department, nothing of the parent's prose."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from learnweek.campaigns.drafts import (
    RULE_SENTENCES,
    addressees,
    document_number,
    requirement_addressees,
    requirement_line,
    rule_sentences,
)
from learnweek.campaigns.models import (
    RULE_FIELDS,
    CampaignAttachment,
    CampaignStatus,
    Requirement,
    RequirementKind,
)
from learnweek.campaigns.services import (
    campaign_create,
    campaign_derive,
    campaign_set_status,
    campaign_update,
    contact_add,
    requirement_create,
)
from learnweek.core.drafts import title_lines
from learnweek.orgs.models import InstitutionType, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.services import institution_create
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, unit
from tests.office import libreoffice_convert, libreoffice_text

PARENT_PROSE = "各地要把全民终身学习活动周作为推进学习型社会建设的重要抓手。"


@pytest.fixture
def jilin_2026_derived_filled_in(tree):
    """Jilin's 2026 campaign derived from the ministry's (document number, theme, prose, a work
    summary requirement), with every fact a notice reads filled in: week, ceremony, issue date, a
    closed statistics requirement of its own, the ministry's summary passed down with an earlier
    deadline, a contact and an attachment."""
    national = campaign_create(
        actor=None,
        issuing_unit=unit("000000"),
        year=2026,
        slug="n26",
        title="2026年全民终身学习活动周",
        theme="学习成就美好生活",
        doc_number="教职成厅函〔2026〕12号",
        summary=PARENT_PROSE,
    )
    campaign_set_status(actor=None, campaign=national, status=CampaignStatus.PUBLISHED)
    summary = requirement_create(
        actor=None,
        campaign=national,
        kind=RequirementKind.WORK_SUMMARY,
        title="年度工作总结",
        applies_to=[UnitKind.PROVINCE],
        deadline=datetime.date(2026, 12, 20),
        body_min_chars=1500,
    )
    jilin = campaign_derive(
        actor=None, parent=national, unit=unit(PROVINCE), slug="jl26d", title="2026年吉林省全民终身学习活动周"
    )
    jilin = campaign_update(
        actor=None,
        campaign=jilin,
        week_start=datetime.date(2026, 10, 19),
        week_end=datetime.date(2026, 10, 25),
        ceremony_date=datetime.date(2026, 10, 19),
        ceremony_venue="长春市图书馆",
        ceremony_host="长春开放大学",
        issued_on=datetime.date(2026, 9, 1),
    )
    requirement_create(
        actor=None,
        campaign=jilin,
        kind=RequirementKind.STATISTICS,
        title="活动开展情况统计表",
        applies_to=[UnitKind.PREFECTURE],
        deadline=datetime.date(2026, 11, 30),
        closed=True,
    )
    # The ministry's requirement passed down with the province's own earlier deadline.
    requirement_create(
        actor=None,
        campaign=jilin,
        parent_requirement=summary,
        applies_to=[UnitKind.PREFECTURE],
        deadline=datetime.date(2026, 12, 10),
    )
    contact_add(actor=None, campaign=jilin, name="李明", office="职成教处", phone="0431-88905322")
    CampaignAttachment.objects.create(campaign=jilin, title="全民终身学习活动周活动安排表")
    return jilin


def paragraphs(body: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(body)).paragraphs if p.text.strip()]


def draft_of(client, campaign) -> bytes:
    client.force_login(StaffFactory(unit=campaign.issuing_unit, roles=[Role.REPORTER]))
    response = client.get(reverse("backoffice:campaign_notice_draft", args=[campaign.slug]))
    assert response.status_code == 200
    return response.content


def test_the_notice_draft_is_built_from_the_campaigns_own_data(
    client, jilin_2026_derived_filled_in, tmp_path
):
    text = paragraphs(draft_of(client, jilin_2026_derived_filled_in))

    assert text[0].startswith("【草稿】")
    # The title broken between words, as GB/T 9704 wants a long title.
    assert "关于开展2026年吉林省\n全民终身学习活动周的通知" in text
    assert "各市（州）教育局，各有关单位：" in text
    # Cited and signed by the education departments, not the regions.
    assert (
        "根据教育部办公厅《关于开展2026年全民终身学习活动周的通知》（教职成厅函〔2026〕12号）的部署，"
        "吉林省教育厅决定开展2026年吉林省全民终身学习活动周。现将有关事项通知如下。"
    ) in text
    headings = [p for p in text if p[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert headings == ["一、活动主题", "二、活动时间", "三、活动内容", "四、材料报送", "五、联系方式"]
    assert "“学习成就美好生活”。" in text
    assert "（一）全民终身学习活动周：2026年10月19日至2026年10月25日。" in text
    assert "（二）开幕式：2026年10月19日在长春市图书馆举行，由长春开放大学承办。" in text
    # The province's own requirements, in deadline order, in the notice's sentences: one of its
    # own that closes, and the ministry's passed down with the province's deadline and rule.
    assert "（一）活动开展情况统计表。请各市（州）教育局于2026年11月30日前报送，逾期不再接收。" in text
    assert "（二）年度工作总结。请各市（州）教育局于2026年12月10日前报送。正文不少于1500字。" in text
    assert not any("地市级" in p or "最少字数" in p for p in text)
    assert any("职成教处　李明，电话：0431-88905322。" in p for p in text)
    # One attachment is not numbered (GB/T 9704 §7.3.4).
    assert "附件：全民终身学习活动周活动安排表" in text
    assert text[-2:] == ["吉林省教育厅", "2026年9月1日"]
    # The parent's prose is not copied; what the province must write itself is marked.
    assert not any(PARENT_PROSE in p for p in text)
    assert any("【待填写：本级活动的主要内容" in p for p in text)


def test_the_notice_is_an_official_document_on_a4(client, jilin_2026_derived_filled_in):
    """GB/T 9704: A4, margins 37 mm top and 28 mm binding, a 156 × 225 mm block of 22 lines,
    the fonts named for Chinese on every run, page numbers right on odd and left on even pages."""
    campaign_update(actor=None, campaign=jilin_2026_derived_filled_in, doc_number="吉教职成[2026]7号")
    document = Document(io.BytesIO(draft_of(client, jilin_2026_derived_filled_in)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156
    assert round(section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm) == 225
    grid = section._sectPr.find(qn("w:docGrid"))
    assert (
        int(grid.get(qn("w:linePitch"))) * 22 / 20
        <= 225 * 72 / 25.4
        < (int(grid.get(qn("w:linePitch"))) + 1) * 22 / 20
    )

    paragraphs_ = [p for p in document.paragraphs if p.text.strip()]
    number = next(p for p in paragraphs_ if "号" in p.text and "〔" in p.text)
    assert number.text == "吉教职成〔2026〕7号" and number.alignment == WD_ALIGN_PARAGRAPH.CENTER

    def east_asian(run) -> str:
        return run._r.rPr.rFonts.get(qn("w:eastAsia"))

    title = next(p for p in paragraphs_ if p.text.startswith("关于开展"))
    assert (
        title.alignment == WD_ALIGN_PARAGRAPH.CENTER
        or title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    )
    assert {(east_asian(r), r.font.size.pt) for r in title.runs if r.text} == {("方正小标宋简体", 22)}
    heading = next(p for p in paragraphs_ if p.text == "一、活动主题")
    assert {east_asian(r) for r in heading.runs} == {"黑体"}
    # A heading never stands last on a page with its text on the next.
    assert heading.style.paragraph_format.keep_with_next
    timed = next(p for p in paragraphs_ if p.text.startswith("（一）全民终身学习活动周"))
    assert [east_asian(r) for r in timed.runs if r.text][:2] == ["楷体_GB2312", "仿宋_GB2312"]
    # Every run of the body names its East-Asian font, and the body is 3号 on exact 22-line spacing.
    assert all(east_asian(r) for p in document.paragraphs for r in p.runs)
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert round(normal.paragraph_format.line_spacing.pt * 22) <= round(225 * 72 / 25.4)
    # Fallbacks named in the font table, for Word and WPS without the GB2312 fonts.
    fonts = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE).blob.decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>' in fonts
    assert '<w:charset w:val="86"/>' in fonts

    # Page numbers — N — in 4号 宋体: odd pages on the right, even pages on the left.
    assert document.settings.odd_and_even_pages_header_footer
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert "PAGE" in paragraph._p.xml and 'w:fldCharType="begin"' in paragraph._p.xml
        assert {(east_asian(r), r.font.size.pt) for r in paragraph.runs} == {("宋体", 14)}

    # The issuer above the date, the date four characters in from the right.
    issuer, date = paragraphs_[-2:]
    assert (issuer.text, date.text) == ("吉林省教育厅", "2026年9月1日")
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert round(date.paragraph_format.right_indent.pt / (156 * 72 / 25.4 / 28), 1) == 4.0


def test_libreoffice_prints_the_notice_on_a4_with_page_numbers(
    client, jilin_2026_derived_filled_in, tmp_path
):
    body = draft_of(client, jilin_2026_derived_filled_in)
    source = tmp_path / "notice.docx"
    source.write_bytes(body)
    reader = PdfReader(libreoffice_convert(source, "pdf"))
    assert [tuple(round(float(v)) for v in page.mediabox) for page in reader.pages] == [
        (0, 0, 595, 842)
    ] * len(reader.pages)
    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert "— 1 —" in first and "— 2 —" in second
    assert "2026年11月30日前报送" in re.sub(r"\s", "", first)
    assert "吉林省教育厅" in second

    opened = libreoffice_text(body, tmp_path)
    assert "全民终身学习活动周的通知" in opened
    assert "请各市（州）教育局于2026年11月30日前报送，逾期不再接收。" in opened


def test_requirements_read_as_the_notices_sentences(jilin_2026_derived_filled_in):
    jilin = jilin_2026_derived_filled_in
    demo = requirement_create(
        actor=None,
        campaign=jilin,
        kind=RequirementKind.DEMO_TABLE,
        title="2026年“吉林省全民终身学习示范活动”汇总表",
        applies_to=[UnitKind.PREFECTURE, UnitKind.INSTITUTION],
        deadline=datetime.date(2026, 10, 10),
        closed=True,
        photo_min=6,
        photo_max=6,
    )
    CampaignAttachment.objects.create(
        campaign=jilin, title="2026年“吉林省全民终身学习示范活动”汇总表", position=9
    )
    attachments = [a.title for a in jilin.attachments.all()]
    assert requirement_line(demo, attachments) == (
        "2026年“吉林省全民终身学习示范活动”汇总表（附件2）。请各市（州）教育局和各有关学校（单位）"
        "于2026年10月10日前报送，逾期不再接收。每项活动须附照片6张。"
    )
    board = requirement_create(
        actor=None,
        campaign=jilin,
        kind=RequirementKind.EXHIBITION_BOARD,
        title="成果展展板素材",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(2026, 10, 1),
        title_max_chars=20,
        body_min_chars=800,
        photo_min=3,
        photo_max=6,
        quota_per_unit=2,
        description="材料请认真审核，文责自负",
    )
    # No attachment of that title: no （附件N）, nothing guessed.
    assert requirement_line(board, attachments) == (
        "成果展展板素材。请各县（市、区）教育局于2026年10月1日前报送。"
        "标题不超过20字，正文不少于800字，每份材料附照片3至6张，每单位限报2项。材料请认真审核，文责自负。"
    )


def test_every_rule_a_requirement_may_set_has_its_sentence():
    assert {field for rule in RULE_SENTENCES for field in rule.fields()} == set(RULE_FIELDS)
    requirement = Requirement(kind=RequirementKind.OTHER, body_max_chars=500, quota_min=1, quota_per_unit=3)
    assert rule_sentences(requirement) == "正文不超过500字，每单位报送1至3项。"
    requirement = Requirement(
        kind=RequirementKind.LEARNING_STAR,
        photo_min=2,
        photo_min_long_side=1920,
        cases_required=1,
        quota_min=1,
    )
    assert (
        rule_sentences(requirement)
        == "每人附照片不少于2张，照片长边不少于1920像素，须附典型案例1个，每单位至少报送1项。"
    )


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("吉教职成[2023]12号", "吉教职成〔2023〕12号"),
        ("吉教职成［2023］12号", "吉教职成〔2023〕12号"),
        ("吉教职成【2023】12号", "吉教职成〔2023〕12号"),
        ("吉教职成(2023)12号", "吉教职成〔2023〕12号"),
        ("吉教职成（ 2023 ）12号", "吉教职成〔2023〕12号"),
        ("教职成厅函〔2023〕18号", "教职成厅函〔2023〕18号"),
    ],
)
def test_the_document_number_puts_the_year_in_hexagonal_brackets(typed, printed):
    assert document_number(typed) == printed


def test_several_attachments_are_numbered_and_aligned(client, jilin_2026_derived_filled_in):
    CampaignAttachment.objects.create(
        campaign=jilin_2026_derived_filled_in, title="先进单位申报表", position=5
    )
    document = Document(io.BytesIO(draft_of(client, jilin_2026_derived_filled_in)))
    first, second = (p for p in document.paragraphs if p.text.endswith("表") and "." in p.text[:6])
    assert (first.text, second.text) == ("附件：1.全民终身学习活动周活动安排表", "2.先进单位申报表")
    # Both names start at the same place: 2 characters in, then “附件：” and the number.
    start = [p.paragraph_format.left_indent for p in (first, second)]
    assert start[0] == start[1]
    two_characters = Pt(2 * 156 * 72 / 25.4 / 28)
    assert abs(
        first.paragraph_format.left_indent + first.paragraph_format.first_line_indent - two_characters
    ) < Pt(0.1)
    # The empty line between the body and the attachments.
    paragraphs_ = document.paragraphs
    assert paragraphs_[paragraphs_.index(next(p for p in paragraphs_ if p.text == first.text)) - 1].text == ""


def test_only_the_issuing_unit_and_above_draft_its_notice(client, jilin_2026_derived_filled_in):
    client.force_login(StaffFactory(unit=unit(CITY), roles=[Role.ADMIN]))
    assert (
        client.get(
            reverse("backoffice:campaign_notice_draft", args=[jilin_2026_derived_filled_in.slug])
        ).status_code
        == 404
    )
    client.force_login(StaffFactory(unit=unit("000000"), roles=[Role.REVIEWER]))
    assert (
        client.get(
            reverse("backoffice:campaign_notice_draft", args=[jilin_2026_derived_filled_in.slug])
        ).status_code
        == 200
    )


def campaign_of(code: str, slug: str):
    """A 2026 campaign issued by ``code``: the ministry's and a province's of their own, a
    prefecture's or a county's derived from the levels above."""
    issuer = unit(code)
    if issuer.kind in (UnitKind.MINISTRY, UnitKind.PROVINCE):
        return campaign_create(
            actor=None, issuing_unit=issuer, year=2026, slug=slug, title="2026年全民终身学习活动周"
        )
    parent = campaign_of(issuer.get_parent().code, f"{slug}-up")
    campaign_set_status(actor=None, campaign=parent, status=CampaignStatus.PUBLISHED)
    return campaign_derive(
        actor=None, parent=parent, unit=issuer, slug=slug, title="2026年全民终身学习活动周"
    )


def institution(parent: str, code: str, name: str, kind: InstitutionType):
    return institution_create(actor=None, parent=unit(parent), code=code, name=name, institution_type=kind)


def test_a_province_addresses_its_prefectures_the_units_it_names_and_the_universities(tree):
    jilin = campaign_of(PROVINCE, "jl-to")
    changbaishan = institution(PROVINCE, "T-CBS", "长白山管委会教育科技局", InstitutionType.OTHER)
    institution(PROVINCE, "T-JLU", "吉林大学", InstitutionType.UNIVERSITY)
    institution(CITY, "T-CCU", "长春大学", InstitutionType.UNIVERSITY)
    requirement = requirement_create(
        actor=None,
        campaign=jilin,
        kind=RequirementKind.DEMO_TABLE,
        title="示范活动汇总表",
        applies_to=[UnitKind.PREFECTURE],
        # 长春市 is one of 各市（州） already; 梅河口市 (a county-level city) signs as its 教育局.
        addressed_units=[changbaishan, unit("220581"), unit(CITY)],
        institution_types=[InstitutionType.UNIVERSITY],
        deadline=datetime.date(2026, 9, 28),
    )
    assert (
        addressees(jilin)
        == "各市（州）教育局，长白山管委会教育科技局，梅河口市教育局，各高等学校，各有关单位："
    )
    assert (
        requirement_addressees(requirement)
        == "各市（州）教育局、长白山管委会教育科技局、梅河口市教育局和各高等学校"
    )


def test_a_prefecture_names_its_one_open_university_and_its_elder_universities_together(tree):
    changchun = campaign_of(CITY, "cc-to")
    institution(CITY, "T-CCOU", "长春开放大学", InstitutionType.OPEN_UNIVERSITY)
    institution(CITY, "T-E1", "长春老年大学", InstitutionType.ELDER_UNIVERSITY)
    institution(COUNTY, "T-E2", "朝阳区老年大学", InstitutionType.ELDER_UNIVERSITY)
    requirement_create(
        actor=None,
        campaign=changchun,
        kind=RequirementKind.WORK_PLAN,
        title="活动周工作方案",
        applies_to=[UnitKind.COUNTY],
        institution_types=[InstitutionType.OPEN_UNIVERSITY, InstitutionType.ELDER_UNIVERSITY],
        deadline=datetime.date(2026, 10, 10),
    )
    assert (
        addressees(changchun) == "各县（市）区、开发区教育局，长春开放大学，各老年大学，各有关学校（单位）："
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("000000", "各省、自治区、直辖市教育厅（教委），各计划单列市教育局，新疆生产建设兵团教育局："),
        ("110000", "各区教育局（教委），各有关单位："),
        ("500000", "各区教育局（教委），各有关单位："),
        ("450000", "各市（州）教育局，各有关单位："),
        (COUNTY, "各乡镇（街道），各有关学校和单位："),
    ],
)
def test_each_level_addresses_the_level_below_as_the_notices_do(tree, code, expected):
    assert addressees(campaign_of(code, f"to-{code}")) == expected


def test_a_municipality_signs_as_its_education_commission(client, tree):
    chongqing = campaign_of("500000", "cq-sign")
    text = paragraphs(draft_of(client, chongqing))
    assert text[-2:] == ["重庆市教育委员会", "【待填写：成文日期】"]
    assert "重庆市教育委员会决定开展2026年全民终身学习活动周。" in "".join(text)


def test_a_long_title_breaks_between_words_and_a_short_one_not():
    assert title_lines("关于开展2023年度全民终身学习活动周系列活动的通知") == [
        "关于开展2023年度全民终身学习",
        "活动周系列活动的通知",
    ]
    assert title_lines("关于开展2026年全民终身学习活动周的通知") == ["关于开展2026年全民终身学习活动周的通知"]
