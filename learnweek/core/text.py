"""Text as people paste it, made fit for every place it goes.

Word's Shift+Enter is ``\\x0b``, a pasted form feed is ``\\x0c``: characters XML 1.0 cannot hold,
so one of them in an activity's content would break the xlsx, the docx and the feeds of every
level above. Text is cleaned where it is stored (``core.fields``) and, for what is already
stored, again where it is written out (the exporters)."""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; surrogates; U+FFFE/U+FFFF),
# and the C1 controls and bidi overrides, which no one means to type and which reorder what
# readers see.
_ILLEGAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
# Line breaks as people's software writes them: CR LF, CR, and Word's vertical tab / form feed,
# Unicode's line and paragraph separators, NEL.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_LINE_SPACE = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
# One scan that finds whether there is anything to clean at all: nearly every text has nothing,
# and an import writes a million of them (a search is several times cheaper than the rewrites).
_TEXT_DIRTY = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_LINE_DIRTY = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def clean_text(value: str) -> str:
    """Running text (content, a story): every kind of line break as ``\\n``, nothing XML cannot
    hold."""
    if not _TEXT_DIRTY.search(value):
        return value
    return _ILLEGAL.sub("", _BREAKS.sub("\n", value))


def clean_line(value: str) -> str:
    """A single-line field (a name, a title, an address): breaks and tabs folded to one space,
    nothing XML cannot hold."""
    if not _LINE_DIRTY.search(value):
        return value
    return _ILLEGAL.sub("", _LINE_SPACE.sub(" ", value)).strip()


# What a spreadsheet would read as the start of a formula, or a control that changes a cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(value: str) -> bool:
    return value.startswith(_FORMULA_START)
