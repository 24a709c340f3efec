"""The finder's first screen on a 390 × 844 phone, in the standard and the elder mode: the search
box, the count and a whole result card show without scrolling; 筛选 opens the filters, a choice
updates the count in place (focus stays on the select, a screen reader hears the new count) and
shows a chip, and the chip takes the filter off again."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package"),
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
        yield context.new_page()
        browser.close()


def _on_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.django_db(transaction=True)
def test_count_and_results_on_the_first_screen_and_filters_as_chips(
    live_server, phone, make_activity, elder, tmp_path
):
    for n in range(24):
        make_activity(f"社区读书会第{n + 1}场", days=1 + n % 7)
    for n in range(6):
        make_activity(f"智慧助老课第{n + 1}讲", days=2 + n, category="smart_elderly")
    page = phone
    page.goto(f"{live_server.url}/activities/")
    if elder:
        page.get_by_role("button", name="长辈模式").click()
        page.wait_for_selector("body.elder")

    count = page.locator(".finder-count")
    assert count.inner_text() == "共 30 项活动"
    assert _on_first_screen(page.get_by_role("searchbox"))
    assert _on_first_screen(count)
    assert _on_first_screen(page.locator("ul.cards > li").first)
    page.screenshot(path=str(tmp_path / "first-screen.png"))

    page.get_by_text("筛选", exact=True).click()
    category = page.get_by_label("类别")
    category.focus()
    category.select_option(label="智慧助老")
    page.get_by_text("共 6 项活动").wait_for()
    chip = page.get_by_role("link", name="去掉筛选：智慧助老")
    assert chip.is_visible()
    assert page.evaluate("document.activeElement.id") == "id_category"
    assert page.locator("#finder-live").inner_text() == "找到 6 项活动"
    assert "category=smart_elderly" in page.url  # the address is the search's, to share or go back

    chip.click()
    page.wait_for_url(lambda url: "category=smart_elderly" not in url)
    assert count.inner_text() == "共 30 项活动"
    assert page.get_by_role("link", name="去掉筛选：智慧助老").count() == 0
