"""Phone numbers: mainland mobile numbers checked and normalised, and masked for public pages."""

from __future__ import annotations

import re

from learnweek.core.errors import DomainError

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A mobile number inside free text ("报名电话：13812345678，0431-88888888"), not part of a longer
# run of digits (an office line with an extension, an ID number).
_MOBILE_IN_TEXT = re.compile(r"(?<![\d])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![\d])")


def normalise_mobile(raw: str) -> str:
    """``13812345678`` from what people type (spaces, dashes, +86); refused when it is not a
    mainland mobile number."""
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE.match(digits):
        shown = (raw or "").strip()[:20] or "（空）"
        raise DomainError(
            f"手机号码“{shown}”格式不正确：应为 11 位数字，以 13—19 开头。", code="mobile_invalid"
        )
    return digits


def mask_phones(text: str) -> str:
    """Every mobile number in ``text`` as 138****5678; office lines (0431-88888888, 400 numbers)
    stay as they are, since the public needs them to call."""
    return _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text or "")


# An office line: area code 0xx/0xxx, 7 or 8 digits, an optional extension; or a 400/800 number.
_LANDLINE = re.compile(r"^(?:0\d{2,3}[- ]?)?[2-9]\d{6,7}(?:[-转]\d{1,6})?$|^[48]00[- ]?\d{3}[- ]?\d{4}$")


def is_phone_number(raw: str) -> bool:
    """A contact phone as forms give it: a mobile or an office line, several separated by 、，,
    or /."""
    parts = [p.strip() for p in re.split(r"[、，,/；;]", raw or "") if p.strip()]
    if not parts:
        return False
    for part in parts:
        digits = re.sub(r"[\s()（）]", "", part)
        if digits.startswith("+86"):
            digits = digits[3:]
        if not (MOBILE.match(digits.replace("-", "")) or _LANDLINE.match(digits)):
            return False
    return True
