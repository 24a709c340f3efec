"""The resident-facing forms: the activity finder, signing in with a mobile number, signing up."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from django import forms
from django.http import QueryDict

from learnweek.activities.models import Audience, Category, Mode
from learnweek.activities.search import QUERY_MAX_CHARS
from learnweek.activities.selectors import ActivityFilters
from learnweek.core.chinese import chinese_date
from learnweek.core.clock import today
from learnweek.orgs.places import PlaceQuery, place_in_query
from learnweek.public.region_forms import LEVELS, RegionChainMixin


class DateInput(forms.DateInput):
    input_type = "date"


REGION_FIELDS = LEVELS
WHEN = [("", "近期（未结束）"), ("week", "本周"), ("all", "含已结束")]
MODES = [("", "不限"), (Mode.OFFLINE.value, "线下"), (Mode.ONLINE.value, "线上")]
# What a chip says for a choice made (FinderForm.chips).
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "category": dict(Category.choices),
    "audience": dict(Audience.choices),
    "mode": dict(MODES),
    "when": dict(WHEN),
}


@dataclass(frozen=True)
class PlaceNote:
    """The finder's line on a place named in the query: ``kind`` found (filtered by ``region``,
    with a link to search the words without it, and the narrower regions also so named),
    ambiguous (the candidates as links) or outside (the region chosen in the selects, and links
    to search where the query pointed)."""

    kind: str
    place: PlaceQuery
    region: str
    links: list[tuple[str, str]]
    narrower: list[tuple[str, str]] = field(default_factory=list)


class FinderForm(RegionChainMixin, forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=QUERY_MAX_CHARS,
        error_messages={
            "max_length": f"搜索词最多 {QUERY_MAX_CHARS} 个字（现有 %(show_value)d 个），请缩短后再搜。"
        },
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：读书、智慧助老、公开课"}),
    )
    province = forms.ChoiceField(label="省份", required=False)
    city = forms.ChoiceField(label="地市", required=False)
    county = forms.ChoiceField(label="区县", required=False)
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *Category.choices])
    audience = forms.ChoiceField(
        label="面向人群", required=False, choices=[("", "全部人群"), *Audience.choices]
    )
    mode = forms.ChoiceField(label="方式", required=False, choices=MODES)
    when = forms.ChoiceField(label="时间", required=False, choices=WHEN)
    date_from = forms.DateField(label="从", required=False, widget=DateInput)
    date_to = forms.DateField(label="到", required=False, widget=DateInput)

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.set_up_chain(self.data, empty="全部", hide=True)
        # A place named in the query (长春市朝阳区 读书) moves into the region selects, within the
        # region they already chose; the text search gets the rest (orgs.places).
        self.asked, self.asked_chain = self.data, list(self.chain)
        self.place: PlaceQuery | None = None
        q = self.data.get("q", "")
        if q and len(q) <= QUERY_MAX_CHARS:
            place = place_in_query(q, within=self.region)
            self.place = place if place.named else None
            if place.region is not None:
                self.data = self._query("page", "month", chain=place.region.chain, q=place.text)
                self.set_up_chain(self.data, empty="全部", hide=True)

    def _query(
        self,
        *without: str,
        base: Mapping[str, Any] | None = None,
        chain: tuple[str, ...] | None = None,
        **put: str,
    ) -> QueryDict:
        """The query the form was given (or ``base``), less ``without``, with the regions of
        ``chain`` (the province first) and ``put`` set."""
        source = self.data if base is None else base
        query = QueryDict(mutable=True)
        for name in source:
            if name not in without:
                query.setlist(name, source.getlist(name) if isinstance(source, QueryDict) else [source[name]])
        if chain is not None:
            for name, code in zip_longest(REGION_FIELDS, chain[: len(REGION_FIELDS)]):
                if code:
                    query[name] = code
                else:
                    query.pop(name, None)
        for name, value in put.items():
            query[name] = value
        return query

    def place_note(self) -> PlaceNote | None:
        """What the page says of the place named in the query, and the links it offers."""
        place = self.place
        if place is None:
            return None

        def link(label: str, chain: tuple[str, ...], q: str) -> tuple[str, str]:
            return label, self._query("page", "month", base=self.asked, chain=chain, q=q).urlencode()

        if place.region is not None:
            asked = tuple(u.code for u in self.asked_chain)
            if place.rest:
                links = [link(f"不按地区，只搜“{place.rest}”", asked, place.rest)]
            else:
                links = [link(f"不按地区，搜索含“{place.named}”的活动", asked, f"“{place.named}”")]
            narrower = [link(r.label, r.chain, place.rest) for r in place.narrower]
            return PlaceNote("found", place, place.region.label, links, narrower)
        chosen = place.within.label if place.within else ""
        if place.outside:
            links = [link(f"改在{r.label}找", r.chain, place.rest) for r in place.outside]
            return PlaceNote("outside", place, chosen, links)
        return PlaceNote(
            "ambiguous", place, chosen, [link(r.label, r.chain, place.rest) for r in place.candidates]
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "结束日期早于开始日期。")
        return data

    def broader(self) -> tuple[str, str] | None:
        """One way to find more when nothing was found: (what the link says, the query without
        the narrowest filter set), dropping the county before the city, dates before the
        category, the keyword last; None when nothing is set but the keyword-free defaults."""
        d = self.cleaned_data

        def without(*names: str, **put: str) -> str:
            return self.query_without("page", "view", "month", *names, **put)

        chain = self.chain
        if len(chain) >= 2:
            return f"扩大到{chain[-2].name}", without(*("province", "city", "county")[len(chain) - 1 :])
        if chain:
            return "不限地区", without("province", "city", "county")
        if d.get("date_from") or d.get("date_to") or d.get("when") == "week":
            return "不限日期", without("date_from", "date_to", "when")
        for name, label in (("category", "类别"), ("audience", "人群"), ("mode", "方式")):
            if d.get(name):
                return f"不限{label}", without(name)
        if d.get("when") != "all":
            return "包括已结束的活动", without(when="all")
        if d.get("q", "").strip():
            return f"不用关键词“{d['q'].strip()}”", without("q")
        return None

    def query_without(self, *names: str, **put: str) -> str:
        """The query the form was given, less ``names``, with ``put`` set, for a link."""
        return self._query(*names, base=None, chain=None, **put).urlencode()

    def chips(self) -> list[tuple[str, str]]:
        """The filters set, as (what the chip says, the query without that filter): the chips
        above the results, each a link that drops one (a region drops the levels below it too);
        the view and month shown are kept. None while the form has errors (they are shown)."""
        if not self.is_valid():
            return []
        d, chips = self.cleaned_data, []
        for depth, region in enumerate(self.chain):
            chips.append((region.name, self.query_without("page", *REGION_FIELDS[depth:])))
        if d.get("q", "").strip():
            chips.append((f"“{d['q'].strip()}”", self.query_without("page", "q")))
        for name in ("category", "audience", "mode", "when"):
            if d.get(name):
                chips.append((CHOICE_LABELS[name][d[name]], self.query_without("page", name)))
        start, end = d.get("date_from"), d.get("date_to")
        if start and start == end:  # one day, as a day of the 日历 opens it
            chips.append((chinese_date(start), self.query_without("page", "date_from", "date_to")))
        else:
            for name, after in (("date_from", "起"), ("date_to", "止")):
                if d.get(name):
                    chips.append((f"{chinese_date(d[name])}{after}", self.query_without("page", name)))
        return chips

    def filters(self) -> ActivityFilters:
        d = self.cleaned_data
        date_from, date_to = d.get("date_from"), d.get("date_to")
        if d.get("when") == "week":
            monday = today() - datetime.timedelta(days=today().weekday())
            date_from, date_to = monday, monday + datetime.timedelta(days=6)
        return ActivityFilters(
            under=self.region,
            category=d.get("category", ""),
            audience=d.get("audience", ""),
            date_from=date_from,
            date_to=date_to,
            include_ended=d.get("when") == "all",
            mode=d.get("mode", ""),
            q=d.get("q", "").strip(),
        )


class PhoneForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, required=False)
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class SignUpForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)

    def __init__(self, *args, family: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if family:
            # 为家人报名 (children under 14 take part through their guardian): the sign-up carries
            # the family member's name and the guardian's own phone; no child's number is asked.
            self.fields["family_member"] = forms.ChoiceField(
                label="为家人报名（可不选）",
                required=False,
                choices=[("", "不，为我自己报名"), *((n, n) for n in family)],
                help_text="家庭成员在“我的阅读”中添加；报名登记的是您的手机号，不收集孩子的手机号。",
            )

    def clean(self):
        data = super().clean()
        if data.get("family_member"):
            data["name"] = data["family_member"]
        return data
