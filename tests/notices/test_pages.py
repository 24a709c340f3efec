"""The notices page: only the signed-in account's own notices; 390 px wide is checked in the
browser tests' screenshots (see the report)."""

import pytest
from django.urls import reverse

from learnweek.notices.models import Notice
from learnweek.notices.services import notify_units
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, unit


@pytest.fixture
def mine(tree):
    me = StaffFactory(unit=unit(CITY), roles=["reporter"], email="")
    notify_units(
        [unit(CITY)],
        kind="returned",
        title="“工作方案”被退回",
        body="退回理由：<b>请补充</b>",
        link="/backoffice/tasks/",
    )
    notify_units([unit(COUNTY)], kind="returned", title="朝阳区的通知")
    StaffFactory(unit=unit(COUNTY), roles=["reporter"])
    notify_units([unit(COUNTY)], kind="returned", title="朝阳区的通知")
    return me


def test_anonymous_goes_to_login_and_a_resident_gets_404(client, resident):
    url = reverse("backoffice:notices")
    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 404
    assert client.post(reverse("backoffice:notice_read")).status_code == 404


def test_the_page_lists_my_notices_only_escaped(client, mine):
    client.force_login(mine)
    page = client.get(reverse("backoffice:notices")).content.decode()
    assert "“工作方案”被退回" in page and "朝阳区的通知" not in page
    assert "&lt;b&gt;请补充&lt;/b&gt;" in page and "<b>请补充" not in page
    assert "未读 1 条" in page and "仅站内通知（账号未留邮箱）" in page


def test_opening_a_notice_marks_it_read_and_follows_its_link(client, mine):
    client.force_login(mine)
    notice = Notice.objects.get(recipient=mine)
    response = client.post(reverse("backoffice:notice_read"), {"notice": notice.pk, "next": notice.link})
    assert response.status_code == 302 and response["Location"] == "/backoffice/tasks/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_elsewhere_is_not_followed(client, mine):
    client.force_login(mine)
    notice = Notice.objects.get(recipient=mine)
    response = client.post(
        reverse("backoffice:notice_read"), {"notice": notice.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("backoffice:notices")


def test_one_cannot_mark_anothers_notice(client, mine):
    other = Notice.objects.filter(unit=unit(COUNTY)).first()
    client.force_login(mine)
    assert client.post(reverse("backoffice:notice_read"), {"notice": other.pk}).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read(client, mine):
    notify_units([unit(CITY)], kind="approved", title="已通过")
    client.force_login(mine)
    assert "未读 2 条" in client.get(reverse("backoffice:notices")).content.decode()
    client.post(reverse("backoffice:notice_read"))
    page = client.get(reverse("backoffice:notices")).content.decode()
    assert "没有未读通知" in page and 'class="badge"' not in page
