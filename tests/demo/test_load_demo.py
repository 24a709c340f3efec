"""`learnweek load-demo` (what `make demo` runs) loads every domain app's demo data."""

import io

from django.core.management import call_command

from learnweek.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from learnweek.accounts.models import User


def test_load_demo_makes_the_accounts_and_says_so(tree, monkeypatch):
    monkeypatch.setattr("learnweek.activities.demo.DEMO_ACTIVITIES", 20)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    assert f"演示账号密码：{DEMO_PASSWORD}" in printed
    assert "本年度演示活动：" in printed and "（20 项活动）" in printed
    for account in DEMO_ACCOUNTS:
        assert User.objects.filter(username=account.username).exists()
        assert account.username in printed


def test_the_demo_district_has_jilins_table_and_statistics_passed_down_by_its_city(tree):
    import datetime

    from learnweek.campaigns.demo import demo_city_campaign
    from learnweek.campaigns.models import RequirementKind
    from learnweek.campaigns.seeds import campaigns_seed
    from learnweek.campaigns.selectors import tasks_for_unit
    from tests.helpers import COUNTY, unit

    campaigns_seed()
    city = demo_city_campaign()
    assert demo_city_campaign() == city  # a second run adds nothing
    assert city.requirements.count() == 2
    tasks = {t.requirement.kind: t for t in tasks_for_unit(unit(COUNTY), on=datetime.date(2023, 9, 25))}
    table = tasks[RequirementKind.DEMO_TABLE].requirement
    assert table.campaign == city and table.parent_requirement.campaign.slug == "2023-jilin"
    assert table.deadline == table.parent_requirement.deadline - datetime.timedelta(days=5)
    assert tasks[RequirementKind.STATISTICS].requirement.campaign == city
