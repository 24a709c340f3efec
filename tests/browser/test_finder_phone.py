"""The finder's first screen on a 390 × 844 phone, in the standard and the elder mode: the search
box, the count and a whole result card show without scrolling; 筛选 opens the filters, a choice
updates the count in place (focus stays on the select, a screen reader hears the new count) and
shows a chip, and the chip takes the filter off again."""

import pytest

from tests.browser.helpers import PHONE, axe_violations, elder_violations

pytestmark = pytest.mark.browser


def _on_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.django_db(transaction=True)
def test_count_and_results_on_the_first_screen_and_filters_as_chips(
    live_server, open_page, make_activity, elder, tmp_path
):
    for n in range(24):
        make_activity(f"社区读书会第{n + 1}场", days=1 + n % 7)
    for n in range(6):
        make_activity(f"智慧助老课第{n + 1}讲", days=2 + n, category="smart_elderly")
    page = open_page("phone", elder=elder)
    page.goto(f"{live_server.url}/activities/")
    assert page.evaluate("document.body.classList.contains('elder')") is elder

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


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.django_db(transaction=True)
def test_the_opened_filters_chips_month_grid_and_year_calendar_pass_the_audits(
    live_server, open_page, make_activity, jilin_2026_published, elder
):
    """What the crawl of every public page does not reach: 筛选 opened with chips set, a month
    grid with busy days, the year's calendar with a week on its timeline."""
    from learnweek.campaigns.models import WeekSlot
    from tests.helpers import PROVINCE, unit

    activity = make_activity("朝阳区读书会")
    WeekSlot.objects.create(
        campaign=jilin_2026_published, province=unit(PROVINCE), start="2026-09-07", end="2026-09-13"
    )
    page = open_page("phone", elder=elder)
    filtered = "/activities/?province=220000&city=220100&category=themed_reading&when=all"
    month = f"/activities/?view=calendar&month={activity.start:%Y-%m}"
    problems = {}
    for path in (filtered, month, "/calendar/2026/"):
        page.goto(live_server.url + path)
        if path == filtered:
            page.locator("summary").click()
        found = axe_violations(page) + (elder_violations(page) if elder else [])
        if found:
            problems[path] = found
    assert not problems, problems
