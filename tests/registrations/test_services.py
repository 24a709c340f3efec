"""Sign-ups, the waiting list, cancellation and check-in, as a resident and an organiser see them."""

import datetime

import pytest
from django.utils import timezone

from learnweek.activities.services import activity_cancel, activity_update
from learnweek.core.errors import DomainError, NotFound
from learnweek.orgs.roles import Role
from learnweek.registrations.models import Registration, RegistrationStatus
from learnweek.registrations.services import checkin, registration_cancel, registration_create
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, SIBLING_COUNTY, unit


def sign_up(activity, phone, name="张三", resident=None):
    return registration_create(activity_id=activity.pk, phone=phone, name=name, resident=resident)


def test_seats_then_waiting_list_then_a_freed_seat_goes_to_the_first_waiting(
    make_activity, make_resident, sms_outbox, django_capture_on_commit_callbacks
):
    activity = make_activity(capacity=2)
    people = [make_resident() for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        results = [sign_up(activity, p.phone, resident=p) for p in people]
    assert [r.status for r in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r.position for r in results] == [None, None, 1, 2]
    # Seats are confirmed by text message; a place on the waiting list is told on the page only.
    assert [phone for phone, _ in sms_outbox] == [people[0].phone, people[1].phone]
    assert all("您已报名" in text and "签到码" in text for _, text in sms_outbox)

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(resident=people[0], registration=results[0].registration)

    states = dict(Registration.objects.values_list("phone", "status"))
    assert states[people[0].phone] == "cancelled"
    assert states[people[2].phone] == "confirmed"  # the first waiting got the seat
    assert states[people[3].phone] == "waitlisted"
    assert Registration.objects.filter(activity=activity, status="confirmed").count() == 2
    assert any(phone == people[2].phone and "已有名额，报名成功" in text for phone, text in sms_outbox)


def test_one_person_registers_once_and_may_sign_up_again_after_cancelling(make_activity, make_resident):
    activity = make_activity(capacity=10)
    resident = make_resident()
    first = sign_up(activity, resident.phone, resident=resident)
    with pytest.raises(DomainError, match="每人只能报名一次"):
        sign_up(activity, "138 0000 " + resident.phone[-4:], resident=resident)  # typed with spaces
    assert Registration.objects.count() == 1
    registration_cancel(resident=resident, registration=first.registration)
    assert sign_up(activity, resident.phone, resident=resident).status == "confirmed"


@pytest.mark.parametrize("phone", ["1380000123", "23800001234", "138-0000-12345", "电话", ""])
def test_malformed_mobile_numbers_are_refused_and_nothing_is_written(make_activity, phone):
    activity = make_activity()
    with pytest.raises(DomainError, match="手机号码.*格式不正确"):
        sign_up(activity, phone)
    assert not Registration.objects.exists()


def test_past_and_cancelled_activities_take_no_sign_ups(make_activity, county_reporter):
    past = make_activity("已结束的讲座", days=-3)
    with pytest.raises(DomainError, match="已结束"):
        sign_up(past, "13800001111")
    called_off = make_activity("取消的讲座")
    activity_cancel(actor=county_reporter, activity=called_off, reason="场地维修")
    with pytest.raises(DomainError, match="已取消"):
        sign_up(called_off, "13800001111")
    assert not Registration.objects.exists()


def test_internal_activities_cannot_be_signed_up_for(make_activity):
    internal = make_activity("内部培训", is_internal=True)
    with pytest.raises(NotFound):
        sign_up(internal, "13800001111")


def test_an_activity_number_out_of_range_is_not_found_and_nothing_is_written(make_activity):
    make_activity()
    for pk in (2**63, -(2**63) - 1):  # beyond any id column: not found, as for any unknown id
        with pytest.raises(NotFound, match="没有这项活动"):
            registration_create(activity_id=pk, phone="13800001111", name="张三")
    assert not Registration.objects.exists()


def test_an_activity_called_off_while_the_sign_up_waits_refuses_it_and_keeps_its_seats(
    called_off_while_waiting, county_reporter
):
    activity = called_off_while_waiting
    with pytest.raises(DomainError, match="已取消"):
        sign_up(activity, "13800001111")
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.waitlisted_count) == (0, 0)
    assert not Registration.objects.exists() and not Registration.history.exists()


def test_the_text_confirming_a_seat_names_the_activity_as_the_public_sees_it(
    make_activity, sms_outbox, django_capture_on_commit_callbacks
):
    activity = make_activity("读书会（报名 13712345678）")
    with django_capture_on_commit_callbacks(execute=True):
        signup = sign_up(activity, "13800001111")
    ((phone, text),) = sms_outbox
    assert phone == "13800001111" and signup.registration.code_display in text
    assert "137****5678" in text and "13712345678" not in text


