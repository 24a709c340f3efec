import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from learnweek.campaigns.selectors import board_for, may_send_reminders
from learnweek.campaigns.services import (
    campaign_office_set,
    reminders_send,
    submission_approve,
    submission_save,
    submission_submit,
)
from learnweek.campaigns.tasks import reminders_request
from learnweek.core.errors import NotFound, PermissionDenied
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within, within
from tests.campaigns.helpers import days
from tests.factories import StaffFactory
from tests.helpers import unit


def hand_in(requirement, code, *, approve_by=None, body="正文内容已经足够长了。"):
    submission = submission_save(
        actor=None, requirement=requirement, unit=unit(code), title="题目", body=body
    )
    submission = submission_submit(actor=None, submission=submission)
    if approve_by:
        submission = submission_approve(actor=approve_by, submission=submission)
    return submission


@pytest.fixture
def province_board(cascade, province_admin):
    requirement = cascade["board"]
    hand_in(requirement, "220100", approve_by=province_admin)  # 长春市
    hand_in(requirement, "220104")  # 长春市朝阳区, awaiting review
    submission_save(actor=None, requirement=requirement, unit=unit("220105"), body="草稿")  # 二道区
    return requirement


def test_board_shows_the_true_state_of_every_unit(province_board, province_admin):
    board = board_for(province_admin, province_board)
    jilin_units = within(Unit.objects.filter(kind__in=["prefecture", "county"]), unit("220000"))
    assert board.total == jilin_units.count()
    states = {row.unit.code: row.label for row in board.rows}
    assert states["220100"] == "已通过"
    assert states["220104"] == "已提交"
    assert states["220105"] == "草稿"
    assert states["220200"] == "未开始"
    assert board.counts["approved"] == 1 and board.counts["submitted"] == 1 and board.counts["draft"] == 1
    assert board.handed_in == 2 and board.percent == round(200 / board.total)


def test_board_drills_down_from_the_province_to_a_city(province_board, province_admin):
    board = board_for(province_admin, province_board)
    changchun = next(g for g in board.groups if g.unit.code == "220100")
    assert changchun.total == 1 + Unit.objects.get(code="220100").get_children().filter(kind="county").count()
    assert changchun.handed_in == 2
    city = board_for(province_admin, province_board, "220100")
    assert {row.unit.code for row in city.rows} >= {"220100", "220104", "220105"}
    assert not any(row.unit.code.startswith("2202") for row in city.rows)


def test_a_city_sees_only_its_part_and_a_county_cannot_open_a_sibling(
    province_board, city_admin, county_admin
):
    board = board_for(city_admin, province_board)
    assert board.under.code == "220100"
    assert all(is_within(board.under, row.unit) for row in board.rows)
    with pytest.raises(NotFound):
        board_for(county_admin, province_board, "220105")


def test_overdue_units_show_as_overdue(province_board, province_admin):
    board = board_for(province_admin, province_board, on=days(11))
    states = {row.unit.code: row.state for row in board.rows}
    assert states["220200"] == "overdue" and states["220105"] == "overdue"
    assert states["220104"] == "submitted"


def test_board_exports_to_xlsx(client, province_board, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("backoffice:board_export", args=[province_board.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "成果展展板素材" in rows[0][0]
    assert rows[1][:6] == ("序号", "单位", "代码", "层级", "上级单位", "状态")
    by_code = {row[2]: row for row in rows[2:] if row[2]}
    assert by_code["220100"][5] == "已通过" and by_code["220104"][4] == "长春市"
    assert by_code["220104"][6]  # the real submission time


def test_board_page_shows_counts_and_a_progress_bar(client, province_board, province_admin):
    client.force_login(province_admin)
    page = client.get(reverse("backoffice:board", args=[province_board.pk])).content.decode()
    assert "已提交 2 个" in page and 'class="progress"' in page and "长春市" in page


def test_reminders_reach_exactly_the_missing_units(cascade, province_admin):
    requirement = cascade["board"]
    for code in ["220100", "220104", "220105", "220200"]:
        StaffFactory(unit=unit(code), roles=["reporter"], email=f"{code}@example.cn")
    StaffFactory(unit=unit("220202"), roles=["reporter"], email="")  # no address: cannot be reached
    hand_in(requirement, "220104")
    result = reminders_send(within_days=10, requirement=requirement)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["220100@example.cn", "220105@example.cn", "220200@example.cn"]
    assert result["sent"] == 3 and result["unreachable"] == result["units"] - 3
    message = next(m for m in mail.outbox if m.to == ["220105@example.cn"])
    assert "成果展展板素材" in message.body and "还剩 10 天" in message.body


def test_the_daily_run_only_reminds_of_what_is_due_soon(cascade):
    StaffFactory(unit=unit("220104"), roles=["reporter"], email="cy@example.cn")
    reminders_send(within_days=3)
    assert mail.outbox == []  # the nearest deadline for the district is 10 days away
    reminders_send(within_days=10)
    assert [m.to for m in mail.outbox] == [["cy@example.cn"]]
    assert "成果展展板素材" in mail.outbox[0].body and "活动开展情况统计表" not in mail.outbox[0].body


def test_remind_button_queues_the_task(
    client, province_board, province_admin, django_capture_on_commit_callbacks
):
    StaffFactory(unit=unit("220200"), roles=["reporter"], email="jilin-city@example.cn")
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("backoffice:board_remind", args=[province_board.pk]))
    assert response.status_code == 302
    assert ["jilin-city@example.cn"] in [m.to for m in mail.outbox]


def test_campaign_office_staff_act_with_the_issuing_units_scope(cascade, tree):
    office = Unit.objects.get(code="CY-SCHOOL")  # any institution under the province will do
    jilin = cascade["jilin"]
    campaign_office_set(actor=None, campaign=jilin, office=office)
    staff = StaffFactory(unit=office, roles=["reviewer"])
    board = board_for(staff, cascade["board"])
    assert board.under.code == "220000" and board.total > 50
    # ... for that campaign only: the national one stays out of reach.
    with pytest.raises(NotFound):
        board_for(staff, cascade["stats"], "220000")


def test_only_reviewers_and_admins_queue_reminders(
    province_board, province_admin, django_capture_on_commit_callbacks
):
    StaffFactory(unit=unit("220200"), roles=["reporter"], email="jilin-city@example.cn")
    reporter = StaffFactory(unit=unit("220000"), roles=[Role.REPORTER])
    assert not may_send_reminders(reporter) and may_send_reminders(province_admin)
    with pytest.raises(PermissionDenied, match="只有审核员或管理员可以发送提醒"):
        reminders_request(actor=reporter, requirement=province_board, under=unit("220000"))
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        reminders_request(actor=province_admin, requirement=province_board, under=unit("220000"))
    assert ["jilin-city@example.cn"] in [m.to for m in mail.outbox]


def test_the_board_offers_the_remind_button_only_to_those_who_may_send(
    client, province_board, province_admin
):
    reporter = StaffFactory(unit=unit("220000"), roles=[Role.REPORTER])
    url = reverse("backoffice:board", args=[province_board.pk])
    client.force_login(reporter)
    assert "提醒未提交的" not in client.get(url).content.decode()
    client.force_login(province_admin)
    assert "提醒未提交的" in client.get(url).content.decode()
