"""Every public page, as a resident on a phone finds it by following links from the home page,
passes axe-core's accessibility rules (no critical or serious violation) in the standard mode and
in 长辈模式, and in 长辈模式 keeps the elder-friendly rules: no text under 18 px, line spacing of at
least 1.3, touch targets of at least 44 px (60 px for the primary action), links in running text
underlined. The desk size is audited too, in the standard mode.

The pages are found, not listed: the crawl follows every link of the public site and visits one
page of each shape (``/activities/N/``, ``/reading/books/N/`` …), so a page added later is
audited without touching this test."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import axe_violations, elder_violations

pytestmark = pytest.mark.browser

# Where a resident goes; the back office, the admin, sign-out and files are not pages of theirs.
SKIP = re.compile(
    r"^/(office|admin|accounts|api|static|media|elder)/|\.(png|jpg|ics|xlsx|docx|pdf|zip|csv|webmanifest|svg)$"
)
START = ["/", "/activities/", "/activities/?view=calendar", "/me/", "/me/reading/", "/signin/"]
MAX_PAGES = 60


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


@pytest.fixture
def public_site(tree, make_activity, make_resident, monkeypatch):
    """The demo's public side (its campaigns, activities, reading lists, lectures, essay calls,
    exhibition boards and showcase) and a resident with a sign-up and a reading log."""
    from learnweek.campaigns.seeds import campaigns_seed
    from learnweek.demo.load import demo_load_all
    from learnweek.reading.log_services import book_resolve, log_set, reader_self
    from learnweek.registrations.services import registration_create

    monkeypatch.setattr("learnweek.activities.demo.DEMO_ACTIVITIES", 30)
    campaigns_seed()
    demo_load_all()
    full = make_activity("社区智慧助老课堂（已满）", capacity=1, address="长春市朝阳区桂林路街道社区学校")
    soon = make_activity("全民读书节·朝阳区图书馆", capacity=30, address="长春市朝阳区图书馆")
    resident = make_resident(phone="13812345678", name="李阿姨")
    registration_create(activity_id=soon.pk, phone=resident.phone, name="李阿姨", resident=resident)
    registration_create(activity_id=full.pk, phone="13900000001", name="王大爷")
    registration_create(activity_id=full.pk, phone=resident.phone, name="李阿姨", resident=resident)
    waiting = make_activity("社区书法体验课（已满）", capacity=1, address="长春市朝阳区红旗街社区学校")
    registration_create(activity_id=waiting.pk, phone="13900000002", name="张奶奶")
    reader = reader_self(account=resident)
    log_set(
        account=resident, reader=reader, book=book_resolve(title="骆驼祥子", author="老舍"), status="reading"
    )
    # One page of each shape is crawled; these are the states of an activity a resident meets.
    states = [f"/activities/{a.pk}/" for a in (soon, full, waiting)] + [f"/activities/{waiting.pk}/register/"]
    return resident, states


def crawl(page, base: str, start: list[str], every: tuple[str, ...] = ()):
    """Yield each page once per shape, following the same-origin links of the pages before;
    the pages in ``every`` are visited whatever their shape."""
    queue, seen, done = [*start, *every], set(), set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        key = shape(urlsplit(path).path) + (
            "?" + urlsplit(path).query if urlsplit(path).query.startswith("view") else ""
        )
        if path in done or (key in seen and path not in every):
            continue
        seen.add(key)
        done.add(path)
        response = page.goto(base + path)
        assert response is not None and response.status < 400, (
            f"{path} answered {response and response.status}"
        )
        yield path
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))"):
            url = urlsplit(href)
            if url.scheme or url.netloc or not url.path.startswith("/") or SKIP.search(url.path):
                continue
            queue.append(url.path + (f"?{url.query}" if url.query.startswith("view") else ""))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_every_public_page_passes_axe_and_the_elder_rules(
    live_server, open_page, public_site, elder, tmp_path
):
    resident, states = public_site
    page = open_page("phone", elder=elder, user=resident)
    problems, visited = {}, []
    for path in crawl(page, live_server.url, START, tuple(states)):
        visited.append(path)
        found = axe_violations(page)
        if elder:
            found += elder_violations(page)
        if found:
            problems[path] = found
            page.screenshot(
                path=str(tmp_path / f"{shape(path).strip('/').replace('/', '_') or 'home'}.png"),
                full_page=True,
            )
    assert len(visited) >= 20, visited  # the crawl reached the whole public side
    report = "\n".join(f"{path}\n  " + "\n  ".join(lines) for path, lines in problems.items())
    assert not problems, (
        f"{len(problems)} of {len(visited)} pages fall short (screenshots in {tmp_path}):\n{report}"
    )


@pytest.mark.django_db(transaction=True)
def test_the_public_pages_pass_axe_at_a_desk_and_signed_out(live_server, open_page, public_site):
    page = open_page("desk")
    problems, visited = {}, []
    for path in crawl(page, live_server.url, ["/", "/activities/", "/signin/"], tuple(public_site[1])):
        visited.append(path)
        if found := axe_violations(page):
            problems[path] = found
    report = "\n".join(f"{path}\n  " + "\n  ".join(lines) for path, lines in problems.items())
    assert not problems, f"{len(problems)} of {len(visited)} pages fall short:\n{report}"
