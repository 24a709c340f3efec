"""Paging through large filtered lists."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class DeferredJoinPaginator(Paginator):
    """Counts and pages through the ids only — with a covering index an index-only scan, however
    deep the page — then loads the full rows of the one page it shows."""

    def __init__(self, queryset: QuerySet, per_page: int) -> None:
        super().__init__(queryset.values_list("pk", flat=True), per_page)
        self.rows = queryset

    def page(self, number: int | str) -> Page:
        page = super().page(number)
        ids = list(page.object_list)
        by_id = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        return page


def page_snapshot(
    paginator: DeferredJoinPaginator, number: int | str | None, *, count: int | None = None
) -> Page:
    """The page with its rows loaded and a paginator that holds only the count: what a cache can
    keep (pickling the real paginator would evaluate its whole id query). ``count``, when known
    already, spares the count query."""
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached property
    page = paginator.get_page(number)
    light = Paginator(range(paginator.count), paginator.per_page)
    return Page(list(page.object_list), page.number, light)
