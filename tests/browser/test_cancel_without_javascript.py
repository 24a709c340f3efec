"""A resident waiting for a seat leaves the waiting list on a phone with JavaScript switched off,
in 长辈模式: 退出候补 asks first on a page of its own, and its buttons are large enough to tap."""

import pytest

from learnweek.registrations.models import Registration
from learnweek.registrations.services import registration_create

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_leaving_the_waiting_list_asks_first_without_javascript(
    live_server, open_page, make_activity, make_resident
):
    activity = make_activity("社区书法课", capacity=1)
    holder, waiting = make_resident(), make_resident()
    for person in (holder, waiting):
        registration_create(activity_id=activity.pk, phone=person.phone, name="李阿姨", resident=person)
    page = open_page("phone", elder=True, user=waiting, javascript=False)
    page.goto(f"{live_server.url}/me/")
    assert page.locator("body.elder").count() == 1
    page.get_by_text("候补第 1 位").wait_for()
    page.get_by_role("link", name="退出候补").click()
    page.get_by_role("heading", name="确定退出《社区书法课》的候补吗？").wait_for()
    confirm = page.get_by_role("button", name="确认退出候补")
    keep = page.get_by_role("link", name="不退出")
    for target, least in ((confirm, 60), (keep, 44)):
        assert target.bounding_box()["height"] >= least
        assert float(target.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 18
    confirm.click()
    page.get_by_text("已退出候补：社区书法课。").wait_for()

    assert Registration.objects.get(phone=waiting.phone).status == "cancelled"
    assert Registration.objects.get(phone=holder.phone).status == "confirmed"
