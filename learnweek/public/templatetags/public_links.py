"""Links the public pages make of what organisers type: phone numbers to tap and call, a place to
open in a map app."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html, format_html_join

from learnweek.core.phones import dial_spans

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
