"""Place names in a resident's search: "长春市朝阳区 读书" is 读书 in 吉林省长春市朝阳区.

A selector over a name index of the ~3,200 divisions (provinces, prefectures, counties), kept in
memory per process and rebuilt when the division tree is loaded again (``regions_changed``).

What counts as a place name, and where:

- A **full name** of three characters or more (长春市, 朝阳区, 吉林省, 延边朝鲜族自治州) counts
  wherever it stands in the query: 长春市朝阳区读书会, 读书会 朝阳区 — unless its last character
  starts a common word with the next one and no place name follows (中山市场, 白山市民,
  南京市民读书节, 长春市委党校, 吉林省级, but 吉林省长春市: ``JOINED``), or one character alone
  would be left after it (长春市馆): then the name and that word are searched as text, and none of
  their characters is taken as a short name.
  长春市区 is 长春市 (the 区 goes with the name: ``TAKEN_WITH``).
- A full name that is also a common word (老城区, 新城区, 城关区, 市中区: ``GENERIC_NAMES``)
  follows the short names' rule below, as the two-character ones (城区, 郊区, 矿区) always did.
- A **short name** — the full name without 省/市/区/县/自治区/自治州/盟/地区/特别行政区 …, and
  for autonomous areas without the peoples' names too (延边, 广西, 长白) — and a two-character full
  name (赵县, 城区) count only where they stand alone: as a whole word of the query (between
  spaces or punctuation, or the whole query: "长春 读书", "朝阳"), chained with other place names
  (长春朝阳, 吉林长春市), or right beside a full name (长春朝阳区读书会). So 朝阳社区读书会,
  民乐演奏会, 平安校园 and 长春读书 are searched as text, as before: a two-character short name at
  the start of ordinary words is far more often an ordinary word (光明, 平安, 长寿, 民乐, 白银,
  大理石 …) than a place.
- Text in quotation marks ("民乐", “长春”) is never a place: that is how a resident searches a
  place name as words.

Several names in one query narrow each other (长春 朝阳区 is 吉林省长春市朝阳区, never 北京市朝阳区);
a name that stays ambiguous (朝阳区 alone) filters nothing and lists its candidates, unless one of
them contains all the others (吉林 is 吉林省, which holds 吉林市). An explicit choice of region
(``within``: the finder's selects, the API's ``region``) is never widened: a name inside it
narrows it, a name above it changes nothing, and a name outside it is reported, not followed.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from learnweek.core.public_cache import Generation
from learnweek.orgs.models import Unit, UnitKind

if TYPE_CHECKING:
    from collections.abc import Iterable

# Longer queries are not searched for places (the finder refuses anything over 50 characters).
PARSE_MAX_CHARS = 100
# How long a process trusts its index without asking the shared generation (a command line that
# loads the tree in a process without a shared cache reaches the web processes after this).
MEMO_SECONDS = 600

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"[{_CJK}]+")
_QUOTED = re.compile(r"\"[^\"]*\"?|“[^”]*”?|「[^」]*」?|『[^』]*』?|‘[^’]*’?")
_SPACES = re.compile(r"\s+")

# A full name's last character with the one after it, as a common word: the name is not taken
# (中山市场 is a market, 白山市民 residents, 长春市委 a committee, 吉林省级 a level).
JOINED = frozenset(
    "市场 市民 市集 市长 市委 市级 区域 区委 区长 区级 县城 县委 县长 县级 省会 省委 省长 省级".split()
)
# ... and as a word that means the place itself: taken with the name (长春市区 → 长春市).
TAKEN_WITH = frozenset({"市区"})
# Full names of three characters or more that are also common words: they count only where a
# short name would (老城区 alone, 洛阳老城区), never inside words (老城区改造, 新城区规划).
GENERIC_NAMES = frozenset(
    "老城区 新城区 新市区 城关区 城中区 城东区 城西区 城南区 城北区 城厢区 市中区 市南区 市北区".split()
)

# Longest first: a name ends in at most one of these.
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "林区",
    "特区",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)
# The peoples named in autonomous areas' names (广西壮族自治区, 海西蒙古族藏族自治州), longest
# first; the one-character ones only with 族 (回族, 藏族), so that no ordinary ending is cut.
_PEOPLES = sorted(
    (
        "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
        "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
        "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
    ).split(),
    key=len,
    reverse=True,
)


def _without_peoples(stem: str) -> str:
    while True:
        for people in _PEOPLES:
            forms = (people + "族", people) if len(people) > 1 else (people + "族",)
            form = next((f for f in forms if stem.endswith(f) and len(stem) - len(f) >= 2), None)
            if form:
                stem = stem[: -len(form)]
                break
        else:
            return stem[:-1] if stem.endswith("族") and len(stem) >= 3 else stem


def short_name(name: str) -> str:
    """The name people use without the kind of division: 长春市 → 长春, 吉林省 → 吉林,
    广西壮族自治区 → 广西, 长白朝鲜族自治县 → 长白, 浦东新区 → 浦东; "" where nothing of two
    characters or more would remain (赵县, 城区) or the rest is no name (乌拉特前旗)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = _without_peoples(stem)
            if suffix == "旗" and stem[-1] in "前中后左右":
                return ""
            return stem if len(stem) >= 2 else ""
    return ""


