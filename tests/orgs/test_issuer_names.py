"""Units sign documents as their education department (发文机关署名): seeded for the divisions,
editable on the unit's page, and the unit's own name where there is none (an institution)."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from learnweek.orgs.models import InstitutionType, Unit, UnitKind
from learnweek.orgs.services import divisions_load, institution_create
from tests.factories import StaffFactory
from tests.helpers import COUNTY, PROVINCE, unit

pytestmark = pytest.mark.usefixtures("tree")

SIGNATURES = {
    "000000": "教育部办公厅",
    "110000": "北京市教育委员会",
    "120000": "天津市教育委员会",
    "310000": "上海市教育委员会",
    "500000": "重庆市教育委员会",
    "220000": "吉林省教育厅",
    "450000": "广西壮族自治区教育厅",
    "220100": "长春市教育局",
    "222400": "延边朝鲜族自治州教育局",
    "152200": "兴安盟教育局",
    "220104": "朝阳区教育局",
    "220581": "梅河口市教育局",
}


def test_the_divisions_are_loaded_with_their_education_departments():
    assert {code: unit(code).issuer for code in SIGNATURES} == SIGNATURES
    assert not Unit.objects.exclude(kind=UnitKind.INSTITUTION).filter(issuer_name="").exists()


def test_the_migration_fills_the_signatures_of_divisions_loaded_before_it():
    Unit.objects.update(issuer_name="")
    migration = importlib.import_module("learnweek.orgs.migrations.0003_unit_issuer_name")
    migration.fill_issuer_name(apps, None)
    assert {code: unit(code).issuer_name for code in SIGNATURES} == SIGNATURES


def test_reloading_the_divisions_keeps_an_edited_signature():
    Unit.objects.filter(code="220100").update(issuer_name="长春市教育局（长春市语言文字工作委员会办公室）")
    divisions_load()
    assert unit("220100").issuer == "长春市教育局（长春市语言文字工作委员会办公室）"


def test_an_institution_signs_with_its_own_name():
    school = institution_create(
        actor=None,
        parent=unit(COUNTY),
        code="T-S",
        name="朝阳区社区学院",
        institution_type=InstitutionType.OTHER,
    )
    assert school.issuer_name == "" and school.issuer == "朝阳区社区学院"


def test_the_signature_is_edited_on_the_units_page(client):
    admin = StaffFactory(unit=unit(PROVINCE), roles=["admin"])
    client.force_login(admin)
    url = reverse("backoffice:unit_edit", args=["220100"])
    page = client.get(url).content.decode()
    assert 'name="issuer_name"' in page and 'value="长春市教育局"' in page and "发文机关名称" in page
    response = client.post(
        url, {"name": "长春市", "issuer_name": "长春市教育局办公室", "address": "", "phone": ""}
    )
    assert response.status_code == 302
    assert unit("220100").issuer == "长春市教育局办公室"
    assert "长春市教育局办公室" in client.get(reverse("backoffice:unit", args=["220100"])).content.decode()
    # Too long: refused with the limit beside the field, nothing written.
    response = client.post(url, {"name": "长春市", "issuer_name": "长" * 101, "address": "", "phone": ""})
    assert response.status_code == 200 and "不超过 100 字符" in response.content.decode()
    assert unit("220100").issuer == "长春市教育局办公室"


def test_a_unit_outside_the_admins_subtree_cannot_change_the_signature(client):
    client.force_login(StaffFactory(unit=unit("220200"), roles=["admin"]))
    response = client.post(
        reverse("backoffice:unit_edit", args=["220100"]), {"name": "长春市", "issuer_name": "别的名字"}
    )
    assert response.status_code == 404 and unit("220100").issuer == "长春市教育局"
