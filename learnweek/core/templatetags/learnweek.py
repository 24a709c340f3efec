from django import template

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
