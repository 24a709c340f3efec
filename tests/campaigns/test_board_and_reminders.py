import datetime
import io

import pytest
from celery import current_app
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from learnweek.campaigns.models import DeadlineNotice, Reminder, Submission, WeekSlot, WeekSlotChange
from learnweek.campaigns.selectors import applicable_units, board_for, may_send_reminders, week_counts
from learnweek.campaigns.services import (
    campaign_office_set,
    campaign_update,
    deadline_notices_send,
    reminders_send,
    requirement_update,
    submission_approve,
    submission_return,
    submission_save,
    submission_submit,
    week_slot_apply,
    week_slot_arrange,
)
from learnweek.campaigns.tasks import reminders_request
from learnweek.core.errors import NotFound, PermissionDenied
from learnweek.notices.models import Notice
from learnweek.orgs.models import Unit
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within, within
from learnweek.stats.models import StatsHeader
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


def test_reminders_reach_exactly_the_missing_units(cascade, django_capture_on_commit_callbacks):
    requirement = cascade["board"]
    for code in ["220100", "220104", "220105", "220200"]:
        StaffFactory(unit=unit(code), roles=["reporter"], email=f"{code}@example.cn")
    StaffFactory(unit=unit("220202"), roles=["reporter"], email="")  # no address: in the app only
    hand_in(requirement, "220104")
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_send(actor=None, requirement=requirement)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["220100@example.cn", "220105@example.cn", "220200@example.cn"]
    assert result.in_app == 4 and result.by_email == 3
    assert len(result.unreachable) == result.units - 4
    assert all(reason == "无账号" for _, reason in result.unreachable)
    message = next(m for m in mail.outbox if m.to == ["220105@example.cn"])
    assert "成果展展板素材" in message.body and "还剩 10 天" in message.body
    assert "\n" not in message.subject
    assert Notice.objects.filter(unit=unit("220202"), kind="reminded", email="").count() == 1


def _press(client, requirement, under):
    url = reverse("backoffice:board_remind", args=[requirement.pk]) + f"?under={under}"
    return client.post(url, follow=True).content.decode()


def test_the_remind_button_says_exactly_what_happened(
    client, cascade, province_admin, django_capture_on_commit_callbacks
):
    """吉林市's part of the board: the city's reporter has an address, one county's accounts have
    none (in the app only), the other counties have no account at all (unreachable)."""
    requirement = cascade["board"]
    StaffFactory(unit=unit("220200"), roles=["reporter"], email="jilin-city@example.cn")
    StaffFactory(unit=unit("220202"), roles=["reporter"], email="")
    StaffFactory(unit=unit("220202"), roles=["admin"], email="")
    silent = sorted(
        within(Unit.objects.filter(kind="county"), unit("220200")).exclude(code="220202"),
        key=lambda u: u.path,
    )
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        page = _press(client, requirement, "220200")
    names = "、".join(f"{u.name}（无账号）" for u in silent[:10])
    more = f" 等 {len(silent)} 个" if len(silent) > 10 else ""
    assert f"已通知 2 个单位（站内 2，邮件 1）；无法联系 {len(silent)} 个：{names}{more}。" in page
    assert "已提醒" not in page
    assert [m.to for m in mail.outbox] == [["jilin-city@example.cn"]]
    assert Notice.objects.filter(unit=unit("220202"), kind="reminded").count() == 2  # both accounts


def test_pressing_again_the_same_day_says_so(
    client, cascade, province_admin, django_capture_on_commit_callbacks
):
    requirement = cascade["board"]
    StaffFactory(unit=unit("220200"), roles=["reporter"], email="jilin-city@example.cn")
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _press(client, requirement, "220200")
    first = Reminder.objects.filter(requirement=requirement, unit=unit("220200")).get()
    with django_capture_on_commit_callbacks(execute=True):
        page = _press(client, requirement, "220200")
    missing = len(board_for(province_admin, requirement, "220200").missing_units)
    assert f"已通知 1 个单位（站内 1，邮件 1）；无法联系 {missing - 1} 个" in page
    # Only the unit reached was reminded: the units without an account have no 最近提醒.
    assert f"其中 1 个单位今天已提醒过（最近提醒 {timezone.localtime(first.at):%H:%M}）" in page
    assert Reminder.objects.filter(requirement=requirement).count() == 2
    assert len(mail.outbox) == 2  # it was sent again, and said so
    assert Reminder.objects.filter(requirement=requirement, unit=unit("220200")).count() == 2


