"""The year and province filters that the public lists (成果展, showcase) share."""

from __future__ import annotations

from dataclasses import dataclass

from learnweek.core.errors import NotFound
from learnweek.orgs.models import Unit
from learnweek.orgs.selectors import region_get


@dataclass(frozen=True)
class YearProvince:
    year: int | None
    province: Unit | None

    def chosen(self) -> dict[str, str]:
        """What the filter form shows as selected."""
        return {"year": str(self.year or ""), "province": self.province.code if self.province else ""}


def year_and_province(query) -> YearProvince:
    """``?year=2023&province=220000`` from a request's GET; anything unknown is ignored."""
    year = query.get("year", "")
    province = None
    if query.get("province"):
        try:
            province = region_get(query["province"])
        except NotFound:
            province = None
    return YearProvince(int(year) if year.isdigit() else None, province)
