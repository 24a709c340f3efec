"""The read of one public activity (``activity_get_public``, compiled once: core.prepared) gives
every page that shows it what the plain ORM read gave, in as many queries: the activity page
(anonymous and signed in), its seats, .ics, poster and the sign-up page. What is not public stays
missing, and a year hint that is stale or wrong still finds the right activity."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learnweek.activities import selectors
from learnweek.activities.services import activity_cancel
from learnweek.campaigns.models import CampaignStatus
from learnweek.campaigns.services import campaign_set_status
from learnweek.core.errors import NotFound
from learnweek.core.public_cache import public_activities
from learnweek.orgs.models import InstitutionType
from learnweek.orgs.services import institution_create
from learnweek.public.page_cache import forget_local
from learnweek.registrations.services import registration_create
from tests.helpers import COUNTY, SIBLING_COUNTY, unit


def _orm_read(monkeypatch):
    """``activity_get_public`` and ``activity_get_public_page`` as they read before they were
    compiled: the ORM's queryset each call, the campaign joined."""

    def reads(*related):
        def in_year(pk, year):
            return list(
                selectors.activities_public()
                .select_related("campaign", *related)
                .filter(pk=pk, year=year)[:1]
            )

        def any_year(pk):
            return list(selectors.activities_public().select_related("campaign", *related).filter(pk=pk)[:1])

        return in_year, any_year

    for name, related in (("public", ()), ("page", ("organiser", "division"))):
        in_year, any_year = reads(*related)
        monkeypatch.setattr(selectors, f"_{name}_in_year", in_year)
        monkeypatch.setattr(selectors, f"_{name}_any_year", any_year)


def _answers(client, urls) -> list[tuple[int, bytes, int]]:
    answers = []
    for url in urls:
        cache.clear()
        forget_local()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        # A form's CSRF token is masked afresh on every response.
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        answers.append((response.status_code, body, len(queries)))
    return answers


def _urls(pk) -> list[str]:
    return [
        reverse(name, args=[pk])
        for name in (
            "public:activity",
            "public:activity_seats",
            "public:activity_ics",
            "public:activity_poster",
            "public:register",
        )
    ]


@pytest.fixture
def shown(make_activity, make_resident):
    """Activities as the pages show them differently: a place in its own division, one organised
    by an institution (the region comes from its county), an online one for seat holders, one
    called off, one internal."""
    library = institution_create(
        actor=None,
        parent=unit(COUNTY),
        code="CY-LIB-READ",
        name="朝阳区图书馆",
        institution_type=InstitutionType.values[0],
    )
    return [
        make_activity(address="东方广场 3 楼", division=unit(SIBLING_COUNTY), capacity=3),
        make_activity(organiser=library.code, address="图书馆", registration_phone="13812345678"),
        make_activity(
            mode="online", online_link="https://meeting.example.cn/1", online_link_access="registered"
        ),
        activity_cancel(actor=None, activity=make_activity("书法课"), reason="暴雨"),
        make_activity(is_internal=True),
    ]


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_of_an_activity_answers_as_with_the_orm_read(
    client, shown, make_resident, monkeypatch, signed_in
):
    if signed_in:
        resident = make_resident()
        registration_create(activity_id=shown[2].pk, phone=resident.phone, name="李阿姨", resident=resident)
        client.force_login(resident)
    urls = [url for activity in shown for url in _urls(activity.pk)] + _urls(999_999)
    # The process's first year hint reads the partitions' id ranges (kept a minute): read them
    # before counting either side's queries.
    selectors.year_hint("activities_activity", shown[0].pk)
    compiled = _answers(client, urls)
    _orm_read(monkeypatch)
    orm = _answers(client, urls)
    assert [answer[:2] for answer in compiled] == [answer[:2] for answer in orm]
    # Each answer starts with no copy of anything (cache and worker copies emptied): the compiled
    # read may read its campaign once more than the joined read; never anything else.
    assert [o <= c <= o + 1 for (_, _, c), (_, _, o) in zip(compiled, orm, strict=True)] == [True] * len(urls)
    # The sign-up page asks an anonymous visitor to sign in first.
    assert [status for status, _, _ in compiled[:5]] == [200, 200, 200, 200, 200 if signed_in else 302]
    assert {status for status, _, _ in compiled[-10:]} == {404}  # the internal one and a missing one


def test_what_is_not_public_is_missing_and_what_was_called_off_is_shown(shown, jilin_2026_published):
    with pytest.raises(NotFound, match="没有这项活动，或它未公开。"):
        selectors.activity_get_public(shown[4].pk)
    assert selectors.activity_get_public(shown[3].pk).cancel_reason == "暴雨"
    campaign_set_status(actor=None, campaign=jilin_2026_published, status=CampaignStatus.CLOSED)
    assert selectors.activity_get_public(shown[0].pk).pk == shown[0].pk
    campaign_set_status(actor=None, campaign=jilin_2026_published, status=CampaignStatus.DRAFT)
    with pytest.raises(NotFound):
        selectors.activity_get_public(shown[0].pk)


def test_once_its_campaign_is_known_an_activity_is_read_in_one_query_and_the_page_in_one_more(
    shown, django_assert_num_queries
):
    selectors.year_hint("activities_activity", shown[0].pk)  # the id ranges, read once a minute
    selectors.activity_get_public(shown[1].pk)  # the campaign's copy, read once per worker
    with django_assert_num_queries(1):
        read = selectors.activity_get_public(shown[0].pk)
    assert (read.name, read.campaign.slug) == (shown[0].name, "jl26")
    with django_assert_num_queries(1):
        page = selectors.activity_get_public_page(shown[1].pk)
        assert (page.organiser.code, page.division_id) == ("CY-LIB-READ", shown[1].division_id)


def test_a_campaign_taken_back_hides_its_activities_from_a_worker_that_kept_its_copy(
    shown, jilin_2026_published
):
    assert selectors.activity_get_public(shown[0].pk).campaign.title == jilin_2026_published.title
    campaign_set_status(actor=None, campaign=jilin_2026_published, status=CampaignStatus.DRAFT)
    for read in (selectors.activity_get_public, selectors.activity_get_public_page):
        with pytest.raises(NotFound, match="没有这项活动，或它未公开。"):
            read(shown[0].pk)


def test_each_read_gets_a_campaign_of_its_own(shown):
    first, second = (selectors.activity_get_public(a.pk) for a in shown[:2])
    assert first.campaign == second.campaign and first.campaign is not second.campaign


@pytest.mark.parametrize("hint", [None, 2026, 2025, 1999])
def test_a_stale_or_wrong_year_hint_still_finds_the_activity(shown, monkeypatch, hint):
    monkeypatch.setattr(selectors, "year_hint", lambda table, pk: hint)
    for read in (selectors.activity_get_public, selectors.activity_get_public_page):
        found = read(shown[0].pk)
        assert (found.pk, found.division.code, found.campaign.slug) == (shown[0].pk, SIBLING_COUNTY, "jl26")
        with pytest.raises(NotFound):
            read(shown[4].pk)


def test_a_worker_a_second_behind_does_not_keep_a_campaign_taken_back_in_the_shared_cache(
    shown, jilin_2026_published
):
    selectors.activity_get_public(shown[0].pk)  # the campaign's copy, under this generation
    before = public_activities.recent()
    campaign_set_status(actor=None, campaign=jilin_2026_published, status=CampaignStatus.DRAFT)
    # Another worker, which read the generation less than a second before the change:
    public_activities._recent = (before, time.monotonic())
    with pytest.raises(NotFound):
        selectors.activity_get_public_cached(shown[0].pk)  # built for the cache every worker reads
