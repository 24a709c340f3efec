"""The 附表1 answered from the registry: a county marks its demonstration activities on its live
table, hands it in frozen, the city returns or approves it, and the city's own table takes the
approved county tables with its own rows."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from learnweek.accounts.models import PersonalDataExport
from learnweek.activities import demo_table as tables
from learnweek.activities.exporters import FrozenFubiao1Exporter, Fubiao1Exporter
from learnweek.activities.fubiao1 import HEADER
from learnweek.activities.models import Activity, DemoTableSnapshot
from learnweek.activities.services import activity_create, activity_update
from learnweek.campaigns import services as campaigns
from learnweek.campaigns.models import CampaignStatus, RequirementKind, SubmissionState
from learnweek.core.errors import DomainError
from learnweek.core.exporters import text_width
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, SIBLING_COUNTY, unit
from tests.office import pdf_pages

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def _at(day: int) -> datetime.datetime:
    return datetime.datetime(2023, 10, day, 9, tzinfo=TZ)


@pytest.fixture
def chain(jilin_2023_derived):
    """Jilin's 附表1 for its cities; 长春市 passes it down to its districts."""
    province_table = campaigns.requirement_create(
        actor=None,
        campaign=jilin_2023_derived,
        kind=RequirementKind.DEMO_TABLE,
        title="2023年“吉林省全民终身学习示范活动”汇总表（附件1）",
        applies_to=["prefecture"],
        deadline=datetime.date(2023, 12, 28),
    )
    city_campaign = campaigns.campaign_derive(
        actor=None, parent=jilin_2023_derived, unit=unit(CITY), slug="cc23", title="长春"
    )
    campaigns.campaign_set_status(actor=None, campaign=city_campaign, status=CampaignStatus.PUBLISHED)
    city_table = campaigns.requirement_create(
        actor=None,
        campaign=city_campaign,
        parent_requirement=province_table,
        applies_to=["county"],
        deadline=datetime.date(2023, 12, 20),
    )
    return province_table, city_table


def _activity(organiser, name, day, **values):
    return activity_create(
        actor=None,
        campaign=values.pop("campaign"),
        organiser=organiser,
        name=name,
        category="themed_reading",
        start=_at(day),
        end=_at(day),
        address="朝阳区图书馆",
        headcount=80,
        **values,
    )


@pytest.fixture
def activities(jilin_2023_derived):
    county, sibling, city = unit(COUNTY), unit(SIBLING_COUNTY), unit(CITY)
    c = jilin_2023_derived
    return {
        "read": _activity(county, "全民读书节", 15, campaign=c, is_demonstration=True),
        "lecture": _activity(county, "社区公开课", 16, campaign=c, is_demonstration=True),
        "plain": _activity(county, "书法体验", 17, campaign=c),
        "sibling": _activity(sibling, "南关区读书会", 18, campaign=c, is_demonstration=True),
        "city": _activity(city, "长春市开幕式", 14, campaign=c, is_demonstration=True),
    }


@pytest.fixture
def county_reporter(tree):
    return StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])


@pytest.fixture
def city_staff(tree):
    return StaffFactory(unit=unit(CITY), roles=[Role.REPORTER, Role.REVIEWER])


def _page(client, user, requirement, code):
    client.force_login(user)
    return client.get(reverse("backoffice:demo_table", args=[requirement.pk]) + f"?unit={code}")


def _submit(client, requirement, code, **data):
    return client.post(
        reverse("backoffice:demo_table_submit", args=[requirement.pk]),
        {"unit": code, "submit": "1", **data},
    )


def test_the_task_opens_the_live_table_of_the_units_demonstration_activities(
    client, chain, activities, county_reporter
):
    _, city_table = chain
    client.force_login(county_reporter)
    response = client.get(reverse("backoffice:submission_edit", args=[city_table.pk]))
    assert response.status_code == 302
    assert response.url == tables.table_url(city_table, unit(COUNTY))
    page = client.get(response.url).content.decode()
    assert "本单位示范活动（2 项）" in page
    assert "全民读书节" in page and "社区公开课" in page
    assert "南关区读书会" not in page and "长春市开幕式" not in page  # other units' rows
    assert "书法体验" in page  # offered for marking, not in the table
    assert "标题" not in page  # no blank title/body form


