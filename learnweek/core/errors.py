"""Domain errors: a stable code and a Chinese message that every front door shows as it is."""

from __future__ import annotations


class DomainError(Exception):
    """Refused input or an invalid move. Nothing was written."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """Missing, or outside the actor's scope: the two look the same on purpose."""

    code = "not_found"

    def __init__(self, message: str = "未找到该对象，或您无权访问。") -> None:
        super().__init__(message)


class PermissionDenied(DomainError):
    """The object is in scope but the actor lacks the role for this action."""

    code = "permission_denied"


class RowErrors(DomainError):
    """A table refused as a whole; ``errors`` names every bad row and column."""

    code = "import_invalid"

    def __init__(self, errors: list[str]) -> None:
        super().__init__("导入失败，未写入任何数据：\n" + "\n".join(errors))
        self.errors = errors


def row_error(number: int, column: str, reason: str) -> str:
    """One line of an import report, in the form officials read back to the spreadsheet."""
    return f"第{number}行 {column}: {reason}"
