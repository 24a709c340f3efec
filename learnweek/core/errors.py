"""Domain errors: a stable code and a Chinese message that every front door shows as it is.

Services say who may act, and refuse with these errors. The acting user's keyword says what it
acts as: ``actor`` is a staff user acting with its unit's roles (checked against scope and role;
``None`` for the command line), ``resident`` a resident on its own sign-ups, ``account`` an
account holder on its own reading log and essays (the rows' ``account`` field); ``user`` is the
account a write is about (its roles, password or API token), never the one acting."""

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


class Unauthenticated(DomainError):
    """The credentials sent are unknown, expired or no longer valid (the API answers 401)."""

    code = "unauthenticated"


LISTED_ROWS = 200  # bad rows an import report lists; the rest are counted


class RowErrors(DomainError):
    """A table refused as a whole; ``errors`` names each bad row and column, the first
    LISTED_ROWS bad rows of them, then ``另有 N 行有误`` (``more_rows``)."""

    code = "import_invalid"

    def __init__(self, errors: list[str], *, more_rows: int = 0, bad_rows: int | None = None) -> None:
        lines = [*errors, f"另有 {more_rows:,} 行有误"] if more_rows else list(errors)
        # The first line says how much is wrong, so a long list need not be read to the end.
        head = (
            f"导入失败，未写入任何数据：共 {bad_rows:,} 行有误，改正后请重新上传整个文件。"
            if bad_rows
            else "导入失败，未写入任何数据："
        )
        super().__init__(head + "\n" + "\n".join(lines))
        self.summary = head
        self.errors = lines
        self.more_rows = more_rows

    def count_text(self) -> str:
        """How much was wrong, for a one-line summary: “3 处错误”."""
        listed = len(self.errors) - (1 if self.more_rows else 0)
        return f"{listed} 处错误，另有 {self.more_rows:,} 行有误" if self.more_rows else f"{listed} 处错误"


class RowErrorList:
    """The errors of one import as it checks its rows. The words of the first LISTED_ROWS bad rows
    are kept; later bad rows are only counted, so a file of a million bad rows costs a set of row
    numbers, not a million messages."""

    def __init__(self, listed_rows: int = LISTED_ROWS) -> None:
        self.lines: list[str] = []
        self._listed: set[int] = set()
        self._more: set[int] = set()
        self._listed_rows = listed_rows

    def add(self, number: int, column: str, reason: str) -> None:
        if number in self._listed or len(self._listed) < self._listed_rows:
            self._listed.add(number)
            self.lines.append(row_error(number, column, reason))
        else:
            self._more.add(number)

    def __bool__(self) -> bool:
        return bool(self._listed)

    @property
    def full(self) -> bool:
        """LISTED_ROWS bad rows are listed: a later one is only counted, whatever else is wrong."""
        return len(self._listed) >= self._listed_rows

    def refusal(self) -> RowErrors:
        return RowErrors(self.lines, more_rows=len(self._more), bad_rows=len(self._listed) + len(self._more))


def row_error(number: int, column: str, reason: str) -> str:
    """One line of an import report, in the form officials read back to the spreadsheet."""
    return f"第{number}行 {column}: {reason}"