def test_cancelling_an_activity_tells_everyone_registered(
    make_activity, make_resident, county_reporter, sms_outbox, django_capture_on_commit_callbacks
):
    activity = make_activity(capacity=1)
    a, b = make_resident(), make_resident()
    sign_up(activity, a.phone, resident=a)
    sign_up(activity, b.phone, resident=b)
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        activity_cancel(actor=county_reporter, activity=activity, reason="暴雪预警")
    assert sorted(phone for phone, _ in sms_outbox) == sorted([a.phone, b.phone])
    assert all(f"“{activity.name}”" in text and "已取消" in text for _, text in sms_outbox)


def test_a_larger_capacity_seats_the_waiting_list_and_a_smaller_one_is_refused(
    make_activity, make_resident, county_reporter
):
    activity = make_activity(capacity=1)
    people = [make_resident() for _ in range(3)]
    for p in people:
        sign_up(activity, p.phone, resident=p)
    with pytest.raises(DomainError, match="名额不能少于已报名的 1 人"):
        activity_update(actor=county_reporter, activity=activity, capacity=0)
    activity_update(actor=county_reporter, activity=activity, capacity=2)
    assert Registration.objects.filter(status="confirmed").count() == 2
    assert Registration.objects.get(phone=people[1].phone).status == "confirmed"
    assert Registration.objects.get(phone=people[2].phone).status == "waitlisted"


def test_a_resident_cannot_cancel_someone_elses_registration(make_activity, make_resident):
    activity = make_activity()
    owner, other = make_resident(), make_resident()
    signup = sign_up(activity, owner.phone, resident=owner)
    with pytest.raises(NotFound):
        registration_cancel(resident=other, registration=signup.registration)
    signup.registration.refresh_from_db()
    assert signup.registration.status == "confirmed"


# -- check-in ----------------------------------------------------------------------------------


def test_check_in_twice_says_already_and_counts_once(make_activity, make_resident, county_reporter):
    activity = make_activity(capacity=5)
    resident = make_resident()
    code = sign_up(activity, resident.phone, resident=resident).registration.code
    first = checkin(actor=county_reporter, code=code.lower(), activity=activity)  # as typed
    assert not first.already and "签到成功" in first.message
    again = checkin(actor=county_reporter, code=f"{code[:4]}-{code[4:8]}-{code[8:]}", activity=activity)
    assert again.already and "无需重复签到" in again.message
    activity.refresh_from_db()
    assert activity.person_times == 1


def test_check_ins_raise_person_times_unless_the_organiser_entered_more(
    make_activity, make_resident, county_reporter
):
    activity = make_activity(capacity=5)
    codes = [
        sign_up(activity, r.phone, resident=r).registration.code for r in (make_resident(), make_resident())
    ]
    activity_update(actor=county_reporter, activity=activity, person_times=40)
    for code in codes:
        checkin(actor=county_reporter, code=code)
    activity.refresh_from_db()
    assert activity.person_times == 40  # the organiser's larger figure stands
    with pytest.raises(DomainError, match="参加人次不能少于已签到的 2 人"):
        activity_update(actor=county_reporter, activity=activity, person_times=1)


def test_forged_codes_and_staff_of_another_unit_are_refused_alike(make_activity, make_resident, tree):
    activity = make_activity()
    resident = make_resident()
    code = sign_up(activity, resident.phone, resident=resident).registration.code
    sibling = StaffFactory(unit=unit(SIBLING_COUNTY), roles=[Role.REPORTER])
    for actor, attempt in (
        (sibling, code),
        (StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER]), "ZZZZZZZZZZ"),
    ):
        with pytest.raises(DomainError, match="签到码无效") as info:
            checkin(actor=actor, code=attempt)
        assert info.value.code == "checkin_invalid"
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
    # The city above the organiser may check people in.
    assert not checkin(actor=StaffFactory(unit=unit(CITY), roles=[Role.REPORTER]), code=code).already


def test_check_in_refuses_another_activitys_code_a_waiting_place_and_a_cancelled_one(
    make_activity, make_resident, county_reporter
):
    full = make_activity("讲座甲", capacity=1)
    other = make_activity("讲座乙")
    a, b = make_resident(), make_resident()
    seat = sign_up(full, a.phone, resident=a).registration
    waiting = sign_up(full, b.phone, resident=b).registration
    with pytest.raises(DomainError, match="属于另一项活动“讲座甲”"):
        checkin(actor=county_reporter, code=seat.code, activity=other)
    with pytest.raises(DomainError, match="仍在候补"):
        checkin(actor=county_reporter, code=waiting.code, activity=full)
    registration_cancel(resident=b, registration=waiting)
    with pytest.raises(DomainError, match="已取消"):
        checkin(actor=county_reporter, code=waiting.code)
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 0


