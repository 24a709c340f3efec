"""Reads of an account's notices: only ever its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator

from learnweek.notices.models import Notice

if TYPE_CHECKING:
    from learnweek.accounts.models import User

PAGE_SIZE = 30


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at=None).count()


def notices_page(user: User, page: int | str | None = 1, *, unread_only: bool = False) -> Page:
    """The user's notices, newest first, ``PAGE_SIZE`` a page (a page past the end gives the last)."""
    notices = Notice.objects.filter(recipient=user).only(
        "kind", "title", "body", "link", "created_at", "read_at", "email", "emailed_at"
    )
    if unread_only:
        notices = notices.filter(read_at=None)
    return Paginator(notices, PAGE_SIZE).get_page(page)
