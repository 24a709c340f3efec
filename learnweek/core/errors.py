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
