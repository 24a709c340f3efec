from django.core.management import call_command

from learnweek.activities.models import Activity
from learnweek.campaigns.services import campaign_create
from learnweek.orgs.selectors import within


def test_generated_activities_are_valid_and_spread_over_the_tree(tree, capsys):
    from tests.helpers import unit

    campaign = campaign_create(actor=None, issuing_unit=unit("220000"), year=2023, slug="gen", title="gen")
    call_command("generate", "--campaign", "gen", "--activities", "500")
    call_command("generate", "--campaign", "gen", "--activities", "500", "--if-empty")
    assert "已有活动，未再生成" in capsys.readouterr().out
    activities = Activity.objects.filter(campaign=campaign)
    assert activities.count() == 500
    assert all(
        a.unit_path == a.organiser.path and a.end >= a.start for a in activities.select_related("organiser")
    )
    assert activities.values("organiser").distinct().count() > 20
    assert within(activities, unit("220000"), path_field="unit_path").count() == activities.count()
