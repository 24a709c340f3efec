"""The statistics page reads the year's cascade once, and reading a table leaves its unit as it was."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from learnweek.campaigns.models import CampaignStatus
from learnweek.campaigns.selectors import campaign_family, campaign_lineage, cascade_of
from learnweek.campaigns.services import campaign_derive, campaign_set_status
from learnweek.stats.selectors import stats_table
from tests.helpers import unit


def _campaign_reads(queries) -> int:
    return sum(1 for q in queries if 'FROM "campaigns_campaign"' in q["sql"])


def _changchun(year):
    return campaign_set_status(
        actor=None,
        campaign=campaign_derive(
            actor=None, parent=year.jilin, unit=unit("220100"), slug="cc23", title="长春"
        ),
        status=CampaignStatus.PUBLISHED,
    )


def test_the_page_reads_the_campaigns_twice_the_campaign_and_its_cascade(client, year, city_reporter):
    changchun = _changchun(year)  # three levels: 全国 › 吉林 › 长春
    client.force_login(city_reporter)
    client.get(f"/office/stats/{changchun.slug}/")  # the session and the caches
    with CaptureQueriesContext(connection) as page:
        response = client.get(f"/office/stats/{changchun.slug}/")
    assert response.status_code == 200
    assert _campaign_reads(page.captured_queries) == 2  # was 9: each selector walked the lineage
    assert len(page.captured_queries) <= 21  # was 33; one is the header's count of unread notices


def test_the_cascade_is_the_family_in_one_query(year, django_assert_num_queries):
    changchun = _changchun(year)
    with django_assert_num_queries(1):
        cascade = cascade_of(changchun)
    assert cascade.root.pk == year.national.pk
    assert cascade.year == 2023
    assert [c.slug for c in cascade.campaigns] == [c.slug for c in campaign_family(changchun)]
    assert {"n23", "jl23", "bj23", "sx23", "cc23"} == {c.slug for c in cascade.campaigns}
    assert "n22" not in {c.slug for c in cascade.campaigns}
    assert cascade.ids == {c.pk for c in cascade.campaigns}
    assert [c.slug for c in cascade.lineage(changchun)] == [c.slug for c in campaign_lineage(changchun)]


def test_reading_a_table_leaves_the_unit_as_it_was(year):
    school = unit("CY-SCHOOL")  # an institution: its table counts at its county's level
    changchun = unit("220100")
    before = {u.code: (u.admin_unit_id, dict(u._state.fields_cache)) for u in (school, changchun)}
    assert stats_table(year.jilin, school).level == "county"
    assert stats_table(year.jilin, changchun, by_child=True).level == "prefecture"
    after = {u.code: (u.admin_unit_id, dict(u._state.fields_cache)) for u in (school, changchun)}
    assert after == before  # nothing set on the caller's objects (was: their admin_unit)
