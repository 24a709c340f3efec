"""Realistic activities for demos and benchmarks, spread over the real unit tree.

Skewed like reality: each prefecture gets a Pareto-distributed weight (a few big cities hold most
activities), most activities are held by counties, some by the prefecture or the province itself.
Deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from learnweek.activities.models import Activity, Audience, Category, Mode
from learnweek.activities.search import activity_index_text
from learnweek.campaigns.models import Campaign
from learnweek.core.db import bulk_insert
from learnweek.core.public_cache import public_activities
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.selectors import within

TITLES = {
    Category.THEMED_READING: [
        "全民读书节",
        "读书沙龙",
        "书香社区 全民爱阅读",
        "我和家人同读书",
        "读书月启动仪式",
        "书友会",
    ],
    Category.PUBLISHER_PICKS: ["社长（总编）荐书会", "百本好书推荐分享"],
    Category.ONLINE_LECTURE: ["线上社会大讲堂", "网上社区教育公开课", "终身学习云讲座"],
    Category.DIGITAL_READING: ["数字阅读分享会", "导学导读直播", "读书征文展评"],
    Category.SMART_ELDERLY: ["智慧助老手机课堂", "老年人智能手机培训", "掌上金融防诈骗讲座"],
    Category.SKILLED_TEACHERS: ["能者为师技能课堂", "百姓名师进社区"],
    Category.OPENING: ["全民终身学习活动周开幕式"],
    Category.SHOWCASE: ["社区教育成果展", "老年教育教学成果汇报展演"],
    Category.LIGHT_UP: ["全民终身学习亮灯活动"],
    Category.SEMINAR: ["终身教育研讨会", "老年教育高质量发展论坛"],
    Category.OPEN_DAY: ["高校开放日", "科技企业开放参观"],
    Category.OTHER: ["非遗体验课", "家庭教育讲座", "职工技能培训"],
}
CATEGORY_WEIGHTS = [30, 4, 10, 8, 14, 6, 2, 6, 1, 3, 4, 12]


def generate(
    campaign: Campaign,
    count: int,
    *,
    seed: int = 2023,
    batch: int = 5000,
    start: datetime.date | None = None,
    days: int = 183,
) -> int:
    """``count`` activities over ``days`` days from ``start`` (default: 1 June of the campaign's
    year), organised by the provinces, prefectures and counties under the campaign's issuer."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    root = campaign.issuing_unit
    units = list(
        within(Unit.objects.filter(kind__in=[UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY]), root)
        .only("pk", "path", "name", "kind", "depth")
        .order_by("path")
    )
    city_weight: dict[str, float] = {}
    weights = []
    for unit in units:
        if unit.kind == UnitKind.PROVINCE:
            weights.append(0.5)
            continue
        city_path = unit.path[: 3 * Unit.steplen] if unit.depth >= 3 else unit.path
        if city_path not in city_weight:
            city_weight[city_path] = rng.paretovariate(1.2)
        weights.append(city_weight[city_path] * (1.0 if unit.kind == UnitKind.COUNTY else 3.0))
    categories = list(TITLES)
    tz = timezone.get_current_timezone()
    first_day = start or datetime.date(campaign.year, 6, 1)
    year_start = datetime.datetime(first_day.year, first_day.month, first_day.day, tzinfo=tz)
    made = 0
    with transaction.atomic():
        while made < count:
            size = min(batch, count - made)
            organisers = rng.choices(units, weights=weights, k=size)
            rows = []
            for organiser in organisers:
                category = rng.choices(categories, weights=CATEGORY_WEIGHTS)[0]
                start = year_start + datetime.timedelta(
                    days=rng.randrange(days), hours=rng.choice([9, 10, 14, 15, 19])
                )
                headcount = int(rng.lognormvariate(4, 1)) + 5
                name = f"{organiser.name}{rng.choice(TITLES[category])}"
                address = f"{organiser.name}社区学校"
                rows.append(
                    Activity(
                        campaign=campaign,
                        year=campaign.year,
                        organiser=organiser,
                        unit_path=organiser.path,
                        organiser_name=organiser.name,
                        name=name,
                        category=category,
                        is_week=rng.random() < 0.35,
                        is_demonstration=rng.random() < 0.05,
                        start=start,
                        end=start + datetime.timedelta(hours=rng.choice([1, 2, 3])),
                        mode=rng.choices([Mode.OFFLINE, Mode.ONLINE, Mode.BOTH], weights=[70, 20, 10])[0],
                        address=address,
                        audiences=rng.sample(Audience.values, k=rng.randint(1, 3)),
                        headcount=headcount,
                        capacity=headcount + rng.randrange(50),
                        person_times=headcount if start < timezone.now() else None,
                        registration_phone="0431-8" + str(rng.randrange(1000000, 9999999)),
                    )
                )
                made_row = rows[-1]
                made_row.search_text = activity_index_text(
                    {"name": name, "organiser_name": organiser.name, "address": address},
                    unit_path=organiser.path,
                    start=made_row.start,
                    end=made_row.end,
                )
            bulk_insert(Activity, rows, batch_size=batch)
            made += size
    if made:
        public_activities.changed()
    return made