def test_marking_and_unmarking_changes_the_table_and_a_foreign_activity_changes_nothing(
    client, chain, activities, county_reporter
):
    _, city_table = chain
    client.force_login(county_reporter)
    url = reverse("backoffice:demo_table_mark", args=[city_table.pk])
    client.post(url, {"unit": COUNTY, "action": "mark", "activity": [activities["plain"].pk]})
    assert Activity.objects.get(pk=activities["plain"].pk).is_demonstration
    client.post(url, {"unit": COUNTY, "action": "unmark", "activity": [activities["lecture"].pk]})
    assert not Activity.objects.get(pk=activities["lecture"].pk).is_demonstration

    response = client.post(
        url,
        {"unit": COUNTY, "action": "unmark", "activity": [activities["read"].pk, activities["sibling"].pk]},
        follow=True,
    )
    assert "所选的 1 项活动不是 朝阳区 本单位的本年度活动，未作任何修改" in response.content.decode()
    assert Activity.objects.get(pk=activities["read"].pk).is_demonstration  # all or nothing


def test_handing_in_without_a_contact_keeps_what_was_typed_and_names_the_field(
    client, chain, activities, county_reporter
):
    _, city_table = chain
    client.force_login(county_reporter)
    response = _submit(client, city_table, COUNTY, contact_name="", contact_phone="0431-85551234")
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写填表联系人" in page
    assert 'value="0431-85551234"' in page
    assert not city_table.submissions.filter(state=SubmissionState.SUBMITTED).exists()


def test_an_empty_table_is_not_handed_in(client, chain, county_reporter, jilin_2023_derived):
    _, city_table = chain
    _activity(unit(COUNTY), "书法体验", 17, campaign=jilin_2023_derived)
    client.force_login(county_reporter)
    response = _submit(client, city_table, COUNTY, contact_name="王老师", contact_phone="0431-85551234")
    assert response.status_code == 400
    assert "表中还没有示范活动" in response.content.decode()


