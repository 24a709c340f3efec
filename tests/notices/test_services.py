"""notify_units: one notice per active account of each unit, e-mail where an address exists,
and an honest count."""

import pytest
from django.core import mail
from django.db import transaction

from learnweek.core.errors import NotFound
from learnweek.notices.models import Notice
from learnweek.notices.selectors import notices_page, unread_count
from learnweek.notices.services import Delivery, notice_mark_read, notify_units
from learnweek.notices.tasks import send_notice_emails
from learnweek.orgs.models import Unit
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, OTHER_CITY, SIBLING_COUNTY, unit


@pytest.fixture
def three_units(tree):
    """长春市: an account with an address and one without; 朝阳区: no address; 二道区: no account;
    吉林市: only a deactivated account (which counts as none)."""
    StaffFactory(unit=unit(CITY), roles=["reporter"], email="cc@example.cn")
    StaffFactory(unit=unit(CITY), roles=["admin"], email="")
    StaffFactory(unit=unit(COUNTY), roles=["reporter"], email="")
    StaffFactory(unit=unit(OTHER_CITY), roles=["reporter"], email="gone@example.cn", is_active=False)
    return [unit(CITY), unit(COUNTY), unit(SIBLING_COUNTY), unit(OTHER_CITY)]


def test_every_active_account_gets_a_notice_and_the_count_is_honest(
    three_units, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notify_units(
            three_units, kind="reminded", title="催报", body="请尽快提交。", link="/backoffice/tasks/"
        )
    assert (delivery.units, delivery.in_app, delivery.by_email) == (4, 2, 1)
    assert (delivery.notices, delivery.emails) == (3, 1)
    assert delivery.unreachable == [("二道区", "无账号"), ("吉林市", "无账号")]
    assert (
        delivery.message()
        == "已通知 2 个单位（站内 2，邮件 1）；无法联系 2 个：二道区（无账号）、吉林市（无账号）。"
    )
    assert Notice.objects.count() == 3
    assert [m.to for m in mail.outbox] == [["cc@example.cn"]]
    assert Notice.objects.get(email="cc@example.cn").emailed_at is not None
    assert not Notice.objects.filter(recipient__is_active=False).exists()


def test_a_queryset_of_units_gives_the_same_count(three_units):
    codes = [u.code for u in three_units]
    delivery = notify_units(Unit.objects.filter(code__in=codes), kind="reminded", title="催报")
    assert (delivery.units, delivery.in_app, delivery.by_email, delivery.notices) == (4, 2, 1, 3)


def test_without_email_the_notice_stays_in_the_app(three_units, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notify_units(three_units, kind="reminded", title="催报", email=False)
    assert delivery.by_email == 0 and delivery.notices == 3 and mail.outbox == []


def test_the_message_names_the_first_ten_and_counts_the_rest():
    delivery = Delivery(units=12, unreachable=[(f"单位{i}", "无账号") for i in range(12)])
    assert delivery.message() == (
        "已通知 0 个单位（站内 0，邮件 0）；无法联系 12 个："
        + "、".join(f"单位{i}（无账号）" for i in range(10))
        + " 等 12 个。"
    )


def test_no_header_can_be_injected_through_a_title(tree, django_capture_on_commit_callbacks):
    StaffFactory(unit=unit(CITY), roles=["reporter"], email="cc@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        notify_units([unit(CITY)], kind="returned", title="题目\r\nBcc: victim@example.com\n", body="正文")
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.bcc == [] and message.to == ["cc@example.cn"]
    assert message.message()["Bcc"] is None
    assert message.content_subtype == "plain"


def test_sending_twice_sends_nothing_twice(tree, django_capture_on_commit_callbacks):
    StaffFactory(unit=unit(CITY), roles=["reporter"], email="cc@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        notify_units([unit(CITY)], kind="approved", title="已通过")
    ids = list(Notice.objects.values_list("pk", flat=True))
    assert send_notice_emails(ids) == 0
    assert len(mail.outbox) == 1


def test_nothing_is_mailed_when_the_change_is_rolled_back(tree, django_capture_on_commit_callbacks):
    StaffFactory(unit=unit(CITY), roles=["reporter"], email="cc@example.cn")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notify_units([unit(CITY)], kind="approved", title="已通过")
            transaction.set_rollback(True)
    assert callbacks == [] and mail.outbox == [] and not Notice.objects.exists()


def test_marking_read_one_or_all_and_never_anothers(tree):
    me = StaffFactory(unit=unit(CITY), roles=["reporter"])
    other = StaffFactory(unit=unit(CITY), roles=["reporter"])
    for title in ["一", "二", "三"]:
        notify_units([unit(CITY)], kind="reminded", title=title)
    assert unread_count(me) == 3 and unread_count(other) == 3
    first = Notice.objects.filter(recipient=me).order_by("pk").first()
    with pytest.raises(NotFound):  # not theirs: missing to them, and untouched
        notice_mark_read(actor=other, notice_id=first.pk)
    assert notice_mark_read(actor=me, notice_id=first.pk) == 1
    assert unread_count(me) == 2
    assert notice_mark_read(actor=me) == 2
    assert unread_count(me) == 0 and unread_count(other) == 3


def test_the_list_is_paged_newest_first_and_only_the_users_own(tree):
    me = StaffFactory(unit=unit(CITY), roles=["reporter"])
    StaffFactory(unit=unit(COUNTY), roles=["reporter"])
    for i in range(35):
        notify_units([unit(CITY)], kind="reminded", title=f"第{i}条")
    notify_units([unit(COUNTY)], kind="reminded", title="别人的")
    page = notices_page(me, 1)
    assert page.paginator.count == 35 and len(page.object_list) == 30
    assert page.object_list[0].title == "第34条"
    assert all(n.recipient_id == me.pk for n in notices_page(me, 2).object_list)
    assert notices_page(me, 99).number == 2
    assert len(notices_page(me, 1, unread_only=True).object_list) == 30


def test_an_anonymous_user_has_no_unread_notices(tree):
    from django.contrib.auth.models import AnonymousUser

    assert unread_count(AnonymousUser()) == 0
