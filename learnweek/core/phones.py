"""Phone numbers: mainland mobile numbers checked and normalised, and masked for public pages.

A mobile number is a person (a resident's account, one seat per activity), so it has exactly one
spelling: ``normalise_mobile`` folds what people type with NFKC (full-width １３８, ①, the
full-width hyphen and brackets of a Chinese input method) and then accepts the ASCII digits 0-9
only. Digits of other scripts that NFKC leaves alone (Arabic-Indic ٣, Devanagari ३) are refused,
not converted: no two spellings of one number are two residents. Every check here uses [0-9],
never ``\\d``, which in Python matches the digits of every script."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.db.models.query import ModelIterable

from learnweek.core.errors import DomainError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from django.db.models import Model, QuerySet

Rows = TypeVar("Rows", bound="QuerySet")

MOBILE = re.compile(r"1[3-9][0-9]{9}")
# A mobile number inside free text ("报名电话：13812345678，0431-88888888"), not part of a longer
# run of digits (an office line with an extension, an ID number). Matched against the text with
# every digit folded to ASCII (``_fold_digits``), so a number written in full-width or another
# script's digits is masked too.
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])")


def fold(raw: str) -> str:
    """``raw`` with compatibility forms folded (Unicode NFKC): full-width digits, letters, hyphens,
    brackets and the ideographic space become their ASCII forms. The one normalisation of every
    number people type (phones, codes, ISBNs) before it is checked or stored."""
    return unicodedata.normalize("NFKC", raw or "")


def normalise_mobile(raw: str) -> str:
    """``13812345678`` from what people type (spaces, dashes, +86, full-width digits); refused when
    it is not a mainland mobile number written in digits 0-9."""
    digits = re.sub(r"[\s\-()]", "", fold(raw))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE.fullmatch(digits):
        shown = (raw or "").strip()[:20] or "（空）"
        raise DomainError(
            f"手机号码“{shown}”格式不正确：应为 11 位数字（0—9），以 13—19 开头。", code="mobile_invalid"
        )
    return digits


def normalise_phone(raw: str) -> str:
    """A contact phone (an office line or a mobile, as a form or an imported table gives it) as it
    is stored: folded to ASCII (0431－８８８８８８８８ → 0431-88888888) and stripped."""
    return fold(raw).strip()


class _DigitsToAscii(dict):
    """A ``str.translate`` table: every decimal digit of any script to its ASCII digit, and the
    full-width plus, hyphen and space to theirs; one character to one, so positions hold."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = unicodedata.decimal(char, None)
        if value is not None:
            folded = str(value)
        else:
            folded = {"＋": "+", "－": "-", "\u3000": " "}.get(char, char)
        self[code] = folded
        return folded


_TO_ASCII = _DigitsToAscii()


def mask_phones(text: str) -> str:
    """Every mobile number in ``text`` as 138****5678; office lines (0431-88888888, 400 numbers)
    stay as they are, since the public needs them to call. A number in full-width or another
    script's digits is masked as well (and shown in ASCII)."""
    text = text or ""
    folded = text.translate(_TO_ASCII)
    parts, last = [], 0
    for m in _MOBILE_IN_TEXT.finditer(folded):
        parts += [text[last : m.start()], f"{m.group(1)}****{m.group(3)}"]
        last = m.end()
    return "".join([*parts, text[last:]])


def mask_fields(obj: Model, fields: Iterable[str]) -> Model:
    """``obj`` with every mobile number in its text ``fields`` masked (``mask_phones``), in place.
    A field deferred by ``only()`` is left out: a page must load what it shows."""
    loaded = obj.__dict__
    for name in fields:
        value = loaded.get(name)
        if isinstance(value, str) and value:
            loaded[name] = mask_phones(value)
    return obj


class MaskedRows(ModelIterable):
    """The rows of a queryset as the public sees them: a subclass names the text ``fields`` whose
    mobile numbers are masked (or overrides ``mask``, to reach a related row). ``masked(queryset,
    Rows)`` makes a queryset yield them; the masked instances are for showing, never for saving."""

    fields: ClassVar[tuple[str, ...]] = ()

    def mask(self, obj: Model) -> Model:
        return mask_fields(obj, self.fields)

    def __iter__(self) -> Iterator:
        for obj in super().__iter__():
            yield self.mask(obj)


def masked(queryset: Rows, rows: type[MaskedRows]) -> Rows:
    """``queryset`` whose model rows come out through ``rows`` (a ``MaskedRows``). The iterable
    class is how ``values()`` switches what a queryset yields; it is kept through ``filter()``,
    ``only()``, slicing and ``get()``, so every read of the queryset is masked."""
    queryset = queryset.all()
    queryset._iterable_class = rows
    return queryset


# An office line: area code 0xx/0xxx, 7 or 8 digits, an optional extension; or a 400/800 number.
_LANDLINE = re.compile(
    r"(?:0[0-9]{2,3}[- ]?)?[2-9][0-9]{6,7}(?:[-转][0-9]{1,6})?|[48]00[- ]?[0-9]{3}[- ]?[0-9]{4}"
)


def is_phone_number(raw: str) -> bool:
    """A contact phone as forms give it: a mobile or an office line, several separated by 、，,
    or /; full-width forms are folded first, other scripts' digits refused."""
    parts = [p.strip() for p in re.split(r"[、，,/；;]", fold(raw)) if p.strip()]
    if not parts:
        return False
    for part in parts:
        digits = re.sub(r"[\s()]", "", part)
        if digits.startswith("+86"):
            digits = digits[3:]
        if not (MOBILE.fullmatch(digits.replace("-", "")) or _LANDLINE.fullmatch(digits)):
            return False
    return True


# A number in a contact field that a phone can dial: a mobile, a 400/800 line, an office line with
# or without its area code (its 7 or 8 digits perhaps split 8888 8888), then an optional extension (not dialled: a tel: link carries the
# number only). Never part of a longer run of digits, nor of a masked mobile (138****5678).
_DIALABLE = re.compile(
    r"(?<![0-9*])(?:\+?86[- ]?)?"
    r"(1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}|[48]00[- ]?[0-9]{3}[- ]?[0-9]{4}"
    r"|(?:\(?0[0-9]{2,3}\)?[- ]?)?[2-9][0-9]{2,3}[- ]?[0-9]{4})"
    r"(?:(?:-|转)[0-9]{1,6})?(?![0-9*])"
)


def dial_spans(text: str) -> list[tuple[str, str]]:
    """``text`` (a contact field as the public reads it) cut into (shown, number) pieces: the
    number to dial, ASCII digits only, for each phone number in it; empty for the text between
    and for masked mobiles, which cannot be dialled."""
    text = text or ""
    folded = fold(text).translate(_TO_ASCII)
    if len(folded) != len(text):  # NFKC changed the length (a ligature): positions would drift
        text = folded
    spans, last = [], 0
    for m in _DIALABLE.finditer(folded):
        number = re.sub(r"[^0-9]", "", m.group(1))
        spans += [(text[last : m.start()], ""), (text[m.start() : m.end()], number)]
        last = m.end()
    spans.append((text[last:], ""))
    return [(shown, number) for shown, number in spans if shown]
