"""The draft of a unit's annual work summary (年度工作总结): its figures for the year by column and
by child unit beside last year's, two charts, and the typical cases and photos of its approved
materials, in a .docx the official edits. The draft says which parts are generated and how many
characters the requirement still asks the official to write."""

from __future__ import annotations

from dataclasses import dataclass

from learnweek.campaigns.models import Campaign, RequirementKind
from learnweek.campaigns.rules import count_chars
from learnweek.campaigns.selectors import Cascade, cascade_of, cascade_requirements, requirement_applies_to
from learnweek.core import clock
from learnweek.core.charts import bar_chart
from learnweek.core.chinese import chinese_date
from learnweek.core.drafts import TODO, Draft
from learnweek.materials.selectors import approved_case_materials, approved_cases, approved_photos
from learnweek.orgs.models import Unit
from learnweek.stats.models import Column
from learnweek.stats.selectors import COLUMNS, column_sums, earlier_roots, stats_table

READING = [c for c in COLUMNS if c != Column.ACTIVITY_WEEK]
PHOTOS = 6


@dataclass
class Figures:
    """A unit's column sums for one year: (activities, person-times) per column."""

    sums: dict[str, tuple[int, int]]

    @property
    def reading(self) -> tuple[int, int]:
        return (sum(self.sums[c][0] for c in READING), sum(self.sums[c][1] for c in READING))

    @property
    def week(self) -> tuple[int, int]:
        return self.sums[Column.ACTIVITY_WEEK]


def figures_of(data: dict) -> Figures:
    return Figures(dict(zip(COLUMNS, column_sums(data), strict=True)))


def change(now: int, before: int, noun: str, counter: str) -> str:
    """ "参加人次减少9370人次（-93.7%）": the change of one figure against last year."""
    if now == before:
        return f"{noun}持平"
    verb = "增加" if now > before else "减少"
    share = f"（{(now - before) / before:+.1%}）" if before else ""
    return f"{noun}{verb}{abs(now - before)}{counter}{share}"


def _summary_requirement_min(cascade: Cascade, unit: Unit) -> int | None:
    minimums = [
        requirement.body_min_chars
        for requirement in cascade_requirements(cascade, RequirementKind.WORK_SUMMARY)
        if requirement.body_min_chars and requirement_applies_to(requirement, unit)
    ]
    return max(minimums) if minimums else None