def test_the_board_shows_each_units_liaison_and_last_reminder(
    client, cascade, province_admin, django_assert_max_num_queries
):
    requirement = cascade["board"]
    StaffFactory(unit=unit("220200"), roles=["admin"], full_name="王管理", phone="0432-1111111")
    StaffFactory(unit=unit("220200"), roles=["reporter"], full_name="李填报", phone="13900001111")
    StaffFactory(unit=unit("220202"), roles=["reporter"], full_name="赵无电话", phone="")
    StatsHeader.objects.create(
        campaign=cascade["national"], unit=unit("220203"), contact_name="钱表头", mobile="13800002222"
    )
    reminders_send(actor=province_admin, requirement=requirement, under=unit("220200"))
    reminded = timezone.localtime(Reminder.objects.filter(unit=unit("220200")).get().at)
    client.force_login(province_admin)
    url = reverse("backoffice:board", args=[requirement.pk])
    page = client.get(url + "?under=220200").content.decode()
    assert "李填报" in page and "13900001111" in page and "王管理" not in page  # the reporter first
    assert "钱表头" in page and "13800002222" in page  # from the statistics header
    assert "赵无电话" in page
    assert f'title="{reminded:%Y-%m-%d %H:%M}">{reminded.month}-{reminded.day} {reminded:%H:%M}<' in page
    # The national-size rule: the whole province's board costs the same few queries.
    for code in ["220300", "220400", "220500", "220600"]:
        StaffFactory(unit=unit(code), roles=["reporter"], phone="0431-1")
    with django_assert_max_num_queries(30):
        client.get(url)


def test_the_daily_run_tells_each_unit_once_per_threshold(cascade):
    requirement = cascade["board"]  # due in 10 days
    StaffFactory(unit=unit("220104"), roles=["reporter"], email="cy@example.cn")
    assert deadline_notices_send(on=days(2)).notices == 0  # 8 days before: not yet
    seven = deadline_notices_send(on=days(3))
    assert seven.in_app >= 1
    notice = Notice.objects.get(unit=unit("220104"), kind="deadline")
    assert "成果展展板素材" in notice.title and "还剩 7 天" in notice.title
    assert deadline_notices_send(on=days(3)).notices == 0  # the same day again: nothing
    assert deadline_notices_send(on=days(5)).notices == 0  # between the thresholds: nothing
    one = deadline_notices_send(on=days(9))
    assert one.notices >= 1
    assert Notice.objects.filter(unit=unit("220104"), kind="deadline").count() == 2
    assert deadline_notices_send(on=days(9)).notices == 0
    assert DeadlineNotice.objects.filter(requirement=requirement, unit=unit("220104")).count() == 2


def test_a_unit_first_seen_one_day_before_gets_one_notice_not_two(cascade):
    StaffFactory(unit=unit("220104"), roles=["reporter"])
    deadline_notices_send(on=days(9))  # the board is due in 1 day; its 7-day notice was never sent
    assert Notice.objects.filter(unit=unit("220104"), kind="deadline").count() == 1
    deadline_notices_send(on=days(9))
    assert Notice.objects.filter(unit=unit("220104"), kind="deadline").count() == 1


def test_units_that_handed_in_are_not_told_of_the_deadline(cascade):
    StaffFactory(unit=unit("220104"), roles=["reporter"])
    hand_in(cascade["board"], "220104")
    deadline_notices_send(on=days(3))
    assert not Notice.objects.filter(unit=unit("220104"), kind="deadline", title__contains="展板").exists()


