"""The draft of a campaign's notice (通知), built from the campaign's own data: the parent notice it
answers (by title and number only), its own theme, dates, opening ceremony, requirements,
contacts and attachments. Nothing of the parent's prose is copied; where the notice needs words
only the official can write, the draft says 【待填写：…】."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from learnweek.campaigns.models import Campaign, Requirement, RequirementKind
from learnweek.campaigns.selectors import region_week
from learnweek.core.chinese import chinese_date, chinese_number
from learnweek.core.drafts import TODO, Draft
from learnweek.orgs.models import InstitutionType, Unit, UnitKind
from learnweek.orgs.selectors import within

# -- the document number --------------------------------------------------------------------

_YEAR_IN_BRACKETS = re.compile(r"[\[［【(（〔]\s*(\d{4})\s*[\]］】)）〕]")


def document_number(text: str) -> str:
    """The document number (发文字号) as GB/T 9704 writes it: the year in 六角括号 〔〕, whatever
    brackets were typed (吉教职成[2023]12号, 吉教职成（2023）12号 → 吉教职成〔2023〕12号)."""
    return _YEAR_IN_BRACKETS.sub(r"〔\1〕", text.strip())


# -- addressees (主送机关) --------------------------------------------------------------------

# The divisions a notice addresses first, by the level of the issuer, as the notices write them,
# and the phrase that closes the list.
ADDRESSEES: dict[str, tuple[str, str]] = {
    UnitKind.MINISTRY: ("各省、自治区、直辖市教育厅（教委），各计划单列市教育局，新疆生产建设兵团教育局", ""),
    UnitKind.PROVINCE: ("各市（州）教育局", "各有关单位"),
    UnitKind.PREFECTURE: ("各县（市）区、开发区教育局", "各有关学校（单位）"),
    UnitKind.COUNTY: ("各乡镇（街道）", "各有关学校和单位"),
}
MUNICIPALITY_ADDRESSEES = ("各区教育局（教委）", "各有关单位")

# The institutions of a type, addressed together (a type with a single institution under the
# issuer is addressed by that institution's name: 长春开放大学).
INSTITUTION_ADDRESSEES: dict[str, str] = {
    InstitutionType.UNIVERSITY: "各高等学校",
    InstitutionType.VOCATIONAL: "各职业院校",
    InstitutionType.OPEN_UNIVERSITY: "各开放大学",
    InstitutionType.ADULT_COLLEGE: "各成人高校",
    InstitutionType.COMMUNITY_SCHOOL: "各社区教育院校",
    InstitutionType.ELDER_UNIVERSITY: "各老年大学",
    InstitutionType.TOWNSHIP_SCHOOL: "各乡镇成人文化技术学校",
    InstitutionType.SCIENCE_SCHOOL: "各科普学校",
    InstitutionType.SOCIAL_EDUCATION: "各社会教育机构",
    InstitutionType.LIBRARY: "各图书馆",
    InstitutionType.MUSEUM: "各博物馆",
    InstitutionType.CULTURAL_CENTER: "各文化馆",
    InstitutionType.ART_GALLERY: "各美术馆",
    InstitutionType.SCIENCE_MUSEUM: "各科技馆",
    InstitutionType.ENTERPRISE: "各有关企业",
    InstitutionType.CAMPAIGN_OFFICE: "各领导小组办公室",
}

# The levels a requirement asks to report, by the level of its issuer (请各市（州）教育局…).
LEVEL_PHRASES: dict[str, dict[str, str]] = {
    UnitKind.PROVINCE: {"": "各省、自治区、直辖市教育厅（教委）"},
    UnitKind.PREFECTURE: {UnitKind.PROVINCE: "各市（州）教育局", "": "各地市教育局"},
    UnitKind.COUNTY: {
        UnitKind.PREFECTURE: "各县（市）区教育局",
        "municipality": "各区教育局（教委）",
        "": "各县（市、区）教育局",
    },
    UnitKind.INSTITUTION: {"": "各有关学校（单位）"},
}


def _issuer_level(issuer: Unit) -> str:
    return "municipality" if issuer.is_municipality else issuer.kind


def _level_phrase(issuer: Unit, kind: str) -> str:
    phrases = LEVEL_PHRASES.get(kind, {})
    return phrases.get(_issuer_level(issuer)) or phrases.get(issuer.kind) or phrases.get("", "")


def _institution_phrases(issuer: Unit, types: set[str]) -> list[str]:
    """The institutions of ``types`` below ``issuer`` as a notice names them: “各高等学校”, or
    the one institution of its type by name (长春开放大学). 其他 is left to “各有关单位”."""
    phrases = []
    for value in InstitutionType.values:
        if value not in types or value == InstitutionType.OTHER:
            continue
        only = list(
            within(
                Unit.objects.filter(kind=UnitKind.INSTITUTION, institution_type=value, is_active=True), issuer
            )
            .exclude(pk=issuer.pk)
            .order_by("path")[:2]
        )
        if len(only) == 1:
            phrases.append(only[0].issuer)
        else:
            phrases.append(INSTITUTION_ADDRESSEES.get(value, f"各{InstitutionType(value).label}"))
    return phrases


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def addressees(campaign: Campaign) -> str:
    """The addressees (主送机关) of the campaign's notice, as the notices write them: the
    divisions below the issuer (各市（州）教育局), the units its requirements name besides
    (长白山管委会教育科技局，梅河口市教育局, by the names they sign with), the institutions its
    requirements ask by type (各高等学校, 长春开放大学), and the closing 各有关单位."""
    issuer = campaign.issuing_unit
    base, tail = (
        MUNICIPALITY_ADDRESSEES
        if issuer.is_municipality
        else ADDRESSEES.get(UnitKind(issuer.kind), ("", "各有关单位"))
    )
    requirements = list(campaign.requirements.prefetch_related("addressed_units"))
    named = sorted(
        {u.pk: u for r in requirements for u in r.addressed_units.all()}.values(),
        key=lambda u: (u.depth, u.path),  # the higher levels first (长白山管委会 before 梅河口市)
    )
    # A division directly below the issuer is one of the 各市（州）教育局 already.
    listed = [u.issuer for u in named if not (u.is_administrative and u.depth == issuer.depth + 1)]
    types = {t for r in requirements for t in r.institution_types}
    return "，".join(_unique([base, *listed, *_institution_phrases(issuer, types), tail])) + "："


def requirement_addressees(requirement: Requirement) -> str:
    """Who a requirement asks to report, as a notice says it after 请: “各县（市）区教育局和各有关
    学校”; the named units by the names they sign with."""
    issuer = requirement.campaign.issuing_unit
    levels = [k for k in UnitKind.values if k in requirement.applies_to]
    named = [
        u.issuer
        for u in requirement.addressed_units.order_by("depth", "path")
        if not (u.is_administrative and u.kind in requirement.applies_to)
    ]
    parts = _unique(
        [_level_phrase(issuer, k) for k in levels if k != UnitKind.INSTITUTION]
        + named
        + _institution_phrases(issuer, set(requirement.institution_types))
        + ([_level_phrase(issuer, UnitKind.INSTITUTION)] if UnitKind.INSTITUTION in levels else [])
    )
    if not parts:
        return "各有关单位"
    return parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + "和" + parts[-1]


# -- requirements in sentences --------------------------------------------------------------


@dataclass(frozen=True)
class RuleSentence:
    """How a notice states one rule, or a pair of rules (a minimum and a maximum) together:
    ``both`` when both are set, ``equal`` when they are the same, ``low`` / ``high`` when only one
    is. ``{low}`` and ``{high}`` are the values, ``{each}`` what a rule counts per item."""

    low_field: str | None
    high_field: str | None
    both: str = ""
    equal: str = ""
    low: str = ""
    high: str = ""

    def fields(self) -> set[str]:
        return {f for f in (self.low_field, self.high_field) if f}

    def sentence(self, requirement: Requirement, each: str) -> str:
        low = getattr(requirement, self.low_field) if self.low_field else None
        high = getattr(requirement, self.high_field) if self.high_field else None
        if low is not None and high is not None:
            template = self.equal if low == high else self.both
        elif low is not None:
            template = self.low
        elif high is not None:
            template = self.high
        else:
            return ""
        return template.format(low=low, high=high, each=each)


# Every rule a requirement may set (campaigns.models.RULE_FIELDS) and its sentence, in one place.
RULE_SENTENCES: tuple[RuleSentence, ...] = (
    RuleSentence(None, "title_max_chars", high="标题不超过{high}字"),
    RuleSentence(
        "body_min_chars",
        "body_max_chars",
        both="正文{low}至{high}字",
        equal="正文{low}字左右",
        low="正文不少于{low}字",
        high="正文不超过{high}字",
    ),
    RuleSentence(
        "photo_min",
        "photo_max",
        both="{each}附照片{low}至{high}张",
        equal="{each}须附照片{low}张",
        low="{each}附照片不少于{low}张",
        high="{each}附照片不超过{high}张",
    ),
    RuleSentence("photo_min_long_side", None, low="照片长边不少于{low}像素"),
    RuleSentence("cases_required", None, low="须附典型案例{low}个"),
    RuleSentence(
        "quota_min",
        "quota_per_unit",
        both="每单位报送{low}至{high}项",
        equal="每单位报送{low}项",
        low="每单位至少报送{low}项",
        high="每单位限报{high}项",
    ),
)

# What a photo rule counts per item, by the kind of material.
EACH: dict[str, str] = {
    RequirementKind.DEMO_TABLE: "每项活动",
    RequirementKind.BRAND_PROJECT: "每个项目",
    RequirementKind.LEARNING_STAR: "每人",
    RequirementKind.ADVANCED_INDIVIDUAL: "每人",
    RequirementKind.ABLE_TEACHER: "每人",
    RequirementKind.TYPICAL_CASE: "每个案例",
    RequirementKind.COMMUNITY_CASE: "每个案例",
}


def rule_sentences(requirement: Requirement) -> str:
    """The requirement's rules as the notice states them: “正文不少于800字，每项活动须附照片6张。”"""
    each = EACH.get(requirement.kind, "每份材料")
    sentences = [s for rule in RULE_SENTENCES if (s := rule.sentence(requirement, each))]
    if requirement.asks_platform:
        sentences.append("须填写活动周平台名称及网址")
    return "，".join(sentences) + "。" if sentences else ""


