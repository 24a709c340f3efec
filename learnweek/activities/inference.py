"""What an imported 附表1 row is, read from its own words: category, mode and the week flag.

The official 附表1 (序号、活动名称、活动时间、活动地点、主办单位、人数、报名电话、活动内容) has no
category, no mode and no week column, yet the statistics table (《全民终身学习活动开展情况统计表》,
教职成厅函〔2023〕18号 附件) counts activities by exactly these: its columns are 主题阅读活动,
“社长（总编）荐书”活动, 线上社会大讲堂, 数字阅读分享活动 and 全民终身学习活动周. So the import
reads them from the words the notices themselves use for each kind of activity:

- 主题阅读活动: “通过开展全民阅读季、读书月、读书节等活动……开展‘我和家人同读书’‘书香社区
  全民爱阅读’活动，推进书香之家、读书社区建设”; 山西: “读书节、书友会、读书沙龙”;
  吉林 2021: “书香社区、书香之家、读书之城、好书推荐、好书诵读、书友会”.
- “社长（总编）荐书”活动: “各级出版社、报刊杂志社‘社长（总编）荐书’活动”.
- 线上社会大讲堂: “举办满足不同人群学习需求的公开课、讲座等”, “各种知识大讲堂、公开课活动”,
  “网上社区教育大讲堂” — a 讲堂/公开课/讲座 counts here only when it is held online.
- 数字阅读分享活动: “依托……平台，制作、汇聚一批数字化资源，开展专家荐书、导学导读、读者交流、
  读书征文等活动”; 吉林 2021: “广泛开展微信读书、数字化阅读等活动”.
- 智慧助老: “组织开展‘智慧助老’系列服务活动，帮助老年人……智慧出行、智慧医疗、掌上金融、
  手机购物”; “老年人运用智能技术的教育培训”.
- 能者为师: “要大力开展‘能者为师’活动”.
- 开幕式: “各地各校组织本地本校活动周开幕式”.
- 亮灯活动: “开展‘全民终身学习亮灯’活动” (广东 2023).
- 成果展示: “举办全民终身学习成果展示宣传活动”, “成果展”, “教学成果汇报展演”.
- 终身教育研讨: “组织开展各类终身教育研讨活动”, “高端论坛等终身教育系列研讨活动”.
- 开放参观: “向社区开放学校和教育培训机构的学习资源”, “向社会开放参观”.

How a row is read (``infer``):

- category: the rules below in order, first against the name, then against the content; the
  first rule whose words appear (and whose condition holds) wins. The more specific rules come
  first (数字阅读 before 阅读, 荐书 before 书). Nothing matched: 其他, flagged “未能判断类别”.
- mode: 线上 when the place or the name names an online channel (线上、直播、网络、云端……, a web
  address); 线上线下 when it also names 线下/现场, or the place lists an online channel beside a
  place that is not one (“社区活动室+抖音直播”); otherwise 线下.
- the week flag: the activity's first and last day both fall within the campaign's
  week_start..week_end; no week set, no flag.
- 示范: the upload form's option (a 附表1 is the table of 示范活动, so it defaults to on).

An explicit column of the file (活动类别、活动方式、活动周) always wins over what is read here.
Every value read is marked in the preview with its reason, and can be changed there.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from learnweek.activities.models import Category, Mode
from learnweek.core.chinese import chinese_month_day


@dataclass(frozen=True)
class Rule:
    category: str
    words: tuple[str, ...]
    online_only: bool = False  # counts only when the activity is held online (线上 or 线上线下)

    def pattern(self) -> re.Pattern[str]:
        return re.compile("|".join(self.words))


# The rule table, in the order it is tried. Words are regular expressions (mostly plain words).
RULES: tuple[Rule, ...] = (
    Rule(Category.DIGITAL_READING, ("数字阅读", "数字化阅读", "电子阅读", "有声阅读", "听书", "微信读书")),
    Rule(Category.PUBLISHER_PICKS, ("荐书", "社长推荐", "总编推荐")),
    # 智慧助老 before the lectures: an online class on smartphones for the elderly is 智慧助老.
    Rule(Category.SMART_ELDERLY, ("智慧助老", "助老", "智能技术", "智能手机")),
    Rule(Category.ONLINE_LECTURE, ("讲堂", "公开课", "讲座"), online_only=True),
    Rule(Category.SKILLED_TEACHERS, ("能者为师",)),
    Rule(Category.OPENING, ("开幕式", "开幕")),
    Rule(Category.LIGHT_UP, ("亮灯",)),
    Rule(Category.SHOWCASE, ("成果展", "展示", "展演", "展览")),
    Rule(Category.SEMINAR, ("研讨", "论坛", "座谈")),
    Rule(Category.OPEN_DAY, ("开放日", "参观", "开放(?!大学)")),
    Rule(
        Category.THEMED_READING,
        ("读书", "阅读", "书香", "诵读", "共读", "领读", "书友", "悦读", "品读", "朗读", "读书会"),
    ),
)


def _all_of(rules: tuple[Rule, ...]) -> re.Pattern[str]:
    """One pattern for the whole table: at each position of the text, the first rule (in table
    order) whose words start there, as group ``r<index>``. A lookahead, so that matches may
    overlap and every position is tried: one pass over the text instead of one per rule."""
    groups = "|".join(f"(?P<r{i}>{rule.pattern().pattern})" for i, rule in enumerate(RULES) if rule in rules)
    return re.compile(f"(?=(?:{groups}))")


_ONLINE_TABLE = _all_of(RULES)
_OFFLINE_TABLE = _all_of(tuple(rule for rule in RULES if not rule.online_only))

ONLINE_WORDS = (
    "线上",
    "直播",
    "网络",
    "网上",
    "在线",
    "云端",
    "云上",
    "云课堂",
    "云讲堂",
    "云直播",
    "视频号",
    "公众号",
    "抖音",
    "快手",
    "腾讯会议",
    "钉钉",
    "小程序",
    "学习平台",
    "教育平台",
    "服务平台",
    "学习网",
    "https?://",
    "www\\.",
)
OFFLINE_WORDS = ("线下", "现场")
_ONLINE = re.compile("|".join(ONLINE_WORDS), re.IGNORECASE)
_OFFLINE = re.compile("|".join(OFFLINE_WORDS))
_PLACE_PARTS = re.compile(r"[、,，;；/+＋]|及|和|与")

UNKNOWN = "未能判断类别"


@dataclass(frozen=True)
class Reading:
    """What ``infer`` read, each with the reason shown in the preview."""

    category: str
    category_reason: str  # "名称含“读书”"; UNKNOWN when nothing matched (then category is 其他)
    mode: str
    mode_reason: str  # "" when 线下 by default
    is_week: bool
    week_reason: str


def mode_of(name: str, place: str) -> tuple[str, str]:
    """(mode, reason) from the name and the place."""
    name, place = name or "", place or ""
    online = _ONLINE.search(place) or _ONLINE.search(name)
    if online is None:
        return Mode.OFFLINE, ""
    word = online.group(0)
    offline = _OFFLINE.search(place) or _OFFLINE.search(name)
    if offline is not None:
        return Mode.BOTH, f"含“{word}”和“{offline.group(0)}”"
    parts = [p.strip() for p in _PLACE_PARTS.split(place) if p and p.strip()]
    if len(parts) > 1 and any(_ONLINE.search(p) for p in parts) and not all(_ONLINE.search(p) for p in parts):
        return Mode.BOTH, f"地点含“{word}”和线下地点"
    return Mode.ONLINE, f"含“{word}”"


def category_of(name: str, content: str, mode: str) -> tuple[str, str]:
    """(category, reason); (其他, UNKNOWN) when no rule matches."""
    table = _ONLINE_TABLE if mode in (Mode.ONLINE, Mode.BOTH) else _OFFLINE_TABLE
    for where, text in (("名称", name or ""), ("内容", content or "")):
        best: tuple[int, str] | None = None
        for found in table.finditer(text):
            index = int(str(found.lastgroup)[1:])
            if best is None or index < best[0]:
                best = (index, found.group(found.lastgroup or 0))
        if best is not None:
            rule = RULES[best[0]]
            extra = "，线上举办" if rule.online_only else ""
            return rule.category, f"{where}含“{best[1]}”{extra}"
    return Category.OTHER, UNKNOWN


def week_of(
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    week_start: datetime.date | None,
    week_end: datetime.date | None,
    tz: datetime.tzinfo | None = None,
) -> tuple[bool, str]:
    """(is_week, reason): the activity's days lie inside the campaign's week."""
    if start is None or end is None or week_start is None or week_end is None:
        return False, ""
    first = (start.astimezone(tz) if tz else start).date()
    last = (end.astimezone(tz) if tz else end).date()
    if week_start <= first and last <= week_end:
        return True, f"时间在活动周（{chinese_month_day(week_start)}—{chinese_month_day(week_end)}）内"
    return False, ""


def infer(
    *,
    name: str,
    content: str,
    place: str,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    week_start: datetime.date | None = None,
    week_end: datetime.date | None = None,
    tz: datetime.tzinfo | None = None,
) -> Reading:
    mode, mode_reason = mode_of(name, place)
    category, category_reason = category_of(name, content, mode)
    is_week, week_reason = week_of(start, end, week_start, week_end, tz)
    return Reading(category, category_reason, mode, mode_reason, is_week, week_reason)
