"""A resident's first visit to 我的报名 on a phone (390×844), in the standard mode and in 长辈模式:
the privacy notice comes first, its box is not ticked, 同意 without the tick says what to do, and
with it the resident reaches the page; the page passes axe-core and, in 长辈模式, the elder-mode
rules (text ≥ 18 px, touch targets ≥ 44 px, 60 px for 同意)."""

import pytest

from learnweek.privacy.models import NoticeConsent
from tests.browser.helpers import axe_violations, elder_violations

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_the_notice_asks_before_the_residents_page(
    live_server, open_page, make_resident, settings, tmp_path, elder
):
    settings.PRIVACY_CONSENT_REQUIRED = True
    settings.PRIVACY_CONTROLLER = "吉林省教育厅"
    resident = make_resident(phone="13812345678", name="李阿姨")
    page = open_page("phone", elder=elder, user=resident)
    page.goto(f"{live_server.url}/me/")
    page.get_by_role("heading", name="个人信息处理告知").wait_for()
    assert "吉林省教育厅" in page.inner_text("main")
    box = page.get_by_label("我已阅读并同意以上个人信息处理规则")
    assert not box.is_checked()
    agree = page.get_by_role("button", name="同意", exact=True)
    decline = page.get_by_role("button", name="不同意并退出")
    if elder:
        assert page.locator("body.elder").count() == 1
        assert agree.bounding_box()["height"] >= 60 and decline.bounding_box()["height"] >= 44
        assert elder_violations(page) == []
    assert axe_violations(page) == []
    page.screenshot(path=tmp_path / "notice.png", full_page=True)

    agree.click()  # the box is required: the browser (or the page) asks for the tick
    assert not NoticeConsent.objects.exists()
    box.check()
    agree.click()
    page.get_by_role("heading", name="我的报名").wait_for()
    assert NoticeConsent.objects.filter(user=resident).count() == 1