def _plain_title(text: str) -> str:
    return re.sub(r"[\s《》]", "", text).rstrip("。；;，,")


def attachment_number(requirement: Requirement, attachments: Sequence[str]) -> int | None:
    """The number of the campaign's attachment that is this requirement's form: only an
    attachment of the very same title (《》 and spaces aside); nothing is guessed."""
    wanted = _plain_title(requirement.title)
    for number, title in enumerate(attachments, start=1):
        if _plain_title(title) == wanted:
            return number
    return None


def requirement_sentences(requirement: Requirement, attachments: Sequence[str] = ()) -> tuple[str, str]:
    """One requirement as the notice states it: its name (with its attachment's number) and then
    who reports by when, under which rules: (“2023年吉林省全民终身学习示范活动汇总表（附件1）。”,
    “请各县（市）区教育局和各有关学校于2023年10月10日前报送，逾期不再接收。每项活动须附照片6张。”)."""
    number = attachment_number(requirement, attachments)
    name = requirement.title.strip() + (f"（附件{number}）" if number else "") + "。"
    text = f"请{requirement_addressees(requirement)}于{chinese_date(requirement.deadline)}前报送"
    text += "，逾期不再接收。" if requirement.closed else "。"
    text += rule_sentences(requirement)
    if requirement.description.strip():
        text += requirement.description.strip().rstrip("。") + "。"
    return name, text


