import json

import pytest
from django.core.management import call_command

from learnweek.orgs.divisions import DivisionRecord, national_divisions
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.selectors import within
from learnweek.orgs.services import divisions_load

pytestmark = pytest.mark.usefixtures("tree")


def test_tree_has_every_mainland_province_under_the_ministry():
    ministry = Unit.objects.get(code="000000")
    provinces = ministry.get_children()
    assert ministry.name == "教育部" and ministry.kind == UnitKind.MINISTRY
    assert provinces.count() == 31
    assert set(provinces.values_list("kind", flat=True)) == {UnitKind.PROVINCE}
    assert {"北京市", "吉林省", "新疆维吾尔自治区", "西藏自治区"} <= set(
        provinces.values_list("name", flat=True)
    )
    assert not Unit.objects.filter(name__in=["香港特别行政区", "澳门特别行政区", "台湾省"]).exists()
    # Every province has prefectures or counties below it.
    assert all(p.numchild > 0 for p in provinces)


def test_counts_per_level_match_the_national_figures():
    # 民政部: 333 prefecture-level and about 2,845 county-level divisions.
    assert Unit.objects.filter(kind=UnitKind.PREFECTURE).count() == 333
    assert 2840 <= Unit.objects.filter(kind=UnitKind.COUNTY).count() <= 2860


def test_municipalities_are_provinces_with_their_districts_directly_below():
    municipalities = Unit.objects.filter(is_municipality=True)
    assert set(municipalities.values_list("name", flat=True)) == {"北京市", "天津市", "上海市", "重庆市"}
    beijing = Unit.objects.get(code="110000")
    assert beijing.kind == UnitKind.PROVINCE
    dongcheng = Unit.objects.get(code="110101")
    assert dongcheng.get_parent() == beijing and dongcheng.kind == UnitKind.COUNTY
    # Chongqing's counties hang there too (no 县 placeholder between).
    assert Unit.objects.get(name="城口县").get_parent().code == "500000"


def test_no_placeholder_nodes_and_directly_administered_counties_hang_under_the_province():
    assert not Unit.objects.filter(
        name__in=["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"]
    ).exists()
    xiantao = Unit.objects.get(code="429004")
    assert xiantao.name == "仙桃市" and xiantao.kind == UnitKind.COUNTY
    assert xiantao.get_parent().code == "420000"
    dongguan = Unit.objects.get(code="441900")
    assert dongguan.kind == UnitKind.PREFECTURE and dongguan.numchild == 0


def test_subtree_query_is_a_path_prefix():
    jilin = Unit.objects.get(code="220000")
    subtree = within(Unit.objects.all(), jilin)
    assert subtree.filter(code="220104").exists()  # 长春市朝阳区
    assert not subtree.filter(code="110105").exists()  # 北京市朝阳区
    assert subtree.count() == jilin.get_descendant_count() + 1


def test_loading_twice_changes_nothing(capsys):
    before = (Unit.objects.count(), Unit.history.count())
    call_command("load_divisions")
    out = capsys.readouterr().out
    assert "省级：31 个（新增 0，更新 0，未变 31）" in out
    assert "地市级：333 个（新增 0，更新 0，未变 333）" in out
    assert (Unit.objects.count(), Unit.history.count()) == before


def test_a_renamed_division_is_updated_in_place_and_recorded():
    records = list(national_divisions())
    renamed = [
        DivisionRecord(r.code, "朝阳区（新名）", r.kind, r.division_type, r.parent_code)
        if r.code == "220104"
        else r
        for r in records
    ]
    unit_before = Unit.objects.get(code="220104")
    report = divisions_load(renamed)
    assert report.updated[UnitKind.COUNTY] == 1
    unit_after = Unit.objects.get(code="220104")
    assert unit_after.pk == unit_before.pk and unit_after.name == "朝阳区（新名）"
    assert unit_after.history.first().name == "朝阳区（新名）"


def test_units_command_prints_the_unit_and_its_children_as_json(capsys):
    call_command("units", "220100", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["code"] == "220100" and data["name"] == "长春市"
    assert data["kind"] == "prefecture" and data["parent"] == "220000"
    assert {"code": "220104", "name": "朝阳区", "kind": "county"} in data["children"]
