"""Loading the whole demo: each domain app's demo data in the order they depend on each other.

Staff accounts and institutions first (the activities, nominations and materials are made by
those accounts), then this year's campaign with its activities, then nominations, the material
show and the reading lists. Every step is idempotent, so `make demo` may be run again.
"""

from __future__ import annotations

from dataclasses import dataclass

from learnweek.accounts.demo import demo_load
from learnweek.accounts.models import User
from learnweek.activities.demo import demo_current_campaign
from learnweek.campaigns.demo import demo_city_campaign
from learnweek.campaigns.models import Campaign
from learnweek.materials.demo import demo_materials
from learnweek.nominations.demo import demo_nominations
from learnweek.reading.demo import demo_reading


@dataclass(frozen=True)
class DemoLoaded:
    """What one run made or found: the command prints it."""

    accounts: list[User]
    campaign: Campaign
    nominations: int
    materials: int
    reading: int


def demo_load_all() -> DemoLoaded:
    accounts = demo_load()
    demo_city_campaign()
    campaign = demo_current_campaign()
    return DemoLoaded(
        accounts=accounts,
        campaign=campaign,
        nominations=demo_nominations(),
        materials=demo_materials(),
        reading=demo_reading(),
    )