def requirement_line(requirement: Requirement, attachments: Sequence[str] = ()) -> str:
    return "".join(requirement_sentences(requirement, attachments))


# -- the notice -----------------------------------------------------------------------------


def notice_title(campaign: Campaign) -> str:
    title = campaign.title.strip()
    if title.startswith("关于") and title.endswith("通知"):
        return title
    return f"关于开展{title}的通知"


def _span(start, end) -> str:
    if start and end:
        return f"{chinese_date(start)}至{chinese_date(end)}"
    return chinese_date(start or end)


def notice_draft(campaign: Campaign) -> Draft:
    """The notice in the official document format (``core.drafts``): the document number, the
    title, the addressees, the opening that cites the parent notice, the sections, the
    attachments, and the issuer's signature and date."""
    issuer = campaign.issuing_unit
    draft = Draft(f"{campaign.title}（通知草稿）")
    draft.note(
        "【草稿】本稿由系统根据本级活动的设置生成：日期、报送事项、联系人和附件来自系统数据，红色【待填写】处请起草；"
        "核对修改后按公文程序印发（本说明不属于正文，印发前删除）。"
    )
    if campaign.doc_number:
        draft.centred(document_number(campaign.doc_number))
        draft.blank()
    draft.title(notice_title(campaign))
    draft.blank()
    draft.line(addressees(campaign))

    parent = campaign.parent
    if parent is not None:
        cited = f"（{document_number(parent.doc_number)}）" if parent.doc_number else ""
        draft.body(
            f"根据{parent.issuing_unit.issuer}《{notice_title(parent)}》{cited}的部署，"
            f"{issuer.issuer}决定开展{campaign.title}。现将有关事项通知如下。"
        )
    else:
        draft.body(
            f"{issuer.issuer}决定开展{campaign.title}。"
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
    times: list[tuple[str, str]] = []
    if campaign.reading_start or campaign.reading_end:
        times.append(("全民阅读活动：", f"{_span(campaign.reading_start, campaign.reading_end)}。"))
    if week_start:
        times.append(("全民终身学习活动周：", f"{_span(week_start, week_end)}。"))
    elif week_note:
        times.append(("全民终身学习活动周：", f"{week_note}，具体时间另行通知。"))
    if campaign.ceremony_date or campaign.ceremony_venue:
        ceremony = chinese_date(campaign.ceremony_date) if campaign.ceremony_date else TODO.format("日期")
        ceremony += f"在{campaign.ceremony_venue}举行" if campaign.ceremony_venue else "举行"
        if campaign.ceremony_host:
            ceremony += f"，由{campaign.ceremony_host}承办"
        if campaign.ceremony_cohosts:
            ceremony += f"，{campaign.ceremony_cohosts}协办"
        if campaign.ceremony_stream_url:
            ceremony += f"，同步网络直播（{campaign.ceremony_stream_url}）"
        times.append(("开幕式：", ceremony + "。"))
    if campaign.display_start or campaign.display_end:
        times.append(("示范活动展示：", f"{_span(campaign.display_start, campaign.display_end)}。"))
    if len(times) > 1:
        for number, (label, text) in enumerate(times, start=1):
            draft.body(text, lead=f"（{chinese_number(number)}）{label}")
    elif times:
        draft.body(times[0][0] + times[0][1])
    else:
        draft.body(TODO.format("活动起止时间"))

    draft.heading("活动内容")
    own = [p.strip() for p in campaign.summary.splitlines() if p.strip()]
    for paragraph in own:
        draft.body(paragraph)
    if not own:
        draft.body(TODO.format("本级活动的主要内容、重点活动和工作要求"))

    attachments = [a.title for a in campaign.attachments.all()]
    requirements = list(campaign.requirements.select_related("campaign__issuing_unit"))
    if requirements:
        draft.heading("材料报送")
        for number, requirement in enumerate(requirements, start=1):
            name, text = requirement_sentences(requirement, attachments)
            draft.body(text, lead=f"（{chinese_number(number)}）{name}")

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

    draft.attachments(attachments)
    draft.signature(issuer.issuer, campaign.issued_on)
    return draft
