"""Choosing a region without JavaScript, and remembering the one a visitor chose.

The picker is the finder's chain: a province select, then (once a province is chosen and sent)
its cities, then (once a city is sent) its counties; each level lists the regions below the one
chosen above it, and a level whose parent changed starts again. The last region a visitor chose —
on the home page, in the finder or by opening a region's page — is kept in a cookie for a year,
so the home page can show "本周活动" there; a resident who has not chosen one is shown the region
of its reading profile, if it gave one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from learnweek.core.errors import NotFound
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.selectors import is_within, region_get, regions_below
from learnweek.reading.log_selectors import profile_of

LEVELS = ("province", "city", "county")
LEVEL_LABELS = {"province": "省份", "city": "地市", "county": "区县"}
REGION_COOKIE = "lw_region"
REGION_MAX_AGE = 365 * 24 * 3600
ADMINISTRATIVE = (UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY)


def chain_codes(unit: Unit | None) -> dict[str, str]:
    """The picker's values for ``unit``: its province, then the levels down to it."""
    if unit is None:
        return {}
    ancestors = [u for u in unit.get_ancestors() if u.kind in ADMINISTRATIVE]
    return dict(zip(LEVELS, [u.code for u in [*ancestors, unit]], strict=False))


class LevelField(forms.ChoiceField):
    """One level of the chain. A value not among its options is a choice made under another
    region above (the visitor changed the province and kept the city): it counts as not chosen,
    not as an error, since without JavaScript the levels below are only listed anew after a send."""

    def clean(self, value):
        value = self.to_python(value)
        return value if self.valid_value(value) else ""


class RegionChainMixin:
    """For a form with the ``province``, ``city`` and ``county`` fields: each lists the regions
    below the one chosen above it; the levels below the last one chosen are left out, or, with
    ``hide``, kept as hidden inputs (the finder's GET form sends them empty)."""

    fields: dict[str, Any]
    chain: list[Unit]
    more: bool

    def set_up_chain(
        self, values: Mapping[str, str] | None, *, empty: str = "请选择", hide: bool = False
    ) -> None:
        self.chain = []
        parent: Unit | None = None
        below: tuple[str, ...] = ()
        for depth, name in enumerate(LEVELS):
            options = list(regions_below(parent)) if parent is not None or depth == 0 else []
            if not options and not hide:
                below = LEVELS[depth:]
                break
            if hide:  # shown again after an earlier call hid it
                self.fields[name].widget = forms.Select()
            self.fields[name].choices = [("", empty)] + [(u.code, u.name) for u in options]
            code = (values or {}).get(name) or ""
            parent = next((u for u in options if u.code == code), None)
            if parent is None:
                below = LEVELS[depth + 1 :]
                break
            self.chain.append(parent)
        for name in below:
            if hide:
                self.fields[name].widget = forms.HiddenInput()
            else:
                self.fields.pop(name, None)
        # A level below the last one chosen is still there to choose.
        self.more = len(self.chain) < sum(1 for name in LEVELS if name in self.fields and name not in below)

    @property
    def region(self) -> Unit | None:
        return self.chain[-1] if self.chain else None


class RegionPickerForm(RegionChainMixin, forms.Form):
    """选择所在地区 on the home page (a GET form)."""

    province = LevelField(label="省份", required=False)
    city = LevelField(label="地市", required=False)
    county = LevelField(label="区县", required=False)

    def __init__(self, values: Mapping[str, str] | None = None, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(**kwargs)
        self.set_up_chain(values)
        for name in LEVELS:
            if name in self.fields:
                self.fields[name].initial = (values or {}).get(name, "")


def region_in_query(query: Mapping[str, str]) -> Unit | None:
    """The region a query's ``province``/``city``/``county`` chain names (the deepest level that
    lies within the one above it), or None."""
    codes = [query.get(name) or "" for name in LEVELS]
    codes = codes[: codes.index("")] if "" in codes else codes
    if not codes:
        return None
    units = {u.code: u for u in Unit.objects.filter(code__in=codes, kind__in=ADMINISTRATIVE)}
    found: Unit | None = None
    for code in codes:
        unit = units.get(code)
        if unit is None or (found is not None and not is_within(found, unit)):
            break
        found = unit
    return found


def remembered_region(request: HttpRequest) -> tuple[Unit | None, str]:
    """The visitor's region and where it comes from: ``chosen`` (the cookie: the last region it
    chose), ``profile`` (a resident's reading profile), or (None, "")."""
    code = request.COOKIES.get(REGION_COOKIE, "")
    if code.isdigit() and len(code) <= 12:
        try:
            return region_get(code), "chosen"
        except NotFound:  # a region no longer there: as if none was chosen
            pass
    user = request.user
    if user.is_authenticated and user.unit_id is None:
        profile = profile_of(user)
        if profile is not None and profile.region is not None:
            return profile.region, "profile"
    return None, ""


def remember_region(response: HttpResponse, code: str) -> None:
    response.set_cookie(
        REGION_COOKIE,
        code,
        max_age=REGION_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remembers_region(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keeps the region a page was opened for (a region page's ``code``, the finder's or the
    home picker's chain) as the visitor's last chosen region."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or request.method != "GET":
            return response
        code = kwargs.get("code")
        if code:
            # A region's page answered 200: the code is an administrative unit's (region_get).
            if request.COOKIES.get(REGION_COOKIE) != code:
                remember_region(response, code)
            return response
        unit = region_in_query(request.GET)
        if unit is not None and request.COOKIES.get(REGION_COOKIE) != unit.code:
            remember_region(response, unit.code)
        return response

    return wrapper
