"""The draft of a campaign's notice (通知), built from the campaign's own data: the parent notice it
answers (by title and number only), its own theme, dates, opening ceremony, requirements,
contacts and attachments. Nothing of the parent's prose is copied; where the notice needs words
only the official can write, the draft says 【待填写：…】."""

from __future__ import annotations

from learnweek.campaigns.models import Campaign, Requirement
from learnweek.campaigns.selectors import region_week
from learnweek.core.chinese import chinese_date, chinese_number
from learnweek.core.drafts import TODO, Draft
from learnweek.orgs.models import Unit, UnitKind

ADDRESSEES = {
    UnitKind.MINISTRY: "各省、自治区、直辖市教育厅（教委），新疆生产建设兵团教育局：",
    UnitKind.PROVINCE: "各市（州）教育局，各有关单位：",
    UnitKind.PREFECTURE: "各县（市、区）教育局，各有关单位：",
    UnitKind.COUNTY: "各乡镇（街道），各有关学校和单位：",
}


def addressees(issuer: Unit) -> str:
    if issuer.kind == UnitKind.PROVINCE and issuer.is_municipality:
        return "各区教育局，各有关单位："
    return ADDRESSEES.get(UnitKind(issuer.kind), "各有关单位：")


def notice_title(campaign: Campaign) -> str:
    title = campaign.title.strip()
    if title.startswith("关于") and title.endswith("通知"):
        return title
    return f"关于开展{title}的通知"


def _span(start, end) -> str:
    if start and end:
        return f"{chinese_date(start)}至{chinese_date(end)}"
    return chinese_date(start or end)


def requirement_line(requirement: Requirement) -> str:
    """One requirement as the notice states it: what, who, by when, under which rules."""
    who = requirement.applies_to_labels()
    line = f"{requirement.title}：{'请' + who if who else '请各单位'}于{chinese_date(requirement.deadline)}前报送"
    if requirement.closed:
        line += "，逾期不再接收"
    rules = "；".join(f"{label} {value}" for label, value in requirement.rules())
    if rules:
        line += f"（{rules}）"
    if requirement.description.strip():
        line += f"。{requirement.description.strip().rstrip('。')}"
    return line + "。"


def notice_draft(campaign: Campaign) -> Draft:
    issuer = campaign.issuing_unit
    draft = Draft(f"{campaign.title}（通知草稿）")
    draft.note(
        "【草稿】本稿由系统根据本级活动的设置生成：日期、报送事项、联系人和附件来自系统数据，红色【待填写】处请起草；核对修改后按公文程序印发。"
    )
    if campaign.doc_number:
        draft.centred(campaign.doc_number)
    draft.title(notice_title(campaign))
    draft.line(addressees(issuer))

    parent = campaign.parent
    if parent is not None:
        cited = f"（{parent.doc_number}）" if parent.doc_number else ""
        draft.body(
            f"根据{parent.issuing_unit.name}《{notice_title(parent)}》{cited}的部署，"
            f"{issuer.name}决定开展{campaign.title}。现将有关事项通知如下。"
        )
    else:
        draft.body(
            f"{issuer.name}决定开展{campaign.title}。"
            + TODO.format("开展本次活动的背景和意义")
            + "现将有关事项通知如下。"
        )

    draft.heading("活动主题")
    theme = campaign.effective_theme
    draft.body(f"“{theme}”。" if theme else TODO.format("活动主题"))

    draft.heading("活动时间")
    week_start, week_end, week_note = campaign.week_start, campaign.week_end, campaign.week_note
    if not (week_start or week_note):  # the week the ministry arranged, or the level above set
        week = region_week(issuer, year=campaign.year)
        week_start, week_end, week_note = week.week_start, week.week_end, week.week_note
    times = []
    if campaign.reading_start or campaign.reading_end:
        times.append(f"全民阅读活动：{_span(campaign.reading_start, campaign.reading_end)}。")
    if week_start:
        times.append(f"全民终身学习活动周：{_span(week_start, week_end)}。")
    elif week_note:
        times.append(f"全民终身学习活动周：{week_note}，具体时间另行通知。")
    if campaign.ceremony_date or campaign.ceremony_venue:
        ceremony = "开幕式："
        ceremony += chinese_date(campaign.ceremony_date) if campaign.ceremony_date else TODO.format("日期")
        ceremony += f"在{campaign.ceremony_venue}举行" if campaign.ceremony_venue else "举行"
        if campaign.ceremony_host:
            ceremony += f"，由{campaign.ceremony_host}承办"
        if campaign.ceremony_cohosts:
            ceremony += f"，{campaign.ceremony_cohosts}协办"
        if campaign.ceremony_stream_url:
            ceremony += f"，同步网络直播（{campaign.ceremony_stream_url}）"
        times.append(ceremony + "。")
    if campaign.display_start or campaign.display_end:
        times.append(f"示范活动展示：{_span(campaign.display_start, campaign.display_end)}。")
    for number, text in enumerate(times or [TODO.format("活动起止时间")], start=1):
        draft.body(f"（{chinese_number(number)}）{text}" if len(times) > 1 else text)

    draft.heading("活动内容")
    own = [p.strip() for p in campaign.summary.splitlines() if p.strip()]
    for paragraph in own:
        draft.body(paragraph)
    if not own:
        draft.body(TODO.format("本级活动的主要内容、重点活动和工作要求"))

    requirements = list(campaign.requirements.all())
    if requirements:
        draft.heading("材料报送")
        for number, requirement in enumerate(requirements, start=1):
            draft.body(f"（{chinese_number(number)}）{requirement_line(requirement)}")

    contacts = list(campaign.contacts.all())
    draft.heading("联系方式")
    for contact in contacts:
        parts = [f"{contact.office}　{contact.name}".strip("　")]
        if contact.phone:
            parts.append(f"电话：{contact.phone}")
        if contact.email:
            parts.append(f"邮箱：{contact.email}")
        draft.body("，".join(parts) + "。")
    if not contacts:
        draft.body(TODO.format("联系人、电话和邮箱"))

    attachments = list(campaign.attachments.all())
    if attachments:
        draft.document.add_paragraph()
        for number, attachment in enumerate(attachments, start=1):
            draft.line(f"{'附件：' if number == 1 else '　　　'}{number}. {attachment.title}")

    draft.signature(issuer.name, campaign.issued_on)
    return draft