@dataclass(frozen=True)
class Region:
    """A division as the index knows it."""

    code: str
    name: str
    path: str
    chain: tuple[str, ...]  # the codes from the province down to this region
    label: str  # the names from the province down: 吉林省长春市朝阳区, 北京市朝阳区

    def contains(self, other: Region) -> bool:
        """``other`` is this region or lies below it."""
        return other.path.startswith(self.path)


@dataclass(frozen=True)
class NameIndex:
    full: dict[str, tuple[Region, ...]]  # full names of three characters or more
    short: dict[str, tuple[Region, ...]]  # short names and two-character full names
    by_code: dict[str, Region]
    longest: int

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, str]]) -> NameIndex:
        """The index of divisions given as (code, name, path), in any order."""
        rows = list(rows)
        by_path = {path: (code, name) for code, name, path in rows}
        step = Unit.steplen
        full: dict[str, list[Region]] = {}
        short: dict[str, list[Region]] = {}
        by_code: dict[str, Region] = {}
        for code, name, path in sorted(rows, key=lambda r: r[0]):
            line = [by_path[path[:end]] for end in range(step, len(path) + 1, step) if path[:end] in by_path]
            region = Region(code, name, path, tuple(c for c, _ in line), "".join(n for _, n in line))
            by_code[code] = region
            (full if len(name) >= 3 and name not in GENERIC_NAMES else short).setdefault(name, []).append(
                region
            )
            if abbreviated := short_name(name):
                short.setdefault(abbreviated, []).append(region)
        return cls(
            full={k: tuple(v) for k, v in full.items()},
            short={k: tuple(v) for k, v in short.items()},
            by_code=by_code,
            longest=max((len(name) for name in [*full, *short]), default=0),
        )


@dataclass(frozen=True)
class PlaceQuery:
    """What a query says of a place. ``text`` is what the text search gets: the query without the
    place names when they named a region (``region``) or lie outside ``within`` (``outside``),
    the whole query otherwise (nothing found, or ``candidates`` to choose from); ``rest`` is
    always the query without the place names, and ``named`` those names as typed."""

    text: str
    rest: str = ""
    named: str = ""
    region: Region | None = None
    narrower: tuple[Region, ...] = ()  # found a region that holds these, also named so (吉林)
    candidates: tuple[Region, ...] = ()  # ambiguous: which one?
    outside: tuple[Region, ...] = ()  # the query names these, none inside ``within``
    within: Region | None = field(default=None, compare=False)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    regions: tuple[Region, ...]
    full: bool


def _joined(index: NameIndex, text: str, name_end: int, run_end: int) -> bool:
    """The full name ending at ``name_end`` is part of words: one character alone is left after
    it in its run, or its last character starts a common word with the next one and no place name
    starts there (吉林省长春市 is no 省长, 张掖市民乐县 no 市民)."""
    if run_end - name_end == 1:
        return True
    if text[name_end - 1 : name_end + 1] not in JOINED:
        return False
    after = range(name_end + 2, min(name_end + index.longest, run_end) + 1)
    return not any(text[name_end:stop] in index.full or text[name_end:stop] in index.short for stop in after)


