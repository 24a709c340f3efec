"""The scope rule, through every front door: a user sees its unit's subtree, nothing else, and
anything outside answers 404 exactly like something that does not exist."""

import re

import pytest
from django.urls import reverse

from learnweek.accounts.services import api_token_create
from learnweek.orgs.selectors import units_visible_to
from tests.helpers import CITY, COUNTY, OTHER_CITY, PROVINCE, SIBLING_COUNTY

# (fixture, codes it must see, codes it must not see)
CASES = [
    ("county_admin", [COUNTY], [SIBLING_COUNTY, CITY, PROVINCE, OTHER_CITY, "000000"]),
    ("sibling_county_admin", [SIBLING_COUNTY], [COUNTY, CITY, PROVINCE]),
    ("city_admin", [CITY, COUNTY, SIBLING_COUNTY], [OTHER_CITY, PROVINCE, "000000"]),
    ("province_admin", [PROVINCE, CITY, COUNTY, OTHER_CITY], ["000000", "110000", "110105"]),
    ("ministry_admin", ["000000", PROVINCE, COUNTY, "110105"], []),
    ("superuser", ["000000", PROVINCE, COUNTY, "110105"], []),
]


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize(("who", "sees", "hidden"), CASES)
def test_selector(request, tree, who, sees, hidden):
    user = request.getfixturevalue(who)
    visible = units_visible_to(user)
    assert set(visible.filter(code__in=sees + hidden).values_list("code", flat=True)) == set(sees)


@pytest.mark.parametrize(("who", "sees", "hidden"), CASES)
def test_back_office_unit_page(client, request, tree, who, sees, hidden):
    client.force_login(request.getfixturevalue(who))
    for code in sees:
        assert client.get(reverse("backoffice:unit", args=[code])).status_code == 200, code
    missing = client.get(reverse("backoffice:unit", args=["999999"]))
    assert missing.status_code == 404
    for code in hidden:
        response = client.get(reverse("backoffice:unit", args=[code]))
        assert response.status_code == 404, code
        assert without_csrf(response) == without_csrf(missing)  # forbidden looks exactly like missing


@pytest.mark.parametrize(("who", "sees", "hidden"), CASES[:4])
def test_api_unit_endpoint(client, request, tree, who, sees, hidden):
    user = request.getfixturevalue(who)
    token = api_token_create(user=user)
    headers = {"Authorization": f"Bearer {token}"}
    for code in sees:
        response = client.get(f"/api/v1/units/{code}", headers=headers)
        assert response.status_code == 200, code
        assert response.json()["code"] == code
    missing = client.get("/api/v1/units/999999", headers=headers)
    assert missing.status_code == 404
    for code in hidden:
        response = client.get(f"/api/v1/units/{code}", headers=headers)
        assert (response.status_code, response.json()) == (404, missing.json()), code


def test_county_search_never_returns_units_outside_its_subtree(client, county_admin):
    client.force_login(county_admin)
    response = client.get(reverse("backoffice:unit", args=[COUNTY]), {"q": "区"})
    assert response.status_code == 200
    assert "二道区" not in response.content.decode()  # sibling district of the same city


def test_city_search_finds_units_anywhere_below_it(client, city_admin):
    client.force_login(city_admin)
    response = client.get(
        reverse("backoffice:unit", args=[CITY]), {"q": "二道"}, headers={"HX-Request": "true"}
    )
    assert "二道区" in response.content.decode()
    assert "<html" not in response.content.decode()  # the HTMX fragment only


def test_anonymous_is_sent_to_login_and_a_resident_sees_nothing(client, resident, tree):
    url = reverse("backoffice:unit", args=[COUNTY])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(resident)
    assert client.get(url).status_code == 404
    assert client.get(reverse("backoffice:home")).status_code == 404
