from django import template
from django.urls import reverse

from learnweek.core.phones import mask_phones

register = template.Library()


@register.filter
def masked(text: str) -> str:
    """Mobile numbers as 138****5678; office lines unchanged."""
    return mask_phones(text)


@register.filter
def item(mapping: dict, key):
    """``mapping[key]``, or None: ``{% with c=contacts|item:row.unit.pk %}``."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.inclusion_tag("public/_subscribe.html", takes_context=True)
def calendar_subscribe(context, feed: str, query: str = "", filename: str = "calendar.ics"):
    """订阅到日历 for the feed named ``feed`` (a URL name) with the page's ``query``: a webcal://
    address on this site's host (a calendar app subscribes and reads it again) and the same file
    over https for a calendar that cannot subscribe (it is downloaded once)."""
    path = reverse(feed) + (f"?{query}" if query else "")
    address = context["request"].build_absolute_uri(path)
    return {"webcal": "webcal://" + address.split("://", 1)[1], "address": address, "filename": filename}
