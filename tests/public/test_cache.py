"""The finder and the activity page come from the cache while nothing changed, and a change shows
on the very next request: an edit, a cancellation, a new activity, a campaign closed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learnweek.activities.services import activity_cancel, activity_update
from learnweek.campaigns.models import CampaignStatus
from learnweek.campaigns.services import campaign_set_status

pytestmark = pytest.mark.django_db


def activity_queries(client, url) -> tuple[str, int]:
    """The page, and how many of its queries read the activities table."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return page, sum('"activities_activity"' in q["sql"] for q in queries.captured_queries)


def test_a_change_shows_at_once_and_unchanged_pages_skip_the_database(
    client, make_activity, jilin_2026_published, django_capture_on_commit_callbacks
):
    reading = make_activity("朝阳区全民读书节")
    finder, detail = "/activities/?q=读书", f"/activities/{reading.pk}/"

    page, first = activity_queries(client, finder)
    assert "朝阳区全民读书节" in page and first >= 1
    page, again = activity_queries(client, finder)
    assert "朝阳区全民读书节" in page and again == 0  # served from the cache
    page, _ = activity_queries(client, detail)
    page, again = activity_queries(client, detail)
    assert "朝阳区全民读书节" in page and again == 0

    with django_capture_on_commit_callbacks(execute=True):
        activity_update(actor=None, activity=reading, name="朝阳区全民读书月")
    assert "朝阳区全民读书月" in client.get(finder).content.decode()
    assert "朝阳区全民读书月" in client.get(detail).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        make_activity("南关区读书分享会", organiser="220102")
    assert "南关区读书分享会" in client.get(finder).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        activity_cancel(actor=None, activity=reading, reason="场地检修")
    assert "已取消" in client.get(detail).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        campaign_set_status(actor=None, campaign=jilin_2026_published, status=CampaignStatus.DRAFT)
    assert "南关区读书分享会" not in client.get(finder).content.decode()
    assert client.get(detail).status_code == 404


def test_seats_left_are_always_live(client, make_activity, make_resident):
    from learnweek.registrations.services import registration_create

    activity = make_activity(capacity=2)
    # The anonymous page comes from the cache whole and loads the seats (issue 27): the fragment.
    url = f"/activities/{activity.pk}/seats/"
    assert "剩余 2" in client.get(url, headers={"HX-Request": "true"}).content.decode()
    registration_create(activity_id=activity.pk, phone="13800001234", name="李阿姨")
    assert "剩余 1" in client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_made_up_page_numbers_share_the_last_pages_entry(client, make_activity):
    make_activity("朝阳区全民读书节")
    page, first = activity_queries(client, "/activities/?page=999")
    assert "朝阳区全民读书节" in page and first >= 1  # clamped to the one page there is
    for junk in ("1000", "abc", "-5", "0"):
        page, again = activity_queries(client, f"/activities/?page={junk}")
        assert "朝阳区全民读书节" in page and again == 0, junk  # no recount, no new entry


def test_a_missing_entry_is_built_once_while_others_wait(db):
    """Twelve requests that find the same entry missing at once: one builds it, the others get its
    value (the finder's count of a million rows was built by every thread at once before)."""
    import threading
    import time

    from learnweek.core.public_cache import Generation

    generation = Generation("single-flight-test")
    calls, results = [], []
    start = threading.Barrier(12)

    def build():
        calls.append(1)
        time.sleep(0.2)
        return 986897

    def ask():
        start.wait()
        results.append(generation.cached("count", ("all",), build))

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [986897] * 12
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("first", "again", "counted", "more"),
    [
        # The finder; a made-up page number is clamped to the pages there are.
        ("/activities/", "/activities/?page=9", "共 2 项活动", "超过 3 项活动"),
        ("/regions/220104/", "/regions/220104/", "共 2 项", "超过 3 项"),  # a region's 专题 page
    ],
)
def test_counts_stop_at_the_cap(client, make_activity, monkeypatch, first, again, counted, more):
    from learnweek.activities import selectors

    monkeypatch.setattr(selectors, "FINDER_COUNT_CAP", 3)
    for n in range(2):
        make_activity(f"朝阳区读书会{n}")
    assert counted in client.get(first).content.decode()
    for n in range(2, 5):
        make_activity(f"朝阳区读书会{n}")
    page = client.get(again).content.decode()
    assert more in page
    assert "共 5 项" not in page


def test_an_entry_is_rebuilt_before_it_expires_by_one_request(db, monkeypatch):
    """Past ``REFRESH_AFTER`` the first request rebuilds the entry; others keep the value."""
    from learnweek.core import public_cache

    generation = public_cache.Generation("refresh-test")
    values = iter([1, 2, 3])
    assert generation.cached("n", (), lambda: next(values)) == 1
    assert generation.cached("n", (), lambda: next(values)) == 1  # fresh: not rebuilt
    now = public_cache.time.time()
    monkeypatch.setattr(public_cache.time, "time", lambda: now + public_cache.REFRESH_AFTER + 1)
    assert generation.cached("n", (), lambda: next(values)) == 2  # this request rebuilt it
    monkeypatch.setattr(public_cache.time, "time", lambda: now + public_cache.REFRESH_AFTER + 2)
    assert generation.cached("n", (), lambda: next(values)) == 2  # just rebuilt: kept
