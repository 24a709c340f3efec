from django import template

from learnweek.core.phones import mask_phones

register = template.Library()


@register.filter
def masked(text: str) -> str:
    """Mobile numbers as 138****5678; office lines unchanged."""
    return mask_phones(text)
