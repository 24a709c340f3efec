import pytest

from learnweek.accounts.models import User
from learnweek.accounts.services import staff_account_create, staff_active_set, staff_roles_set
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from learnweek.orgs.roles import Role
from tests.helpers import COUNTY, SIBLING_COUNTY, unit

GOOD_PASSWORD = "Chaoyang-2026-xyz"


def create(actor, code, username="newuser", **kwargs):
    values = {"password": GOOD_PASSWORD, "roles": [Role.REPORTER]} | kwargs
    return staff_account_create(actor=actor, unit=unit(code), username=username, **values)


def test_city_admin_creates_an_account_for_a_county_below(city_admin):
    user = create(city_admin, COUNTY, roles=[Role.REPORTER, Role.REVIEWER], full_name="张三")
    assert user.unit.code == COUNTY
    assert user.roles == [Role.REPORTER, Role.REVIEWER]
    assert user.check_password(GOOD_PASSWORD)
    assert user.history.count() == 1  # the change history has the creation


def test_county_admin_cannot_create_for_a_sibling_and_nothing_is_written(county_admin):
    before = User.objects.count()
    with pytest.raises(NotFound):
        create(county_admin, SIBLING_COUNTY)
    with pytest.raises(NotFound):
        create(county_admin, "220100")  # its own city, above it
    assert User.objects.count() == before


def test_a_reporter_cannot_create_accounts(county_reporter):
    with pytest.raises(PermissionDenied, match="只有管理员可以管理账号"):
        create(county_reporter, COUNTY)
    assert not User.objects.filter(username="newuser").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"password": "12345678901"}, "密码不符合要求"),
        ({"username": "a b"}, "用户名应为"),
        ({"roles": []}, "请至少选择一个角色"),
        ({"roles": ["boss"]}, "角色只能是"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(county_admin, kwargs, message):
    with pytest.raises(DomainError, match=message):
        create(county_admin, COUNTY, **kwargs)
    assert not User.objects.filter(username="newuser").exists()


def test_duplicate_username_is_refused_case_insensitively(county_admin):
    create(county_admin, COUNTY, username="Zhang")
    with pytest.raises(DomainError, match="已被使用"):
        create(county_admin, COUNTY, username="zhang")


def test_roles_change_and_deactivation_respect_scope(city_admin, county_admin, sibling_county_admin):
    staff_roles_set(actor=city_admin, user=county_admin, roles=[Role.ADMIN, Role.REVIEWER])
    county_admin.refresh_from_db()
    assert county_admin.has_role(Role.REVIEWER)
    with pytest.raises(NotFound):
        staff_active_set(actor=sibling_county_admin, user=county_admin, active=False)
    county_admin.refresh_from_db()
    assert county_admin.is_active
    with pytest.raises(DomainError, match="不能取消自己的管理员角色"):
        staff_roles_set(actor=county_admin, user=county_admin, roles=[Role.REPORTER])
