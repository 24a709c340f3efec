"""Links the public pages make of what organisers type: phone numbers to tap and call, a place to
open in a map app."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html, format_html_join

from learnweek.core.phones import dial_spans
from learnweek.orgs.models import UnitKind

register = template.Library()

# 高德地图's URI API: its search opens the 高德 app where it is installed (the most used map app
# on Chinese phones) and its mobile web map elsewhere, WeChat's browser included; geo: links open
# nothing there, and Google's and Apple's maps are missing or unusable on most Chinese phones.
AMAP_SEARCH = "https://uri.amap.com/search"


@register.filter
def tel_links(text: str) -> str:
    """``text`` escaped, each phone number in it a ``tel:`` link of its digits (a masked mobile
    stays text). Only digits ever reach the href, whatever was typed."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<a class="tel" href="tel:{}">{}</a>', number, shown) if number else shown,)
            for shown, number in dial_spans(text)
        ),
    )


@register.simple_tag
def map_url(address: str, city: str = "") -> str:
    """The 高德 search for ``address``, url-encoded; within ``city`` when known, given as its
    division code (高德's adcode: 朝阳区 alone is in Beijing and in Changchun)."""
    query = {"keyword": address, "src": "learnweek"}
    if city:
        query["city"] = city
    return f"{AMAP_SEARCH}?{urlencode(query)}"


# The divisions 高德 knows by their code; the ministry's is no place.
_PLACES = (UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY)


def activity_division_code(activity) -> str:
    """The code of the division an activity is held in, as best known: its own 所在区划, else the
    division its organiser counts in (an institution's, the county it hangs under); "" when
    neither is a province, city or county."""
    for unit in (
        activity.division if activity.division_id else None,
        activity.organiser.admin_unit if activity.organiser.admin_unit_id else None,
    ):
        if unit is not None and unit.kind in _PLACES:
            return unit.code
    return ""


@register.simple_tag
def activity_map_url(activity) -> str:
    """The 高德 search for an activity's address, within the division it is held in: the one
    map link of the activity page and of 我的报名."""
    return map_url(activity.address, activity_division_code(activity))
