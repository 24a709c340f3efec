"""The statistics page says how many counted activities have no 参加人次 yet: 人数 is a plan,
never attendance, so an imported 附表1 adds its activities but not its headcounts."""

import pytest

from learnweek.activities.models import Activity
from learnweek.activities.services import activities_import, activity_update
from learnweek.stats.selectors import stats_table
from tests.activities.helpers import fubiao1
from tests.helpers import unit

pytestmark = pytest.mark.django_db


def test_the_page_counts_the_activities_without_person_times(client, year, province_reporter):
    client.force_login(province_reporter)
    assert "其中 1 项活动尚未填写参加人次" in client.get("/office/stats/jl23/").content.decode()
    # 南关区's “other” activity has 999 person-times but counts in no column; Beijing's is not Jilin's
    assert stats_table(year.jilin, unit("220104")).missing_person_times == 0
    assert stats_table(year.beijing, unit("110000")).missing_person_times == 1
    picks = Activity.objects.get(category="publisher_picks", organiser=unit("220100"))
    activity_update(actor=None, activity=picks, person_times=80)
    assert "尚未填写参加人次" not in client.get("/office/stats/jl23/").content.decode()


def test_an_imported_table_counts_its_activities_but_not_its_headcounts(client, year, province_reporter):
    rows = [["全民读书节", "2023年9月20日", "朝阳区图书馆", "朝阳区教育局", 200, "", "好书共读"]]
    before = stats_table(year.jilin, unit("220104")).county["theme_reading"]
    activities_import(actor=None, campaign=year.jilin, unit=unit("220104"), source=fubiao1(rows))
    after = stats_table(year.jilin, unit("220104")).county["theme_reading"]
    assert (after.activities - before.activities, after.person_times - before.person_times) == (1, 0)
    client.force_login(province_reporter)
    assert "其中 2 项活动尚未填写参加人次" in client.get("/office/stats/jl23/").content.decode()
