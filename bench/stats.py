"""The statistics table over 1,000,000 activities: the ministry's, one province's and one county's
table through ``stats_table``, against the fastest single SQL query written by hand for the same
figures (grouping and the level rules in the database, one round trip). Both are checked to agree
before they are timed."""

from django.db import connection

from bench.activities import prepare as prepare_activities
from learnweek.campaigns.models import Campaign
from learnweek.orgs.models import Unit
from learnweek.stats.models import READING_COLUMNS
from learnweek.stats.selectors import COLUMNS, stats_table

READING_CASE = " ".join(f"WHEN '{category}' THEN '{column}'" for category, column in READING_COLUMNS.items())

HAND_SQL = f"""
WITH g AS (
    SELECT u.admin_unit_id AS admin, a.category, a.is_week, count(*) AS n, coalesce(sum(a.person_times), 0) AS p
    FROM activities_activity a JOIN orgs_unit u ON u.id = a.organiser_id
    WHERE a.campaign_id = ANY(%(family)s) AND a.unit_path LIKE %(prefix)s
      AND (a.category IN ({", ".join(f"'{c}'" for c in READING_COLUMNS)}) OR a.is_week)
    GROUP BY 1, 2, 3
), cols AS (
    SELECT g.admin, v.col, g.n, g.p
    FROM g CROSS JOIN LATERAL (VALUES (CASE g.category {READING_CASE} END),
                                      (CASE WHEN g.is_week THEN 'activity_week' END)) AS v(col)
    WHERE v.col IS NOT NULL
    UNION ALL
    SELECT u.admin_unit_id, t.column, t.activities, t.person_times
    FROM stats_reportedtotal t JOIN orgs_unit u ON u.id = t.unit_id
    WHERE t.campaign_id = ANY(%(family)s) AND u.path LIKE %(prefix)s
), tagged AS (
    SELECT cols.*, (ad.kind = 'prefecture' OR (ad.kind = 'province' AND ad.is_municipality)) AS pref,
           ad.kind = 'county' AS cty
    FROM cols JOIN orgs_unit ad ON ad.id = cols.admin
)
SELECT col, bool_or(admin = %(own)s),
       count(DISTINCT admin) FILTER (WHERE pref), coalesce(sum(n) FILTER (WHERE pref), 0),
       coalesce(sum(p) FILTER (WHERE pref), 0),
       count(DISTINCT admin) FILTER (WHERE cty), coalesce(sum(n) FILTER (WHERE cty), 0),
       coalesce(sum(p) FILTER (WHERE cty), 0),
       (SELECT count(*) FROM orgs_unit WHERE path LIKE %(prefix)s
          AND (kind = 'prefecture' OR (kind = 'province' AND is_municipality))),
       (SELECT count(*) FROM orgs_unit WHERE path LIKE %(prefix)s AND kind = 'county')
FROM tagged GROUP BY col
"""


def hand(campaign: Campaign, unit: Unit) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            HAND_SQL, {"family": [campaign.pk], "prefix": unit.path + "%", "own": unit.admin_unit_id}
        )
        rows = cursor.fetchall()
    out = {"prefecture": {}, "county": {}, "own_level_held": {}}
    for col, held, pu, pn, pp, cu, cn, cp, *_ in rows:
        out["own_level_held"][col] = held
        out["prefecture"][col] = {"units": pu, "activities": int(pn), "person_times": int(pp)}
        out["county"][col] = {"units": cu, "activities": int(cn), "person_times": int(cp)}
    return out


def prepare() -> Campaign:
    return prepare_activities()


def run(median_ms, report, campaign: Campaign) -> None:
    for label, code in (
        ("ministry", "000000"),
        ("province 四川省", "510000"),
        ("county 成都市锦江区", "510104"),
    ):
        unit = Unit.objects.get(code=code)
        ours = stats_table(campaign, unit).as_json()
        theirs = hand(campaign, unit)
        for part in ("prefecture", "county"):
            for column in COLUMNS:
                got = ours[part][column]
                expected = theirs[part].get(column, {"units": 0, "activities": 0, "person_times": 0})
                assert got == expected, (code, part, column, got, expected)
        report(
            f"stats table, {label}",
            median_ms(lambda u=unit: stats_table(campaign, u), repeat=7),
            median_ms(lambda u=unit: hand(campaign, u), repeat=7),
        )
    ministry = Unit.objects.get(code="000000")
    report(
        "stats table, ministry with one table per province",
        median_ms(lambda: stats_table(campaign, ministry, by_child=True), repeat=7),
        median_ms(lambda: hand(campaign, ministry), repeat=7),
    )
