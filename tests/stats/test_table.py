"""The table's figures against a hand count of the data set in conftest (SPEC §6)."""

from __future__ import annotations

from learnweek.stats.selectors import COLUMNS, drill_activities, drill_cities, drill_totals, stats_table
from tests.helpers import unit

ZERO = {"units": 0, "activities": 0, "person_times": 0}


def cells(**given):
    """Five columns, zero where not given; given as (units, activities, person_times)."""
    short = {
        "theme": "theme_reading",
        "book": "book_recommendation",
        "online": "online_lecture",
        "digital": "digital_reading",
        "week": "activity_week",
    }
    out = {c: dict(ZERO) for c in COLUMNS}
    for key, (units, activities, person_times) in given.items():
        out[short[key]] = {"units": units, "activities": activities, "person_times": person_times}
    return out


def held(*keys):
    short = {"theme": "theme_reading", "book": "book_recommendation", "online": "online_lecture"}
    short |= {"digital": "digital_reading", "week": "activity_week"}
    return {c: c in {short[k] for k in keys} for c in COLUMNS}


def test_province_table_counts_by_level_city_and_column(year):
    data = stats_table(year.jilin, unit("220000")).as_json()
    assert data["unit"] == {"code": "220000", "name": "吉林省", "kind": "province", "issuer": "吉林省教育厅"}
    # Jilin: 9 prefecture-level units, 60 county-level units (GB/T 2260).
    assert (data["prefecture_units"], data["county_units"]) == (9, 60)
    # Own level: the province itself and its open university.
    assert data["own_level_held"] == held("theme", "online", "week")
    # Changchun and 吉林市; the activity without person-times counts as an activity.
    assert data["prefecture"] == cells(theme=(2, 2, 230), book=(1, 1, 0), week=(2, 2, 30))
    # 朝阳区 (and its school), 南关区 (an activity and a reported total); Shanxi, last year's
    # campaign and the 其他 activity count nowhere.
    assert data["county"] == cells(theme=(1, 1, 40), digital=(2, 4, 360), week=(2, 2, 560))


def test_ministry_table_counts_a_municipality_as_one_city(year):
    data = stats_table(year.national, unit("000000")).as_json()
    assert data["prefecture_units"] == 333 + 4  # prefectures, plus the four municipalities
    assert data["county_units"] == 2845
    assert data["own_level_held"] == held()
    # Beijing's own activity sits in the prefecture row with Beijing as the city; Shanxi's
    # 太原市 adds its own.
    assert data["prefecture"] == cells(theme=(4, 4, 307), book=(1, 1, 0), week=(4, 4, 107))
    # 东城区 without person-times; 西城区 by its reported total.
    assert data["county"] == cells(theme=(1, 1, 40), online=(1, 1, 0), digital=(2, 4, 360), week=(3, 4, 580))


def test_municipality_prefecture_county_and_institution_tables(year):
    beijing = stats_table(year.beijing, unit("110000")).as_json()
    assert (beijing["prefecture_units"], beijing["county_units"]) == (1, 16)
    assert beijing["own_level_held"] == held("theme", "week")
    assert beijing["prefecture"] == cells(theme=(1, 1, 70), week=(1, 1, 70))
    assert beijing["county"] == cells(online=(1, 1, 0), week=(1, 2, 20))

    changchun = stats_table(year.jilin, unit("220100")).as_json()
    assert changchun["own_level_held"] == held("theme", "book", "week")
    assert changchun["prefecture"] == cells(theme=(1, 1, 200), book=(1, 1, 0), week=(1, 1, 0))
    assert changchun["county"] == cells(theme=(1, 1, 40), digital=(2, 4, 360), week=(2, 2, 560))

    county = stats_table(year.jilin, unit("220104")).as_json()
    assert county["own_level_held"] == held("theme", "digital", "week")
    assert county["prefecture"] == cells()
    assert county["county"] == cells(theme=(1, 1, 40), digital=(1, 1, 60), week=(1, 1, 60))

    school = stats_table(year.jilin, year.school).as_json()  # counts at its county's level
    assert school["own_level_held"] == held("digital", "week")
    assert school["county"] == cells(digital=(1, 1, 60), week=(1, 1, 60))


def test_the_same_year_whichever_campaign_of_the_cascade_is_asked(year):
    assert (
        stats_table(year.national, unit("220000")).as_json()["county"]
        == stats_table(year.jilin, unit("220000")).as_json()["county"]
    )


def test_by_child_rows_are_each_childs_own_table(year):
    table = stats_table(year.national, unit("000000"), by_child=True)
    children = {child.unit.code: child.as_json() for child in table.children}
    assert len(children) == 31
    for code in ("220000", "110000"):
        alone = stats_table(year.national, unit(code)).as_json()
        assert children[code] | {"campaign": alone["campaign"]} == alone
    jilin = stats_table(year.jilin, unit("220000"), by_child=True)
    assert [c.unit.code for c in jilin.children][:2] == ["220100", "220200"]
    assert "children" not in stats_table(year.jilin, unit("220000")).as_json()


def test_every_figure_drills_down_to_what_makes_it(year):
    for code in ("000000", "220000", "220100", "110000"):
        owner = unit(code)
        table = stats_table(year.national, owner)
        for row in ("prefecture", "county"):
            for column in COLUMNS:
                cell = table.cell(row, column)
                activities = list(drill_activities(year.national, owner, row, column, None))
                totals = list(drill_totals(year.national, owner, row, column, None))
                assert len(activities) + sum(t.activities for t in totals) == cell.activities, (
                    code,
                    row,
                    column,
                )
                assert sum(a.person_times or 0 for a in activities) + sum(t.person_times for t in totals) == (
                    cell.person_times
                )
                cities = drill_cities(table, row, column)
                assert len(cities) == cell.units
        for column in COLUMNS:
            own_rows = drill_activities(year.national, owner, "own", column, None).exists() or (
                drill_totals(year.national, owner, "own", column, None).exists()
            )
            assert own_rows == table.own_level_held[column], (code, column)


def test_cities_drill_down_names_the_cities_and_their_activities(year):
    table = stats_table(year.jilin, unit("220000"))
    cities = drill_cities(table, "prefecture", "theme_reading")
    assert [(c.name, n, p) for c, n, p in cities] == [("长春市", 1, 200), ("吉林市", 1, 30)]
    names = [
        a.name
        for a in drill_activities(year.jilin, unit("220000"), "prefecture", "theme_reading", unit("220200"))
    ]
    assert names == ["吉林市themed_reading"]