def work_summary_draft(campaign: Campaign, unit: Unit) -> Draft:
    year = campaign.year
    cascade = cascade_of(campaign)
    table = stats_table(campaign, unit, by_child=True, cascade=cascade)
    now = figures_of(table.as_json())
    earlier = earlier_roots(campaign, unit, 1, cascade=cascade)
    before = figures_of(stats_table(earlier[0], unit).as_json()) if earlier else None
    labels = {c: Column(c).label for c in COLUMNS}

    draft = Draft(f"{unit.name}{year}年工作总结（草稿）")
    draft.title(f"{unit.name}{year}年全民终身学习活动工作总结")
    draft.centred(f"（{unit.issuer}　{chinese_date(clock.today())}）")

    draft.heading("基本情况")
    reading_acts, reading_people = now.reading
    parts = "，".join(
        f"{labels[c]}{now.sums[c][0]}项、{now.sums[c][1]}人次" for c in READING if now.sums[c][0]
    )
    draft.body(
        f"{year}年，{unit.name}及所属单位在系统中登记并报送各类全民阅读与终身学习活动{reading_acts}项，"
        f"参加{reading_people}人次"
        + (f"，其中{parts}。" if parts else "。")
        + f"全民终身学习活动周期间开展活动{now.week[0]}项，参加{now.week[1]}人次。"
    )
    if before is not None:
        draft.body(
            f"与{earlier[0].year}年相比，阅读与学习活动{change(reading_acts, before.reading[0], '数量', '项')}，"
            f"{change(reading_people, before.reading[1], '参加人次', '人次')}；活动周"
            f"{change(now.week[0], before.week[0], '活动数', '项')}，"
            f"{change(now.week[1], before.week[1], '参加人次', '人次')}。"
        )
    else:
        draft.body(f"系统中没有{year - 1}年的统计数据，本稿未作同比。")
    draft.table(
        ["栏目", "活动数", "参加人次", *(["上年活动数", "上年参加人次"] if before else [])],
        [[labels[c], *now.sums[c], *(before.sums[c] if before else ())] for c in COLUMNS],
    )
    series = {f"{year}年": [now.sums[c][1] for c in COLUMNS]}
    if before is not None:
        series = {f"{earlier[0].year}年": [before.sums[c][1] for c in COLUMNS]} | series
    draft.image(
        bar_chart("各栏目参加人次", [labels[c] for c in COLUMNS], series, "人次"),
        "图1　各栏目参加人次" + ("（与上年对比）" if before else ""),
    )

    children = table.children or []
    draft.heading("各地开展情况")
    if children:
        child_figures = [(child.unit, figures_of(child.as_json())) for child in children]
        ranked = sorted(child_figures, key=lambda pair: pair[1].reading[1], reverse=True)
        active = [pair for pair in ranked if pair[1].reading[0] or pair[1].week[0]]
        idle = [u.name for u, f in ranked if not (f.reading[0] or f.week[0])]
        lead = "、".join(f"{u.name}（{f.reading[1]}人次）" for u, f in active[:3])
        draft.body(
            f"{unit.name}所辖{len(children)}个单位中，{len(active)}个登记了活动"
            + (f"，参加人次居前的是{lead}。" if lead else "。")
            + (f"尚未登记活动的有{'、'.join(idle)}。" if idle else "")
        )
        draft.table(
            ["单位", "阅读与学习活动数", "参加人次", "活动周活动数", "活动周参加人次"],
            [[u.name, *f.reading, *f.week] for u, f in child_figures],
        )
        draft.image(
            bar_chart(
                "各单位参加人次",
                [u.name for u, _ in child_figures],
                {f"{year}年": [f.reading[1] for _, f in child_figures]},
                "人次",
            ),
            "图2　各单位阅读与学习活动参加人次",
        )
    else:
        draft.body(f"{unit.name}没有下级行政单位，活动均在本级登记。")

    family_ids = sorted(cascade.ids)
    cases = [(s.title, s.body, s.unit.name) for s in approved_case_materials(family_ids, unit)] + [
        (c.title, c.body, c.submission.unit.name) for c in approved_cases(family_ids, unit)
    ]
    draft.heading("典型案例")
    for number, (title, text, owner) in enumerate(cases, start=1):
        draft.body(f"案例{number}：{title}（{owner}）")
        for paragraph in text.splitlines():
            if paragraph.strip():
                draft.body(paragraph.strip())
    if not cases:
        draft.body(TODO.format("典型案例；本年度还没有审核通过的案例"))
    photos = list(approved_photos(family_ids, unit)[:PHOTOS])
    for number, photo in enumerate(photos, start=1):
        with photo.public.open("rb") as handle:
            draft.image(
                handle.read(), f"照片{number}　{photo.caption}（{photo.submission.unit.name}）", width_cm=12
            )

    generated = count_chars(draft.generated_text())
    draft.heading("主要做法与经验")
    draft.body(TODO.format("组织领导、宣传发动、资源整合、特色做法等"))
    draft.heading("存在问题与下一步打算")
    draft.body(TODO.format("存在的问题和下一年度的工作打算"))
    draft.signature(unit.issuer, None)

    minimum = _summary_requirement_min(cascade, unit)
    remark = (
        f"【草稿说明】本稿由系统于{chinese_date(clock.today())}生成。“基本情况”“各地开展情况”中的数字、表格和图表来自"
        "系统统计数据（实时统计，含汇总填报数），“典型案例”及照片摘自已审核通过的材料；红色【待填写】部分须由本单位撰写。"
        f"生成部分约{generated}字"
    )
    if minimum:
        remark += f"，报送要求正文不少于{minimum}字" + (
            f"，还需撰写约{minimum - generated}字。" if generated < minimum else "，字数已满足要求。"
        )
    else:
        remark += "。"
    draft.note(remark, first=True)
    return draft
