"""Nomination requirements as Jilin asked for them, and complete form values of a unit and of a
person."""

from __future__ import annotations

import datetime

from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.services import requirement_create
from learnweek.orgs.models import UnitKind


def make_requirement(campaign, kind, **values):
    """A nomination requirement of ``campaign``: by default, as Jilin asked in 2023, one per
    county, university or related unit, due at the end of the year."""
    defaults = {
        "title": f"活动周工作{RequirementKind(kind).label}",
        "applies_to": [UnitKind.COUNTY, UnitKind.INSTITUTION],
        "deadline": datetime.date(campaign.year, 12, 31),
        "quota_per_unit": 1,
    }
    return requirement_create(actor=None, campaign=campaign, kind=kind, **(defaults | values))


UNIT_VALUES = {
    "name": "长春市朝阳区社区教育学院",
    "supervisor": "长春市朝阳区教育局",
    "head_name": "王建国",
    "head_title": "院长",
    "address": "长春市朝阳区人民大街1号",
    "phone": "0431-88886666",
    "deeds": "组织社区读书会、老年智能手机课堂等活动一百二十场，参与居民一万余人次。",
    "contact_name": "李老师",
    "contact_phone": "13904310000",
}

PERSON_VALUES = {
    "name": "张秀兰",
    "birth_date": datetime.date(1968, 5, 4),
    "gender": "女",
    "ethnicity": "汉族",
    "workplace": "长春市朝阳区南湖街道社区学校",
    "position": "校长",
    "email": "zhangxl@example.cn",
    "phone": "13804310001",
    "deeds": "扎根社区教育二十年，开办家长学校和老年大学分校。",
    "contact_name": "李老师",
    "contact_phone": "0431-88886666",
}
