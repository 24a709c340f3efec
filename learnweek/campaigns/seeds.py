"""The campaigns of the five notices in ../shared/seeds, as data.

Every date, rule and contact below is taken from the notices. Where a notice gives only a period
("10月下旬", "11月中旬") the date fields stay empty and the wording goes into the note fields; where
it gives no issue date, none is set.
"Body about N characters" becomes a range of N ± 20 %. The 2021 national notice
(教职成厅函〔2021〕20号) and the 2022 Jilin pre-notice are not among the notices: they are seeded
with only what the Jilin 2021 and Changchun 2022 notices say of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from learnweek.campaigns.models import Campaign, CampaignStatus, RequirementKind
from learnweek.campaigns.services import (
    campaign_create,
    campaign_derive,
    campaign_office_set,
    campaign_set_status,
    contact_add,
    requirement_create,
)
from learnweek.orgs.models import InstitutionType, Unit, UnitKind
from learnweek.orgs.selectors import unit_get_by_code
from learnweek.orgs.services import institution_create

D = datetime.date
P, C, X, INST = UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY, UnitKind.INSTITUTION


def about(n: int) -> dict[str, int]:
    return {"body_min_chars": round(n * 0.8), "body_max_chars": round(n * 1.2)}


@dataclass
class Seed:
    slug: str
    unit: str
    parent: str | None
    year: int
    fields: dict[str, Any]
    contacts: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, office, phone, email
    requirements: list[dict[str, Any]] = field(default_factory=list)
    office: tuple[str, str, str] | None = None  # code, name, parent division of the 领导小组办公室


# Institutions the notices name as hosts of campaign offices.
CHANGCHUN_OU = ("SEED-220100-OU", "长春开放大学", "220100")
SHANXI_OU = ("SEED-140000-OU", "山西开放大学", "140000")

# Units the notices address that the national division tree (GB/T 2260) lacks: code, name,
# parent division, institution type, and the notices that name them. 长白山管委会 (the
# Changbai Mountain protection and development zone, run by the province) has no division code;
# its education bureau answers the province beside the nine prefectures.
CHANGBAISHAN = ("SEED-220000-CBS", "长白山管委会教育科技局", "220000")
NOTICE_UNITS = [
    (
        *CHANGBAISHAN,
        InstitutionType.OTHER,
        "吉教职成〔2021〕25号、2023年吉林省全民终身学习活动通知的主送单位",
    ),
]
# Whom the Jilin notices address besides 各市（州）教育局: 长白山管委会教育科技局 (added above),
# 梅河口市教育局 (梅河口市, 220581, a county-level city the province administers directly) and, in
# 2023, 各高等学校 (every 普通高校 in the province).
JILIN_NAMED: dict[str, Any] = {"addressed": [CHANGBAISHAN[0], "220581"]}
JILIN_2023_NAMED: dict[str, Any] = JILIN_NAMED | {"institution_types": [InstitutionType.UNIVERSITY]}

SEEDS = [
    Seed(
        "2021-national",
        "000000",
        None,
        2021,
        {
            "title": "2021年全民终身学习活动周",
            "doc_number": "教职成厅函〔2021〕20号",
            "theme": "庆建党百年华诞 谱终身学习新篇",
            "summary": "本条仅据吉林省转发通知（吉教职成〔2021〕25号）所引录入；原通知不在资料之列。",
        },
    ),
    Seed(
        "2021-jilin",
        "220000",
        "2021-national",
        2021,
        {
            "title": "2021年吉林省暨长春市全民终身学习活动周",
            "doc_number": "吉教职成〔2021〕25号",
            "theme": "庆建党百年华诞 谱终身学习新篇",
            "issued_on": D(2021, 9, 24),
            "week_note": "吉林省总开幕式拟定于11月中旬举行；各地在总开幕式前后一个月内举行本地开幕式",
            "ceremony_host": "长春广播电视大学",
            "ceremony_venue": "长春广播电视大学",
            "ceremony_note": "拟定于11月中旬",
            "display_start": D(2021, 10, 1),
            "display_end": D(2021, 11, 30),
        },
        contacts=[
            ("吴晓辉", "领导小组办公室（长春广播电视大学）", "0431-82857798、19990521785", "jlqmx@126.com")
        ],
        requirements=[
            {
                "kind": RequirementKind.WORK_PLAN,
                "title": "2021年活动周工作方案",
                "deadline": D(2021, 9, 28),
                **JILIN_NAMED,
                "applies_to": [C],
            },
            {
                "kind": RequirementKind.DEMO_TABLE,
                "title": "2021年“吉林省全民终身学习示范活动”汇总表（附表1）",
                "deadline": D(2021, 10, 15),
                **JILIN_NAMED,
                "applies_to": [C],
            },
            {
                "kind": RequirementKind.EXHIBITION_BOARD,
                "title": "吉林省全民终身学习成果展展板素材",
                "description": "题目20字内、醒目突出；内容500字左右，介绍本地区最具特色的做法、经验和主要成果；清晰、分辨率高的活动图片6张，每张命名。",
                "deadline": D(2021, 10, 15),
                **JILIN_NAMED,
                "applies_to": [C],
                "title_max_chars": 20,
                **about(500),
                "photo_min": 6,
                "photo_max": 6,
            },
            {
                "kind": RequirementKind.ADVANCED_UNIT,
                "title": "活动周工作先进单位（附表2、附表3）",
                "description": "纸质评选材料一式两份，并报电子版。",
                "deadline": D(2021, 10, 15),
                **JILIN_NAMED,
                "applies_to": [C],
            },
            {
                "kind": RequirementKind.ADVANCED_INDIVIDUAL,
                "title": "活动周工作先进个人（附表4、附表5）",
                "description": "纸质评选材料一式两份，并报电子版。",
                "deadline": D(2021, 10, 15),
                **JILIN_NAMED,
                "applies_to": [C],
            },
            {
                "kind": RequirementKind.WORK_SUMMARY,
                "title": "活动周年度工作总结",
                "description": "不少于1500字；反映本地区活动规模与特色的照片8张；典型活动案例2个。",
                "deadline": D(2021, 12, 10),
                **JILIN_NAMED,
                "applies_to": [C],
                "body_min_chars": 1500,
                "photo_min": 8,
                "photo_max": 8,
                "cases_required": 2,
            },
        ],
        office=CHANGCHUN_OU,
    ),
    Seed(
        "2022-jilin",
        "220000",
        None,
        2022,
        {
            "title": "2022年吉林省暨长春市全民终身学习活动周（预通知）",
            "theme": "",
            "week_note": "拟于2022年11月举办",
            "ceremony_host": "长春开放大学",
            "ceremony_venue": "长春开放大学",
            "ceremony_note": "总开幕式拟定于11月举行",
            "summary": "本条仅据长春市预通知所引录入；主题待教育厅文件通知。",
        },
    ),
    Seed(
        "2022-changchun",
        "220100",
        "2022-jilin",
        2022,
        {
            "title": "2022年长春市全民终身学习活动周（预通知）",
            "theme": "",
            "issued_on": D(2022, 10, 20),
            "week_note": "拟于2022年11月举办；县（市）区、开发区以适当方式举行开幕式",
            "ceremony_host": "长春开放大学",
            "ceremony_venue": "长春开放大学",
            "ceremony_note": "总开幕式拟定于11月举行",
            "display_start": D(2022, 10, 1),
            "display_end": D(2022, 11, 30),
        },
        contacts=[
            ("吴晓辉", "领导小组办公室（长春开放大学）", "0431-82857798、19990521785", "jlqmxx@126.com")
        ],
        requirements=[
            {
                "kind": RequirementKind.DEMO_TABLE,
                "title": "2022年“长春市全民终身学习示范活动”汇总表（附件1，word版）",
                "deadline": D(2022, 10, 25),
                "applies_to": [X, INST],
            },
            {
                "kind": RequirementKind.EXHIBITION_BOARD,
                "title": "全民终身学习成果展展板素材（word版）",
                "description": "题目20字内、凝练醒目；内容300字左右；高清学习活动照片4张，照片命名体现活动场景或内容；文责自负。",
                "deadline": D(2022, 10, 25),
                "applies_to": [X, INST],
                "title_max_chars": 20,
                **about(300),
                "photo_min": 4,
                "photo_max": 4,
            },
            {
                "kind": RequirementKind.ADVANCED_UNIT,
                "title": "吉林省活动周工作先进单位（附件2、附件3）",
                "description": "加盖公章的PDF文件连同word版。",
                "deadline": D(2022, 10, 25),
                "applies_to": [X, INST],
            },
            {
                "kind": RequirementKind.ADVANCED_INDIVIDUAL,
                "title": "吉林省活动周工作先进个人（附件4、附件5）",
                "description": "加盖公章的PDF文件连同word版。",
                "deadline": D(2022, 10, 25),
                "applies_to": [X, INST],
            },
            {
                "kind": RequirementKind.WORK_SUMMARY,
                "title": "活动周年度工作总结（word版）",
                "description": "不少于1500字；反映本地区活动规模与特色的照片8张；典型活动案例2个。",
                "deadline": D(2022, 12, 10),
                "applies_to": [X, INST],
                "body_min_chars": 1500,
                "photo_min": 8,
                "photo_max": 8,
                "cases_required": 2,
            },
        ],
        office=CHANGCHUN_OU,
    ),
    Seed(
        "2023-national",
        "000000",
        None,
        2023,
        {
            "title": "2023年全民终身学习活动",
            "doc_number": "教职成厅函〔2023〕18号",
            "theme": "让学习成为一种生活方式",
            "issued_on": D(2023, 6, 15),
            "reading_start": D(2023, 6, 1),
            "reading_end": D(2023, 11, 30),
            "week_start": D(2023, 9, 18),
            "week_end": D(2023, 9, 24),
            "ceremony_host": "重庆市教委",
            "ceremony_cohosts": "国家开放大学等单位",
            "ceremony_venue": "重庆市",
            "ceremony_note": "具体事宜另行通知",
        },
        contacts=[
            ("齐坤、王立", "教育部职业教育与成人教育司", "010-66096253", ""),
            ("黄晓晨、关昀", "中国成人教育协会", "010-58582578、13601198336", "caebgs@126.com"),
            (
                "李荣华",
                "中国成人教育协会网站和全民终身学习公共服务平台宣传报道",
                "13811473279",
                "liuxiaomei@enaea.edu.cn",
            ),
        ],
        requirements=[
            {
                "kind": RequirementKind.WORK_PLAN,
                "title": "2023年全民终身学习活动周方案",
                "deadline": D(2023, 6, 30),
                "applies_to": [P],
            },
            {
                "kind": RequirementKind.LEARNING_STAR,
                "title": "全国新时代“百姓学习之星”推荐材料",
                "description": "各3—5名，材料含文字、视频、图片、教学资源。",
                "deadline": D(2023, 7, 20),
                "applies_to": [P],
                "quota_min": 3,
                "quota_per_unit": 5,
                "publish_winners": True,
            },
            {
                "kind": RequirementKind.BRAND_PROJECT,
                "title": "全国“终身学习品牌项目”推荐材料",
                "description": "各3—5个，材料含文字、视频、图片、教学资源。",
                "deadline": D(2023, 7, 20),
                "applies_to": [P],
                "quota_min": 3,
                "quota_per_unit": 5,
                "publish_winners": True,
            },
            {
                "kind": RequirementKind.STATISTICS,
                "title": "2023年全民终身学习活动开展情况统计表",
                "deadline": D(2023, 11, 28),
                "applies_to": [P],
            },
        ],
    ),
    Seed(
        "2023-jilin",
        "220000",
        "2023-national",
        2023,
        {
            "title": "2023年吉林省全民终身学习活动",
            "theme": "让学习成为一种生活方式",
            "issued_on": D(2023, 9, 20),
            "week_note": "拟定于10月下旬；各地各校自主确定本地区活动周的具体时间",
            "ceremony_host": "长春开放大学",
            "display_start": D(2023, 9, 1),
            "display_end": D(2023, 11, 30),
        },
        contacts=[
            ("李老师", "省教育厅职业与成人教育处", "0431-88905322", "jlqmxx@126.com"),
            ("吴老师", "长春开放大学", "0431-82857798、19990521785", "jlqmxx@126.com"),
        ],
        requirements=[
            {
                "kind": RequirementKind.DEMO_TABLE,
                "title": "2023年“吉林省全民终身学习示范活动”汇总表（附件1）",
                "deadline": D(2023, 9, 28),
                **JILIN_2023_NAMED,
                "applies_to": [C, INST],
            },
            {
                "kind": RequirementKind.EXHIBITION_BOARD,
                "title": "吉林省全民终身学习成果展素材",
                "description": "文稿题目20字内、凝练醒目；内容500字左右；高清学习活动照片6张，照片命名体现活动场景或内容；文责自负。",
                "deadline": D(2023, 9, 28),
                **JILIN_2023_NAMED,
                "applies_to": [C, INST],
                "title_max_chars": 20,
                **about(500),
                "photo_min": 6,
                "photo_max": 6,
            },
            {
                "kind": RequirementKind.ADVANCED_UNIT,
                "title": "活动周工作先进单位（附件2、附件3）",
                "description": "各县（市）区、高等学校和相关单位限推荐1家；纸质评选材料一式两份。",
                "deadline": D(2023, 9, 28),
                **JILIN_2023_NAMED,
                "applies_to": [X, INST],
                "quota_per_unit": 1,
            },
            {
                "kind": RequirementKind.ADVANCED_INDIVIDUAL,
                "title": "活动周工作先进个人（附件4、附件5）",
                "description": "各县（市）区、高等学校和相关单位限推荐1名；纸质评选材料一式两份。",
                "deadline": D(2023, 9, 28),
                **JILIN_2023_NAMED,
                "applies_to": [X, INST],
                "quota_per_unit": 1,
            },
            {
                "kind": RequirementKind.STATISTICS,
                "title": "2023年全民终身学习活动开展情况统计表（附件6）",
                "deadline": D(2023, 11, 20),
                **JILIN_2023_NAMED,
                "applies_to": [C],
                "parent": "2023年全民终身学习活动开展情况统计表",
            },
            {
                "kind": RequirementKind.WORK_SUMMARY,
                "title": "2023年度活动周工作总结、精彩学习活动照片和典型活动案例",
                "description": "工作总结、精彩学习活动照片和典型活动案例1个，均报电子版。",
                "deadline": D(2023, 11, 20),
                **JILIN_2023_NAMED,
                "applies_to": [C, INST],
                "cases_required": 1,
            },
        ],
    ),
    Seed(
        "2023-shanxi",
        "140000",
        "2023-national",
        2023,
        {
            "title": "山西省2023年全民终身学习活动",
            "doc_number": "晋教职成〔2023〕12号",
            "theme": "让学习成为一种生活方式",
            "issued_on": D(2023, 8, 10),
            "reading_start": D(2023, 8, 1),
            "reading_end": D(2023, 11, 30),
            "week_note": "拟于2023年10月举办",
            "ceremony_host": "山西省教育厅主办；阳泉市政府、山西开放大学等单位承办",
            "ceremony_cohosts": "阳泉市教育局、阳泉开放大学等单位",
            "ceremony_venue": "阳泉市",
        },
        contacts=[
            ("张擎", "省教育厅职成处", "0351-3193088", "zhangqing@sxedc.com"),
            ("石晓巛", "山西开放大学", "15536822206", "1925158640@qq.com"),
            ("傅志奇", "山西省成人教育协会", "13834576118", "sxscjxh1811@163.com"),
        ],
        requirements=[
            {
                "kind": RequirementKind.WORK_PLAN,
                "title": "2023年全民终身学习活动周方案",
                "description": "注明活动网站网址、联络员等信息。",
                "deadline": D(2023, 8, 31),
                "applies_to": [C],
            },
            {
                "kind": RequirementKind.STATISTICS,
                "title": "山西省2023年全民终身学习活动开展情况统计表",
                "deadline": D(2023, 11, 15),
                "asks_platform": True,
                "applies_to": [C],
                "parent": "2023年全民终身学习活动开展情况统计表",
            },
            {
                "kind": RequirementKind.WORK_SUMMARY,
                "title": "活动周工作总结",
                "description": "各市、各高校、省属中职学校报山西开放大学（山西省社区教育指导服务中心）。",
                "deadline": D(2023, 11, 15),
                "applies_to": [C, INST],
            },
        ],
        office=SHANXI_OU,
    ),
    Seed(
        "2023-guangdong",
        "440000",
        "2023-national",
        2023,
        {
            "title": "广东省2023年度全民终身学习活动周系列活动",
            "theme": "让学习成为一种生活方式",
            "week_note": "全省总开幕式于11月中下旬举行；各市、县原则上于11月25日前举办本区域开幕式",
            "ceremony_note": "11月中下旬",
            "summary": "通知文本未载发文日期与文号。",
        },
        contacts=[("李庆松、肖理想", "广东省教育厅", "020-37626863；020-37627176", "")],
        requirements=[
            {
                "kind": RequirementKind.STATISTICS,
                "title": "本地、本校终身学习系列活动数据",
                "description": "按附件3“活动数据报送方式”填报。",
                "deadline": D(2023, 11, 25),
                "applies_to": [C, INST],
                "parent": "2023年全民终身学习活动开展情况统计表",
            },
            {
                "kind": RequirementKind.PUBLICITY,
                "title": "宣传材料、链接、视频",
                "description": "可同步推送省教育厅（附件2），省教育厅择优在全省推广宣传。",
                "deadline": D(2023, 11, 25),
                "applies_to": [C, INST],
            },
        ],
    ),
]


def _office(code: str, name: str, parent_code: str) -> Unit:
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return institution_create(
        actor=None,
        parent=unit_get_by_code(parent_code),
        code=code,
        name=name,
        institution_type=InstitutionType.OPEN_UNIVERSITY,
    )


def _notice_units() -> None:
    for code, name, parent_code, institution_type, _source in NOTICE_UNITS:
        if not Unit.objects.filter(code=code).exists():
            institution_create(
                actor=None,
                parent=unit_get_by_code(parent_code),
                code=code,
                name=name,
                institution_type=institution_type,
            )


@transaction.atomic
def campaigns_seed() -> list[Campaign]:
    """Create the seeded campaigns that do not exist yet (by slug). Idempotent."""
    created = []
    _notice_units()
    for seed in SEEDS:
        if Campaign.objects.filter(slug=seed.slug).exists():
            continue
        unit = unit_get_by_code(seed.unit)
        if seed.parent is None:
            campaign = campaign_create(
                actor=None, issuing_unit=unit, year=seed.year, slug=seed.slug, **seed.fields
            )
        else:
            parent = Campaign.objects.get(slug=seed.parent)
            campaign = campaign_derive(actor=None, parent=parent, unit=unit, slug=seed.slug, **seed.fields)
        for name, office, phone, email in seed.contacts:
            contact_add(actor=None, campaign=campaign, name=name, office=office, phone=phone, email=email)
        for spec in seed.requirements:
            values = dict(spec)
            parent_title = values.pop("parent", None)
            values["addressed_units"] = [unit_get_by_code(code) for code in values.pop("addressed", [])]
            if parent_title:
                assert campaign.parent is not None  # only a derived campaign's requirements name a parent
                values["parent_requirement"] = campaign.parent.requirements.get(title=parent_title)
            requirement_create(actor=None, campaign=campaign, **values)
        if seed.office:
            campaign_office_set(actor=None, campaign=campaign, office=_office(*seed.office))
        campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)
        created.append(campaign)
    return created
