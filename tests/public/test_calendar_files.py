"""Issue 25 item 11: the calendar files a resident adds or subscribes to. Each is read back with
the icalendar package, as a calendar app would read it."""

from __future__ import annotations

import datetime
import html

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from learnweek.activities.models import Activity
from learnweek.activities.services import activity_cancel
from learnweek.orgs.roles import Role
from learnweek.reading import services as reading
from tests.factories import StaffFactory
from tests.helpers import PROVINCE, unit

pytestmark = pytest.mark.django_db


def parsed(response) -> Calendar:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def alarms(event) -> dict[datetime.timedelta, str]:
    found = {}
    for alarm in event.walk("VALARM"):
        assert str(alarm["ACTION"]) == "DISPLAY"
        found[alarm.decoded("TRIGGER")] = str(alarm["DESCRIPTION"])
    return found


def assert_beijing_time_zone(calendar: Calendar) -> None:
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Shanghai"
    (standard,) = zone.walk("STANDARD")
    assert standard.decoded("TZOFFSETFROM") == standard.decoded("TZOFFSETTO") == datetime.timedelta(hours=8)
    assert str(standard["TZNAME"]) == "CST" and "DTSTART" in standard
    assert not zone.walk("DAYLIGHT")


def test_an_activity_file_is_in_beijing_time_with_reminders_a_day_and_an_hour_before(client, make_activity):
    activity = make_activity("全民读书节")
    calendar = parsed(client.get(reverse("public:activity_ics", args=[activity.pk])))
    assert_beijing_time_zone(calendar)
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == event["DTEND"].params["TZID"] == "Asia/Shanghai"
    start = timezone.localtime(activity.start)
    assert f"DTSTART;TZID=Asia/Shanghai:{start:%Y%m%d}T140000" in calendar.to_ical().decode()
    assert event.decoded("DTSTART") == activity.start
    assert alarms(event) == {
        datetime.timedelta(days=-1): "明天：全民读书节",
        datetime.timedelta(hours=-1): "1 小时后开始：全民读书节",
    }
    # One event added once, not a subscription that is read again.
    assert "REFRESH-INTERVAL" not in calendar and "X-PUBLISHED-TTL" not in calendar


def test_an_activity_without_hours_is_all_day_with_a_reminder_the_morning_before(client, make_activity):
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=3
    )
    activity = make_activity(
        "读书月", start=start, end=start + datetime.timedelta(days=1, hours=23), time_known=False
    )
    response = client.get(reverse("public:activity_ics", args=[activity.pk]))
    text = response.content.decode()
    assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}\r\n" in text
    assert f"DTEND;VALUE=DATE:{start + datetime.timedelta(days=2):%Y%m%d}\r\n" in text  # exclusive
    (event,) = parsed(response).walk("VEVENT")
    assert alarms(event) == {datetime.timedelta(hours=-15): "明天：读书月"}  # 9:00 the day before


def test_a_cancelled_activity_rings_no_reminder(client, make_activity):
    activity = make_activity("停办的讲座")
    activity_cancel(actor=None, activity=activity, reason="场地维修")
    (event,) = parsed(client.get(reverse("public:activity_ics", args=[activity.pk]))).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and not event.walk("VALARM")


def test_the_finder_offers_its_search_as_a_subscription_and_a_download(client, make_activity):
    make_activity("全民读书节")
    make_activity("书法体验课")
    page = html.unescape(client.get(reverse("public:finder"), {"q": "读书"}).content.decode())
    feed = "//testserver/activities/feed.ics?q=%E8%AF%BB%E4%B9%A6"
    assert f'href="webcal:{feed}"' in page and ">订阅到日历<" in page
    assert f'href="http:{feed}" download="activities.ics"' in page

    response = client.get(reverse("public:finder_ics"), {"q": "读书"})
    calendar = parsed(response)
    assert str(calendar["X-WR-CALNAME"]) == "全民终身学习活动"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in response.content.decode()
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT6H"
    assert_beijing_time_zone(calendar)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "全民读书节" and len(alarms(event)) == 2


