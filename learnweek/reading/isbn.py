"""ISBNs as people type them (with hyphens or spaces, ISBN-10 or ISBN-13), checked by their check
digit with isbnlib and kept as ISBN-13, so that a book's 10- and 13-digit forms are one book."""

from __future__ import annotations

import re

import isbnlib

from learnweek.core.errors import DomainError
from learnweek.core.phones import fold


def normalise_isbn(raw: str) -> str:
    """The ISBN-13 of ``raw``; refused with the reason when it is not a valid ISBN."""
    shown = (raw or "").strip()[:30] or "（空）"
    # Full-width digits folded to 0-9, then 0-9 only: one book has one ISBN however it is typed.
    digits = re.sub(r"[\s\-‐]", "", fold(raw)).upper()
    if re.fullmatch(r"[0-9]{9}[0-9X]", digits):
        expected = isbnlib.check_digit10(digits[:9])
        if digits[-1] != expected:
            raise DomainError(f"ISBN“{shown}”的校验位不对（按前 9 位应为 {expected}）。", code="isbn_invalid")
        if not isbnlib.is_isbn10(digits):
            raise DomainError(f"ISBN“{shown}”不是有效的 ISBN。", code="isbn_invalid")
        return isbnlib.to_isbn13(digits)
    if re.fullmatch(r"[0-9]{13}", digits):
        if not digits.startswith(("978", "979")):
            raise DomainError(f"ISBN“{shown}”应以 978 或 979 开头。", code="isbn_invalid")
        expected = isbnlib.check_digit13(digits[:12])
        if digits[-1] != expected:
            raise DomainError(
                f"ISBN“{shown}”的校验位不对（按前 12 位应为 {expected}）。", code="isbn_invalid"
            )
        if not isbnlib.is_isbn13(digits):
            raise DomainError(f"ISBN“{shown}”不是有效的 ISBN。", code="isbn_invalid")
        return digits
    raise DomainError(f"ISBN“{shown}”应为 10 位或 13 位数字（ISBN-10 末位可为 X）。", code="isbn_invalid")