def test_handing_in_freezes_the_rows_for_the_reviewer_and_the_export(
    client, chain, activities, county_reporter, city_staff
):
    _, city_table = chain
    client.force_login(county_reporter)
    response = _submit(client, city_table, COUNTY, contact_name="王老师", contact_phone="0431-85551234")
    submission = city_table.submissions.get(unit=unit(COUNTY))
    assert response.status_code == 302 and submission.state == SubmissionState.SUBMITTED
    # Later changes reach the activities, not the handed-in table; marking is refused meanwhile.
    activity_update(actor=None, activity=activities["read"], name="改过的名称")
    with pytest.raises(DomainError, match="已冻结"):
        tables.demonstration_set(
            actor=county_reporter,
            requirement=city_table,
            unit=unit(COUNTY),
            activity_ids=[activities["plain"].pk],
            on=True,
        )

    client.force_login(city_staff)
    page = client.get(reverse("backoffice:submission", args=[submission.pk])).content.decode()
    assert "报送的附表1" in page and "2 项活动" in page
    assert "全民读书节" in page and "改过的名称" not in page
    assert "王老师" in page and "0431-85551234" in page

    export = client.get(reverse("backoffice:demo_table_frozen", args=[submission.pk]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "2023年“吉林省全民终身学习示范活动”汇总表"
    assert rows[1][0] == "吉林省　长春市　朝阳区"
    assert [r[1] for r in rows[3:5]] == ["全民读书节", "社区公开课"]
    assert rows[-1][0] == "填表联系人：王老师　　联系电话：0431-85551234"
    # The table holds phone numbers and a contact person: taking it is logged, as on the list.
    logged = PersonalDataExport.objects.latest("pk")
    assert logged.what == "附表1 汇总表（已提交）" and "朝阳区" in logged.detail


def test_returned_then_corrected_then_approved_reaches_the_citys_combined_table(
    client, chain, activities, county_reporter, city_staff
):
    province_table, city_table = chain
    county = unit(COUNTY)
    tables.demo_table_submit(
        actor=county_reporter,
        requirement=city_table,
        unit=county,
        contact_name="王老师",
        contact_phone="0431-85551234",
    )
    submission = city_table.submissions.get(unit=county)
    campaigns.submission_return(actor=city_staff, submission=submission, reason="请补充书法体验")
    assert "请补充书法体验" in _page(client, county_reporter, city_table, COUNTY).content.decode()
    tables.demonstration_set(
        actor=county_reporter,
        requirement=city_table,
        unit=county,
        activity_ids=[activities["plain"].pk],
        on=True,
    )
    tables.demo_table_submit(
        actor=county_reporter,
        requirement=city_table,
        unit=county,
        contact_name="王老师",
        contact_phone="0431-1",
    )
    submission.refresh_from_db()
    assert submission.state == SubmissionState.RESUBMITTED
    assert len(tables.frozen_table(submission).data["rows"]) == 3

    city_page = _page(client, city_staff, province_table, CITY).content.decode()
    assert "下级报送的附表1（已通过 0 /" in city_page
    campaigns.submission_approve(actor=city_staff, submission=submission)
    city_page = _page(client, city_staff, province_table, CITY).content.decode()
    assert "下级报送的附表1（已通过 1 /" in city_page and "3 项（并入）" in city_page
    assert "本单位示范活动（1 项）" in city_page  # the city's own row only, not the districts'

    city = tables.demo_table_submit(
        actor=city_staff,
        requirement=province_table,
        unit=unit(CITY),
        contact_name="李老师",
        contact_phone="1",
    )
    frozen = tables.frozen_table(city).data
    assert [r["name"] for r in frozen["rows"]] == ["长春市开幕式", "全民读书节", "社区公开课", "书法体验"]
    assert frozen["sources"] == [{"unit": "朝阳区", "code": COUNTY, "rows": 3}]


def test_another_units_table_is_missing(client, chain, activities, tree):
    _, city_table = chain
    sibling = StaffFactory(unit=unit(SIBLING_COUNTY), roles=[Role.REPORTER])
    assert _page(client, sibling, city_table, COUNTY).status_code == 404
    # The province's own requirement is not the county's to answer.
    province_table, _ = chain
    province = StaffFactory(unit=unit(PROVINCE), roles=[Role.REVIEWER])
    assert _page(client, province, province_table, COUNTY).status_code == 404
    assert _page(client, province, city_table, COUNTY).status_code == 200  # read only
    assert "提交附表1" not in _page(client, province, city_table, COUNTY).content.decode()


def test_the_handed_in_table_prints_on_a4_and_goes_into_the_units_package(chain, activities, county_reporter):
    from learnweek.campaigns.packages import unit_package

    _, city_table = chain
    submission = tables.demo_table_submit(
        actor=county_reporter,
        requirement=city_table,
        unit=unit(COUNTY),
        contact_name="王老师",
        contact_phone="1",
    )
    package = unit_package(city_table.campaign, unit(COUNTY)).render("zip").content
    archive = zipfile.ZipFile(io.BytesIO(package))
    entries = {name: archive.read(name) for name in archive.namelist()}
    (path,) = [p for p in entries if p.endswith(".xlsx")]
    assert path.startswith("01-") and "附表1-cc23-220104" in path
    sheet = load_workbook(io.BytesIO(entries[path])).active
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$3:$3"  # the header row on every page
    assert sheet["B4"].border.left.style == "thin" and sheet["H4"].alignment.wrap_text
    assert submission.state == SubmissionState.SUBMITTED


def test_the_board_names_the_tables_own_contact_and_the_download_holds_the_merged_rows(
    client, chain, activities, county_reporter, city_staff
):
    province_table, city_table = chain
    county = unit(COUNTY)
    submission = tables.demo_table_submit(
        actor=county_reporter,
        requirement=city_table,
        unit=county,
        contact_name="王老师",
        contact_phone="0431-85551234",
    )
    client.force_login(city_staff)
    board = client.get(reverse("backoffice:board", args=[city_table.pk])).content.decode()
    assert "王老师" in board and 'href="tel:0431-85551234"' in board
    campaigns.submission_approve(actor=city_staff, submission=submission)
    export = client.get(reverse("backoffice:demo_table_export", args=[province_table.pk]) + f"?unit={CITY}")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "吉林省　长春市"  # a city's table has no district blank
    assert [r[1] for r in rows[3:6]] == ["长春市开幕式", "全民读书节", "社区公开课"]


def _frozen(rows: int) -> DemoTableSnapshot:
    """A handed-in table of ``rows`` activities as a county writes them (long 活动内容 included)."""
    return DemoTableSnapshot(
        taken_at=timezone.now(),
        data={
            "contact_name": "王老师",
            "contact_phone": "0431-85551234",
            "rows": [
                {
                    "name": f"第{i}期社区读书会",
                    "time": "2023年10月15日 14:00—16:30",
                    "address": "长春市朝阳区湖西路街道社区学习中心",
                    "organiser": "朝阳区社区教育学院",
                    "headcount": 80,
                    "phone": "0431-85551234",
                    "content": "围绕终身学习主题开展好书共读、读书分享和亲子阅读，邀请社区居民参与交流。",
                }
                for i in range(1, rows + 1)
            ],
        },
    )


def test_the_exports_title_and_region_row_are_the_notices(chain, jilin_2023_derived, tree):
    """The title exactly as the notice names the table, the region row with the names filled in
    (never 长春市市 or 朝阳区区), down to the unit's own level."""
    province_table, city_table = chain
    title = "2023年“吉林省全民终身学习示范活动”汇总表"
    for requirement, code, region in (
        (province_table, PROVINCE, "吉林省"),
        (province_table, CITY, "吉林省　长春市"),
        (city_table, COUNTY, "吉林省　长春市　朝阳区"),
    ):
        exporter = FrozenFubiao1Exporter(requirement, unit(code), _frozen(1))
        rows = list(load_workbook(io.BytesIO(exporter.to_xlsx())).active.iter_rows(values_only=True))
        assert (rows[0][0], rows[1][0]) == (title, region), code
    # The registry's export of the demonstration activities bears the notice's name too; the
    # export of all activities says what it holds.
    for demonstration, name in ((True, title), (False, "2023年“吉林省全民终身学习活动”汇总表")):
        exporter = Fubiao1Exporter(
            jilin_2023_derived, unit(COUNTY), Activity.objects.none(), demonstration=demonstration
        )
        assert (exporter.title(), exporter.preamble()) == (name, [["吉林省　长春市　朝阳区"]])
    district = Fubiao1Exporter(
        jilin_2023_derived, unit("110101"), Activity.objects.none(), demonstration=False
    )
    assert district.preamble() == [["北京市　东城区"]]  # a municipality's district has no city


@pytest.mark.parametrize(("rows", "pages"), [(10, 1), (60, None), (1000, None)])
def test_the_table_prints_on_a4_landscape_with_its_header_on_every_page(chain, tmp_path, rows, pages):
    _, city_table = chain
    content = FrozenFubiao1Exporter(city_table, unit(COUNTY), _frozen(rows)).to_xlsx()
    sheet = load_workbook(io.BytesIO(content)).active
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFGH"]
    assert all(w >= text_width(h) for w, h in zip(widths, HEADER, strict=True))
    assert sheet["A1"].value == "2023年“吉林省全民终身学习示范活动”汇总表"
    printed = pdf_pages(content, tmp_path, "xlsx")
    assert {(w, h) for w, h, _ in printed} == {(297, 210)}  # A4 landscape
    if pages is not None:
        assert len(printed) == pages
    else:
        assert len(printed) > 1
    for number, (_w, _h, text) in enumerate(printed, start=1):
        assert "序号" in text and "活动名称" in text and "报名电话" in text, number  # the header
        assert f"第 {number} 页，共 {len(printed)} 页" in text
    everything = "".join(text for _w, _h, text in printed)
    assert f"第{rows}期社区读书会" in everything and "填表联系人：王老师" in everything