@pytest.fixture
def lecture(db):
    curator = StaffFactory(unit=unit(PROVINCE), roles=[Role.REPORTER])
    start = timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0) + datetime.timedelta(
        days=2
    )
    return reading.lecture_create(
        actor=curator,
        unit=curator.unit,
        title="《红楼梦》里的诗词",
        speaker="李教授",
        starts_at=start,
        platform="吉林省终身学习平台",
        link="https://learn.example.cn/live/1",
        published=True,
    )


def test_a_regions_page_offers_its_activities_as_a_subscription(client, make_activity):
    make_activity("全民读书节")
    page = html.unescape(client.get(reverse("public:region", args=["220104"])).content.decode())
    feed = "//testserver/activities/feed.ics?province=220000&city=220100&county=220104"
    assert f'href="webcal:{feed}"' in page and ">订阅到日历<" in page
    (event,) = parsed(
        client.get(reverse("public:finder_ics"), {"county": "220104", "city": "220100", "province": "220000"})
    ).walk("VEVENT")
    assert str(event["SUMMARY"]) == "全民读书节"


def test_a_lecture_is_added_to_a_calendar_and_the_hall_subscribed_to(client, lecture):
    page = client.get(reverse("public:lecture", args=[lecture.pk])).content.decode()
    address = reverse("public:lecture_ics", args=[lecture.pk])
    assert f'href="{address}">加入日历</a>' in page
    calendar = parsed(client.get(address))
    assert "REFRESH-INTERVAL" not in calendar and str(calendar["X-WR-CALNAME"]) == "《红楼梦》里的诗词"
    assert_beijing_time_zone(calendar)
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai" and event.decoded("DTSTART").hour == 19
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(hours=1)
    assert set(alarms(event)) == {datetime.timedelta(days=-1), datetime.timedelta(hours=-1)}

    hall = client.get(reverse("public:lectures")).content.decode()
    assert 'href="webcal://testserver/reading/lectures/feed.ics"' in hall
    feed = parsed(client.get(reverse("public:lecture_feed")))
    assert str(feed["X-WR-CALNAME"]) == "线上社会大讲堂" and str(feed["X-PUBLISHED-TTL"]) == "PT6H"
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["《红楼梦》里的诗词（李教授）"]


HOSTILE_NAME = "读书会\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:假活动;地点,二楼\\" + "🎉📚" * 30
HOSTILE_CONTENT = "第一行\r\nDTSTART:19990101T000000\n第二行，有逗号,分号;反斜杠\\结尾\n" + "长文本" * 60


def test_a_hostile_name_stays_text_escaped_and_folded(client, make_activity):
    activity = make_activity("读书会")
    with connection.cursor() as cursor:  # as if stored before names were cleaned, past the model
        table = Activity._meta.db_table
        cursor.execute(
            f"UPDATE {table} SET name = %s, content = %s WHERE id = %s",  # noqa: S608
            [HOSTILE_NAME, HOSTILE_CONTENT, activity.pk],
        )
    for response in (
        client.get(reverse("public:activity_ics", args=[activity.pk])),
        client.get(reverse("public:finder_ics")),
    ):
        raw = response.content
        for line in raw.split(b"\r\n"):
            assert len(line) <= 75  # folded at 75 octets …
            line.decode("utf-8")  # … between characters: each physical line is whole UTF-8
        text = raw.decode()
        lines = text.split("\r\n")
        assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
        assert "\r\nSUMMARY:假活动" not in text and "\r\nDTSTART:1999" not in text
        unfolded = text.replace("\r\n ", "")
        assert "SUMMARY:读书会 END:VEVENT BEGIN:VEVENT SUMMARY:假活动\\;地点\\,二楼\\\\🎉📚" in unfolded
        assert "第一行\\nDTSTART:19990101T000000\\n第二行，有逗号\\,分号\\;反斜杠\\\\结尾\\n" in unfolded

        (event,) = parsed(response).walk("VEVENT")
        assert (
            str(event["SUMMARY"]) == "读书会 END:VEVENT BEGIN:VEVENT SUMMARY:假活动;地点,二楼\\" + "🎉📚" * 30
        )
        assert HOSTILE_CONTENT.replace("\r\n", "\n") in str(event["DESCRIPTION"])
        assert str(event.walk("VALARM")[0]["DESCRIPTION"]).startswith("明天：读书会 END:VEVENT")
