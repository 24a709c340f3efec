"""A derived campaign's notice draft: the layout of a notice, every date and figure from the
campaign's data, nothing of the parent's prose."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from learnweek.campaigns.models import CampaignAttachment, CampaignStatus, RequirementKind
from learnweek.campaigns.services import (
    campaign_create,
    campaign_derive,
    campaign_set_status,
    campaign_update,
    contact_add,
    requirement_create,
)
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import CITY, PROVINCE, unit
from tests.office import libreoffice_text

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


def test_the_notice_draft_is_built_from_the_campaigns_own_data(
    client, jilin_2026_derived_filled_in, tmp_path
):
    staff = StaffFactory(unit=unit(PROVINCE), roles=[Role.REPORTER])
    client.force_login(staff)
    response = client.get(
        reverse("backoffice:campaign_notice_draft", args=[jilin_2026_derived_filled_in.slug])
    )
    assert response.status_code == 200
    text = paragraphs(response.content)

    assert text[0].startswith("【草稿】")
    assert "关于开展2026年吉林省全民终身学习活动周的通知" in text
    assert "各市（州）教育局，各有关单位：" in text
    opening = f"根据{unit('000000').name}《关于开展2026年全民终身学习活动周的通知》（教职成厅函〔2026〕12号）的部署，"
    assert opening + "吉林省决定开展2026年吉林省全民终身学习活动周。现将有关事项通知如下。" in text
    headings = [p for p in text if p[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert headings == ["一、活动主题", "二、活动时间", "三、活动内容", "四、材料报送", "五、联系方式"]
    assert "“学习成就美好生活”。" in text
    assert any("全民终身学习活动周：2026年10月19日至2026年10月25日。" in p for p in text)
    assert any("开幕式：2026年10月19日在长春市图书馆举行，由长春开放大学承办。" in p for p in text)
    # The province's own requirements, in deadline order: one of its own that closes, and the
    # ministry's passed down with the province's deadline and the ministry's rule.
    assert "（一）活动开展情况统计表：请地市级于2026年11月30日前报送，逾期不再接收。" in text
    assert "（二）年度工作总结：请地市级于2026年12月10日前报送（正文最少字数 1500）。" in text
    assert any("职成教处　李明，电话：0431-88905322。" in p for p in text)
    assert "附件：1. 全民终身学习活动周活动安排表" in text
    assert text[-2:] == ["吉林省", "2026年9月1日"]
    # The parent's prose is not copied; what the province must write itself is marked.
    assert not any(PARENT_PROSE in p for p in text)
    assert any("【待填写：本级活动的主要内容" in p for p in text)

    opened = libreoffice_text(response.content, tmp_path)
    assert "关于开展2026年吉林省全民终身学习活动周的通知" in opened
    assert "2026年11月30日前报送" in opened


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