def test_a_checked_in_registration_cannot_be_cancelled(make_activity, make_resident, county_reporter):
    activity = make_activity()
    resident = make_resident()
    registration = sign_up(activity, resident.phone, resident=resident).registration
    checkin(actor=county_reporter, code=registration.code)
    with pytest.raises(DomainError, match="已签到的报名不能取消"):
        registration_cancel(resident=resident, registration=registration)
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED


def test_an_ongoing_activity_still_takes_sign_ups(make_activity):
    now = timezone.now()
    ongoing = make_activity(
        "正在进行的展览", start=now - datetime.timedelta(days=1), end=now + datetime.timedelta(days=2)
    )
    assert sign_up(ongoing, "13800002222").status == "confirmed"


def test_the_place_a_full_activity_promises_is_the_place_a_sign_up_gets(make_activity, make_resident):
    """The confirm page shows ``waitlist_position_next`` before the tap; the sign-up decides by
    it: a seat while one is free, then the places in order, also after someone leaves the list."""
    from learnweek.registrations.selectors import waitlist_position, waitlist_position_next

    activity = make_activity(capacity=2)
    people = [make_resident() for _ in range(5)]
    given = []
    for person in people[:4]:
        promised = waitlist_position_next(activity)
        signup = sign_up(activity, person.phone, resident=person)
        assert signup.position == promised == waitlist_position(signup.registration)
        given.append(promised)
    assert given == [None, None, 1, 2]
    first_waiting = Registration.objects.get(phone=people[2].phone)
    registration_cancel(resident=people[2], registration=first_waiting)  # leaves the list
    assert waitlist_position(Registration.objects.get(phone=people[3].phone)) == 1
    assert waitlist_position_next(activity) == 2
    assert sign_up(activity, people[4].phone, resident=people[4]).position == 2
    assert waitlist_position_next(make_activity(capacity=None)) is None


def _counted(activity):
    """The seats counter the activity keeps, and the same counted from its registrations."""
    activity.refresh_from_db()
    rows = Registration.objects.filter(activity=activity)
    kept = (activity.confirmed_count, activity.waitlisted_count)
    counted = (rows.filter(status="confirmed").count(), rows.filter(status="waitlisted").count())
    return kept, counted


def test_the_seats_counter_never_drifts_from_the_registrations(
    make_activity, make_resident, county_reporter, django_capture_on_commit_callbacks
):
    activity = make_activity(capacity=2)
    people = [make_resident() for _ in range(6)]
    steps = []

    def check(step):
        kept, counted = _counted(activity)
        assert kept == counted, step
        steps.append((step, kept))

    signups = {}
    for p in people[:5]:
        signups[p.pk] = sign_up(activity, p.phone, resident=p).registration
        check("sign-up")
    with pytest.raises(DomainError, match="每人只能报名一次"):
        sign_up(activity, people[0].phone, resident=people[0])  # refused: nothing moves
    check("refused duplicate")
    registration_cancel(resident=people[0], registration=signups[people[0].pk])  # a seat: promotes
    check("cancel a seat")
    registration_cancel(resident=people[4], registration=signups[people[4].pk])  # a waiting place
    check("cancel a waiting place")
    with pytest.raises(DomainError, match="名额不能少于已报名的 2 人"):
        activity_update(actor=county_reporter, activity=activity, capacity=1)
    check("smaller capacity refused")
    activity_update(actor=county_reporter, activity=activity, capacity=3)  # promotes one more
    check("larger capacity")
    signups[people[5].pk] = sign_up(activity, people[5].phone, resident=people[5]).registration
    check("sign-up when full")
    activity_update(actor=county_reporter, activity=activity, capacity=None)  # no limit: all seated
    check("no limit")
    sign_up(activity, people[0].phone, resident=people[0])  # again after cancelling
    check("sign-up again")
    registration = Registration.objects.get(activity=activity, phone=people[1].phone)
    checkin(actor=county_reporter, code=registration.code, activity=activity)
    check("check-in")
    activity_cancel(actor=county_reporter, activity=activity, reason="场地维修")
    registration_cancel(resident=people[2], registration=signups[people[2].pk])  # seat of a called-off one
    check("cancel after the activity is called off")
    assert steps[-1][1] == (4, 0)
    assert [kept for step, kept in steps[:5]] == [(1, 0), (2, 0), (2, 1), (2, 2), (2, 3)]


def test_the_migration_fills_the_counter_from_the_registrations(make_activity, make_resident):
    import importlib

    from django.apps import apps

    from learnweek.activities.models import Activity

    fill = importlib.import_module("learnweek.activities.migrations.0013_seats_counter").fill
    full, empty = make_activity(capacity=1), make_activity(capacity=5)
    people = [make_resident() for _ in range(3)]
    for p in people:
        sign_up(full, p.phone, resident=p)
    Activity.objects.update(confirmed_count=0, waitlisted_count=0)  # as before the migration
    fill(apps, None)
    assert _counted(full) == ((1, 2), (1, 2))
    assert _counted(empty) == ((0, 0), (0, 0))
