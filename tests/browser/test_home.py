"""The residents' home page on a phone in 长辈模式: a first visit picks its region province → city
→ county without JavaScript, sees this week's activities there, and finds them again on the next
visit; every control of the residents' blocks is at least 44 px and no text under 18 px."""

import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

MEASURE = """() => [...document.querySelectorAll(
    '.home-block a:not(.card-title), .home-block button, .home-block select, .home-block summary, .staff-entry a,'
    + ' .home-block h2, .home-block h3, .home-block p, .home-block legend, .home-block label')]
  .filter(el => el.getBoundingClientRect().width > 0 && !el.closest('.card, .demo-box'))
  .map(el => ({what: el.tagName + ' ' + el.textContent.trim().slice(0, 12),
               target: ['A', 'BUTTON', 'SELECT', 'SUMMARY'].includes(el.tagName),
               height: el.getBoundingClientRect().height,
               font: parseFloat(getComputedStyle(el).fontSize)}))"""


@pytest.mark.django_db(transaction=True)
def test_a_first_visit_picks_its_district_and_sees_its_week(live_server, open_page, make_activity, settings):
    settings.LEARNWEEK_DEMO = True
    start = timezone.now() + datetime.timedelta(minutes=30)
    make_activity("朝阳区读书沙龙", start=start, end=start + datetime.timedelta(hours=1))
    page = open_page("phone", javascript=False)
    page.goto(live_server.url)
    for name, code in (("province", "220000"), ("city", "220100"), ("county", "220104")):
        page.select_option(f"form.region-picker select[name={name}]", code)
        page.locator("form.region-picker").get_by_role("button", name="确定").click()
    page.get_by_role("heading", name="本周活动 · 朝阳区").wait_for()
    assert page.get_by_role("link", name="朝阳区读书沙龙").is_visible()
    page.goto(live_server.url)
    assert "按你上次选择的地区" in page.locator("section.home-block").first.inner_text()
    page.locator("button.elder-toggle").click()
    page.get_by_role("button", name="标准模式").wait_for()
    sizes = page.evaluate(MEASURE)
    assert sizes and [s for s in sizes if s["font"] < 18] == []
    assert [s for s in sizes if s["target"] and s["height"] < 44] == []