def _spans(index: NameIndex, text: str, start: int, end: int) -> list[_Span]:
    """The place names of one run of Chinese characters, longest first: full names, then short
    names in the gaps between them (and outside the full names found to be words)."""
    found: list[_Span] = []
    words: list[_Span] = []  # full names that are part of words here

    def scan(names: dict[str, tuple[Region, ...]], a: int, b: int, shortest: int, is_full: bool) -> None:
        i = a
        while i < b:
            for length in range(min(index.longest, b - i), shortest - 1, -1):
                regions = names.get(text[i : i + length])
                if not regions:
                    continue
                stop = i + length
                if is_full and text[stop - 1 : stop + 1] in TAKEN_WITH:
                    stop += 1
                elif is_full and _joined(index, text, stop, b):
                    words.append(_Span(i, min(stop + 1, b), regions, is_full))
                    continue
                found.append(_Span(i, stop, regions, is_full))
                i = stop
                break
            else:
                i += 1

    scan(index.full, start, end, 3, True)
    gaps, cursor = [], start
    for span in sorted([*found, *words], key=lambda s: s.start):
        if span.start < cursor:  # a word overlapping a name before it
            cursor = max(cursor, span.end)
            continue
        gaps.append((cursor, span.start))
        cursor = span.end
    gaps.append((cursor, end))
    for a, b in gaps:
        scan(index.short, a, b, 2, False)
    spans = sorted(found, key=lambda s: s.start)
    if sum(s.end - s.start for s in spans) == end - start:
        return spans  # the run is nothing but place names: every one counts
    edges = {s.start for s in spans if s.full} | {s.end for s in spans if s.full}
    return [s for s in spans if s.full or s.start in edges or s.end in edges]


def _deepest(mentions: list[_Span]) -> list[Region]:
    """The regions every mention agrees on: one of some mention's regions such that every mention
    names it or a region above it (长春 + 朝阳区 → 吉林省长春市朝阳区)."""
    seen: dict[str, Region] = {}
    for mention in mentions:
        for region in mention.regions:
            if all(any(r.contains(region) for r in m.regions) for m in mentions):
                seen.setdefault(region.code, region)
    return sorted(seen.values(), key=lambda r: r.code)


def parse_place(index: NameIndex, query: str, *, within: Region | None = None) -> PlaceQuery:
    """The place ``query`` names (see the module's docstring for the rule)."""
    if not query or len(query) > PARSE_MAX_CHARS:
        return PlaceQuery(text=query, rest=query, within=within)
    masked = _QUOTED.sub(lambda m: " " * len(m.group()), query)
    mentions = [s for run in _RUN.finditer(masked) for s in _spans(index, masked, run.start(), run.end())]
    regions = _deepest(mentions)
    if mentions and not regions:  # a short name beside names it contradicts: the full names decide
        mentions = [m for m in mentions if m.full]
        regions = _deepest(mentions)
    if not mentions:
        return PlaceQuery(text=query, rest=query, within=within)
    pieces, cursor = [], 0
    for span in mentions:
        pieces.append(query[cursor : span.start])
        cursor = span.end
    pieces.append(query[cursor:])
    rest = _SPACES.sub(" ", " ".join(pieces)).strip()
    named = query[mentions[0].start : mentions[0].end]
    for before, span in zip(mentions, mentions[1:], strict=False):
        named += ("" if before.end == span.start else " ") + query[span.start : span.end]
    base = PlaceQuery(text=query, rest=rest, named=named, within=within)
    if not regions:  # full names that contradict each other (北京市 长春市): ask which
        every = {r.code: r for m in mentions for r in m.regions}
        return replace(base, candidates=tuple(sorted(every.values(), key=lambda r: r.code)))
    if within is not None:
        inside = [r for r in regions if within.contains(r)]
        if inside:
            regions = inside
        elif any(r.contains(within) for r in regions):
            regions = [within]
        else:
            return replace(base, outside=tuple(regions))
    top = next((r for r in regions if all(r.contains(other) for other in regions)), None)
    if top is None:
        return replace(base, candidates=tuple(regions))
    narrower = tuple(r for r in regions if r is not top)
    return replace(base, text=rest, region=top, narrower=narrower)


# -- the cached index --------------------------------------------------------------------------

_generation = Generation("regions")
_memo: tuple[int, float, NameIndex] | None = None


def regions_changed() -> None:
    """Called by the writes that change the division tree (``divisions_load``)."""
    _generation.changed()


def name_index() -> NameIndex:
    """The index of every province, prefecture and county, built once per process and again
    after the tree changed."""
    global _memo
    generation = _generation.current()
    if _memo is not None and _memo[0] == generation and time.monotonic() - _memo[1] < MEMO_SECONDS:
        return _memo[2]
    rows = Unit.objects.filter(
        kind__in=[UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY]
    ).values_list("code", "name", "path")
    index = NameIndex.of(rows)
    _memo = (generation, time.monotonic(), index)
    return index


def place_in_query(query: str, *, within: Unit | None = None) -> PlaceQuery:
    """The place a resident's search names, within the region ``within`` chosen otherwise."""
    if not query:
        return PlaceQuery(text=query)
    index = name_index()
    return parse_place(index, query, within=index.by_code.get(within.code) if within is not None else None)
