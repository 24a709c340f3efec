"""1,000 simultaneous sign-ups for a 100-seat activity: threads, each with its own connection,
through the real service (``registrations.services.registration_create``); checks that exactly
100 get a seat and 900 a place on the waiting list with no errors, and prints sign-ups per second
beside hand-written SQL doing the same lock-count-insert in the same threads (``bench.public``'s
``_sign_ups``, run here on its own: it needs the benchmark campaign, not the generated
activities)."""

from django.db import connection

from bench.activities import bench_campaign
from bench.public import _sign_ups
from learnweek.campaigns.models import Campaign

# Runs outside the rolled-back transaction of the other benchmarks: the sign-up threads have their
# own connections and see only committed rows. It deletes what it made.
COMMITS = True


def prepare() -> Campaign:
    """The benchmark campaign (its generated activities are not needed)."""
    return bench_campaign()


def run(median_ms, report, campaign: Campaign) -> None:
    if connection.vendor == "postgresql":
        _sign_ups(report, campaign)
