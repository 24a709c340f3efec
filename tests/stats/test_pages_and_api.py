"""The statistics pages and the API endpoint, through the scope rule."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from learnweek.accounts.services import api_token_create
from learnweek.stats.models import ReportedTotal
from tests.factories import StaffFactory
from tests.helpers import unit


def bearer(user):
    return {"Authorization": f"Bearer {api_token_create(user=user)}"}


def test_api_returns_the_same_json_as_the_command(client, year, province_reporter, capsys):
    response = client.get("/api/v1/campaigns/jl23/stats/220100", headers=bearer(province_reporter))
    assert response.status_code == 200
    call_command("stats", campaign="jl23", unit="220100")
    assert response.json() == json.loads(capsys.readouterr().out)
    with_children = client.get(
        "/api/v1/campaigns/n23/stats/220000?by_child=true", headers=bearer(province_reporter)
    ).json()
    assert len(with_children["children"]) == 9


@pytest.mark.parametrize("code", ["220200", "110000", "000000", "999999"])
def test_api_outside_the_subtree_is_missing(client, year, city_reporter, code):
    response = client.get(f"/api/v1/campaigns/jl23/stats/{code}", headers=bearer(city_reporter))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_page_shows_the_table_drills_down_and_charts_the_children(client, year, province_reporter):
    client.force_login(province_reporter)
    page = client.get("/office/stats/jl23/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "省级层面是否开展" in html and "长春市" in html
    assert "stats-chart-data" in html and "vendor/echarts.min.js" in html
    drill = client.get("/office/stats/jl23/activities/?unit=220000&row=county&column=digital_reading")
    text = drill.content.decode()
    assert "朝阳区社区学院digital_reading" in text and "南关区" in text  # the activity and the reported total
    cities = client.get(
        "/office/stats/jl23/cities/?unit=220000&row=prefecture&column=theme_reading"
    ).content.decode()
    assert "长春市" in cities and "吉林市" in cities and "四平市" not in cities
    xlsx = client.get("/office/stats/jl23/export.xlsx?unit=220100")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    docx = client.get("/office/stats/jl23/export.docx?unit=220100")
    assert docx.content[:2] == b"PK"


@pytest.mark.parametrize(
    "path",
    [
        "/office/stats/jl23/?unit=220200",
        "/office/stats/jl23/activities/?unit=220200&row=county&column=theme_reading",
        "/office/stats/jl23/activities/?unit=220100&row=county&column=theme_reading&city=220202",
        "/office/stats/jl23/cities/?unit=220000&row=county&column=theme_reading",
        "/office/stats/jl23/export.xlsx?unit=220000",
        "/office/stats/sx23/",
    ],
)
def test_pages_outside_the_subtree_are_missing(client, year, city_reporter, path):
    client.force_login(city_reporter)
    assert client.get(path).status_code == 404


def test_reported_totals_page_refuses_bad_input_in_chinese(client, year, city_reporter):
    client.force_login(city_reporter)
    form = {"unit": "220104", "column": "theme_reading", "activities": "2.5", "person_times": "10"}
    response = client.post("/office/stats/jl23/totals/", form)
    assert "活动数须为整数（现为“2.5”）" in response.content.decode()
    response = client.post("/office/stats/jl23/totals/", form | {"unit": "220202"})
    assert "在长春市范围内没有代码为 220202 的单位" in response.content.decode()
    before = ReportedTotal.objects.count()
    response = client.post("/office/stats/jl23/totals/", form | {"activities": "2"})
    assert response.status_code == 302
    assert ReportedTotal.objects.count() == before + 1


def test_reporter_submits_from_the_page_and_the_reviewer_sees_the_frozen_table(client, year, city_reporter):
    client.force_login(city_reporter)
    client.post(
        "/office/stats/jl23/header/",
        {"unit": "220100", "contact_name": "吴老师", "office_phone": "0431-82857798"},
    )
    # 2022's figures differ wildly from 2023's: the checks warn, and the reporter explains.
    response = client.post(
        f"/office/stats/jl23/submit/{year.city_requirement.pk}/",
        {"unit": "220100", "explanation": "2022年的大型活动今年没有举办，已核实。"},
    )
    assert response.status_code == 302
    reviewer = StaffFactory(unit=unit("220000"), roles=["reviewer"])
    client.force_login(reviewer)
    detail = client.get(response["Location"]).content.decode()
    assert "报送的统计表" in detail and "吴老师" in detail and "地市级层面是否开展" in detail


def test_the_campaign_office_fills_the_issuers_table(client, year):
    from learnweek.campaigns.services import campaign_office_set
    from learnweek.stats.selectors import header_for

    campaign_office_set(actor=None, campaign=year.jilin, office=year.ou)
    office_reporter = StaffFactory(unit=year.ou, roles=["reporter"])
    client.force_login(office_reporter)
    page = client.get("/office/stats/jl23/").content.decode()
    assert "省级层面是否开展" in page and "保存表头" in page
    client.post(
        "/office/stats/jl23/header/", {"unit": "220000", "contact_name": "吴老师", "mobile": "19990521785"}
    )
    assert header_for(year.jilin, unit("220000")).contact_name == "吴老师"


def test_a_header_with_one_wrong_field_keeps_everything_typed(client, year):
    """One wrong number: the page says which and why, every field still holds what was typed,
    nothing is saved; corrected, the whole header is saved, 联系人 included."""
    from learnweek.stats.selectors import header_for

    client.force_login(StaffFactory(unit=unit("220100"), roles=["reporter"]))
    typed = {
        "unit": "220100",
        "contact_name": "吴老师",
        "department": "职成教处",
        "office_phone": "0431-88905322",
        "mobile": "1999052178",  # ten digits
    }
    response = client.post("/office/stats/jl23/header/", typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "手机号码应为 11 位数字" in page and "1999052178" in page
    for value in ("吴老师", "职成教处", "0431-88905322"):
        assert f'value="{value}"' in page
    assert header_for(year.jilin, unit("220100")).contact_name == ""

    response = client.post("/office/stats/jl23/header/", typed | {"mobile": "19990521785"})
    assert response.status_code == 302
    header = header_for(year.jilin, unit("220100"))
    assert (header.contact_name, header.department, header.mobile) == ("吴老师", "职成教处", "19990521785")