def test_the_beat_schedule_runs_the_deadline_notices(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "learnweek.campaigns.tasks.send_deadline_notices" in tasks
    assert "learnweek.campaigns.tasks.send_deadline_notices" in current_app.tasks


def test_remind_button_sends_the_mail_after_the_commit(
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
    assert (
        mail.outbox == []
        and not Reminder.objects.exists()
        and not Notice.objects.filter(kind="reminded").exists()
    )
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


# -- the header's unread count -----------------------------------------------------------------


def test_the_header_counts_the_unread_notice_of_a_return(client, province_board, province_admin):
    reporter = StaffFactory(unit=unit("220104"), roles=["reporter"])
    client.force_login(reporter)
    home = reverse("backoffice:home")
    assert 'class="badge"' not in client.get(home).content.decode()
    submission = Submission.objects.get(requirement=province_board, unit=unit("220104"))
    submission_return(actor=province_admin, submission=submission, reason="照片不够清晰")
    page = client.get(home).content.decode()
    assert '通知 <span class="badge" aria-label="1 条未读">1</span>' in page
    notices = client.get(reverse("backoffice:notices")).content.decode()
    assert "“成果展展板素材”被退回" in notices and "照片不够清晰" in notices
    client.post(reverse("backoffice:notice_read"))
    assert 'class="badge"' not in client.get(home).content.decode()


# -- the weeks (the ministry arranges the provinces') ------------------------------------------


@pytest.fixture
def weeks(cascade, ministry_admin):
    year = cascade["national"].year
    jilin_admin = StaffFactory(unit=unit("220000"), roles=["admin"], email="jl@example.cn")
    week_slot_apply(
        actor=jilin_admin,
        campaign=cascade["national"],
        province=unit("220000"),
        start=datetime.date(year, 5, 11),
        end=datetime.date(year, 5, 17),
    )
    return cascade["national"], year


def test_moving_a_week_needs_a_reason_and_tells_the_province(
    client, weeks, ministry_admin, django_capture_on_commit_callbacks
):
    national, year = weeks
    client.force_login(ministry_admin)
    url = reverse("backoffice:week_slots", args=[national.slug])
    slot = WeekSlot.objects.get(province__code="220000")
    moved = {"slot": slot.pk, "start": f"{year}-05-18", "end": f"{year}-05-24"}
    page = client.post(url, moved, follow=True).content.decode()
    assert "吉林省申请的是 5月11日—5月17日，改为其他日期时请写明理由" in page
    assert not Notice.objects.filter(kind="week_moved").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, moved | {"reason": "与辽宁省错开，便于统筹宣传"})
    slot.refresh_from_db()
    assert (slot.start, slot.status) == (datetime.date(year, 5, 18), "arranged")
    change = WeekSlotChange.objects.get(slot=slot)
    assert (change.from_start, change.start, change.reason) == (
        datetime.date(year, 5, 11),
        datetime.date(year, 5, 18),
        "与辽宁省错开，便于统筹宣传",
    )
    notice = Notice.objects.get(kind="week_moved", unit=unit("220000"))
    assert "5月18日—5月24日" in notice.title
    assert "本省申请 5月11日—5月17日，已调整" in notice.body and "与辽宁省错开" in notice.body
    assert [m.to for m in mail.outbox] == [["jl@example.cn"]]
    page = client.get(url).content.decode()
    assert "申请：5月11日—5月17日" in page and "理由：与辽宁省错开，便于统筹宣传" in page


def test_keeping_the_dates_asked_for_needs_no_reason(weeks, ministry_admin):
    national, year = weeks
    slot = week_slot_arrange(
        actor=ministry_admin,
        campaign=national,
        province=unit("220000"),
        start=datetime.date(year, 5, 11),
        end=datetime.date(year, 5, 17),
    )
    assert slot.status == "arranged"
    assert "按本省申请" in Notice.objects.get(kind="week_moved").body


def test_the_ministry_arranges_a_province_that_did_not_apply(client, weeks, ministry_admin):
    national, year = weeks
    liaoning = unit("210000")
    client.force_login(ministry_admin)
    url = reverse("backoffice:week_slots", args=[national.slug])
    page = client.get(url).content.decode()
    assert "为未申请的省份安排" in page and f'value="{liaoning.pk}"' in page
    client.post(url, {"province": liaoning.pk, "start": f"{year}-05-13", "end": f"{year}-05-19"})
    slot = WeekSlot.objects.get(campaign=national, province=liaoning)
    assert (slot.status, slot.applied_start) == ("arranged", None)
    assert WeekSlotChange.objects.filter(slot=slot).count() == 1
    page = client.get(url).content.decode()
    # Jilin (5-11..17) and Liaoning (5-13..19) share the calendar week of 5-11.
    monday = datetime.date(year, 5, 11) - datetime.timedelta(days=datetime.date(year, 5, 11).weekday())
    sunday = monday + datetime.timedelta(days=6)
    assert "每周省份数" in page
    assert f"<td>{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日</td><td>2</td>" in page
    assert "未申请" in page


def test_a_province_cannot_arrange_its_own_week(client, weeks, province_admin):
    national, year = weeks
    client.force_login(province_admin)
    url = reverse("backoffice:week_slots", args=[national.slug])
    client.post(url, {"province": unit("210000").pk, "start": f"{year}-05-13", "end": f"{year}-05-19"})
    assert not WeekSlot.objects.filter(province__code="210000").exists()


def test_week_counts_count_a_province_in_every_week_it_touches():
    year = 2026
    slots = [
        WeekSlot(start=datetime.date(year, 5, 11), end=datetime.date(year, 5, 17)),  # Mon–Sun
        WeekSlot(start=datetime.date(year, 5, 15), end=datetime.date(year, 5, 20)),  # Fri–Wed
    ]
    assert week_counts(slots) == [
        (datetime.date(year, 5, 11), datetime.date(year, 5, 17), 2),
        (datetime.date(year, 5, 18), datetime.date(year, 5, 24), 1),
    ]


# -- an opening ceremony outside the week ------------------------------------------------------


def test_a_ceremony_outside_the_week_is_said_where_it_is_shown(client, cascade, province_admin):
    jilin = cascade["jilin"]
    year = jilin.year
    campaign_update(
        actor=None,
        campaign=jilin,
        week_start=datetime.date(year, 5, 11),
        week_end=datetime.date(year, 5, 17),
        ceremony_venue="长春市图书馆",
        ceremony_date=datetime.date(year, 9, 20),
    )
    warning = "开幕式（9月20日）不在活动周内（5月11日—5月17日）"
    client.force_login(province_admin)
    assert warning in client.get(reverse("backoffice:campaign", args=[jilin.slug])).content.decode()
    assert warning in client.get(reverse("public:region", args=["220000"])).content.decode()
    campaign_update(actor=None, campaign=jilin, ceremony_date=datetime.date(year, 5, 12))
    assert "不在活动周内" not in client.get(reverse("public:region", args=["220000"])).content.decode()
    assert (
        "不在活动周内" not in client.get(reverse("backoffice:campaign", args=[jilin.slug])).content.decode()
    )


def test_the_board_says_before_the_press_which_units_no_reminder_can_reach(client, cascade, province_admin):
    requirement = cascade["board"]
    StaffFactory(unit=unit("220200"), roles=["reporter"], email="jilin-city@example.cn")
    board = board_for(province_admin, requirement, "220200")
    without = [u for u in board.missing_units if u.code != "220200"]
    client.force_login(province_admin)
    page = client.get(reverse("backoffice:board", args=[requirement.pk]) + "?under=220200").content.decode()
    assert f"提醒未提交的 {len(board.missing_units)} 个单位" in page
    assert f"其中 {len(without)} 个单位没有账号，系统提醒不到，请电话联系。" in page


def test_the_board_follows_at_once_a_change_of_who_answers_and_who_looks(cascade, province_admin, city_admin):
    requirement = cascade["board"]
    before = board_for(province_admin, requirement)
    assert {row.unit.kind for row in before.rows} == {"prefecture", "county"}
    requirement = requirement_update(actor=None, requirement=requirement, applies_to=["prefecture"])
    after = board_for(province_admin, requirement)
    assert {row.unit.kind for row in after.rows} == {"prefecture"}
    assert after.total == within(Unit.objects.filter(kind="prefecture"), unit("220000")).count()
    in_path_order = within(applicable_units(requirement), unit("220000")).order_by("path")
    assert [row.unit.code for row in after.rows] == list(in_path_order.values_list("code", flat=True))
    city = board_for(city_admin, requirement)
    assert [row.unit.code for row in city.rows] == ["220100"]
    hand_in(requirement, "220100")
    assert board_for(city_admin, requirement).rows[0].label == "已提交"
