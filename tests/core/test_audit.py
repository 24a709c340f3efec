"""Every state change of submissions, nominations, statistics tables and registrations is on the
object's history tab — when, who, from what to what, and why — and what is approved stays as it
was until the level above reopens it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from learnweek.campaigns.models import SubmissionState
from learnweek.campaigns.services import (
    submission_approve,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
)
from learnweek.core.errors import DomainError
from learnweek.nominations import services as nominations
from learnweek.nominations.models import NominationState
from learnweek.orgs.roles import Role
from learnweek.registrations.models import Registration
from learnweek.stats.services import header_save, statistics_submit
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, unit
from tests.permissions import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return world.build()


@pytest.fixture
def staff(tree):
    return {
        "reporter": StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER], full_name="周填报"),
        "city": StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER], full_name="吴审核"),
        "province": StaffFactory(unit=unit(PROVINCE), roles=[Role.REVIEWER], full_name="郑处长"),
    }


def history_rows(client: Client, url: str) -> list[list[str]]:
    page = client.get(url).content.decode()
    table = page[page.index('<table class="history">') :]
    table = table[: table.index("</table>")]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    ]


def test_a_submissions_history_and_its_lock_after_approval(w, staff, client):
    reporter, city = staff["reporter"], staff["city"]
    draft = w.summary_draft
    submission_submit(actor=reporter, submission=draft)
    submission_return(actor=city, submission=draft, reason="缺少典型案例")
    submission_submit(actor=reporter, submission=draft)
    submission_approve(actor=city, submission=draft, comment="同意")
    with pytest.raises(DomainError, match="重新打开"):
        submission_save(actor=reporter, requirement=w.summary, unit=w.county, title="改一改")
    submission_reopen(actor=city, submission=draft, reason="补充照片")
    client.force_login(city)
    rows = history_rows(client, reverse("backoffice:submission", args=[draft.pk]))
    steps = [(who, change, why) for _, who, change, why in rows]
    assert steps == [
        ("系统", "新建 → 草稿", ""),
        ("周填报（朝阳区）", "草稿 → 已提交", ""),
        ("吴审核（长春市）", "已提交 → 已退回", "缺少典型案例"),
        ("周填报（朝阳区）", "已退回 → 已重新提交", ""),
        ("吴审核（长春市）", "已重新提交 → 已通过", "同意"),
        ("吴审核（长春市）", "已通过 → 已退回", "补充照片"),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", when) for when, *_ in rows)


def test_a_statistics_tables_history_and_its_lock(w, staff, client):
    reporter, city = staff["reporter"], staff["city"]
    # The world reports a total over 朝阳区's itemised activities: the checks ask for a word.
    submission = statistics_submit(actor=reporter, requirement=w.stats, unit=w.county, explanation="已核实")
    submission_approve(actor=city, submission=submission)
    with pytest.raises(DomainError, match="已审核通过"):
        header_save(actor=reporter, campaign=w.jilin, unit=w.county, contact_name="另一人")
    client.force_login(reporter)
    rows = history_rows(client, reverse("backoffice:submission", args=[submission.pk]))
    assert [(who, change) for _, who, change, _ in rows] == [
        ("周填报（朝阳区）", "新建 → 草稿"),
        ("周填报（朝阳区）", "草稿 → 已提交"),
        ("吴审核（长春市）", "已提交 → 已通过"),
    ]


def test_a_nominations_history_names_each_level(w, staff, client):
    reporter, city, province = staff["reporter"], staff["city"], staff["province"]
    nominee = w.handed_in  # handed in by the system when the world was built
    nominations.nomination_decide(actor=city, nomination=nominee, action="recommend", comment="事迹突出")
    nominations.nomination_decide(actor=province, nomination=nominee, action="return", comment="请补充数据")
    nominations.nomination_update(actor=reporter, nomination=nominee, deeds="补充：参与居民一万二千人次。")
    nominations.nomination_submit(actor=reporter, nomination=nominee)
    nominations.nomination_decide(actor=city, nomination=nominee, action="recommend")
    nominations.nomination_decide(actor=province, nomination=nominee, action="recommend")
    nominee.refresh_from_db()
    assert nominee.state == NominationState.APPROVED
    with pytest.raises(DomainError):
        nominations.nomination_update(actor=reporter, nomination=nominee, deeds="改")
    client.force_login(province)
    rows = history_rows(client, reverse("backoffice:nomination", args=[nominee.pk]))
    assert [row[1:] for row in rows] == [
        ["系统", "朝阳区", "草稿 → 审核中（待长春市）", "推荐上报（第 1 轮）：同意推荐"],
        [
            "吴审核（长春市）",
            "长春市",
            "审核中（待长春市） → 审核中（待吉林省）",
            "同意推荐（第 1 轮）：事迹突出",
        ],
        ["郑处长（吉林省）", "吉林省", "审核中（待吉林省） → 退回修改", "退回修改（第 1 轮）：请补充数据"],
        ["周填报（朝阳区）", "朝阳区", "退回修改 → 审核中（待长春市）", "推荐上报（第 2 轮）：同意推荐"],
        ["吴审核（长春市）", "长春市", "审核中（待长春市） → 审核中（待吉林省）", "同意推荐（第 2 轮）"],
        ["郑处长（吉林省）", "吉林省", "审核中（待吉林省） → 已评定", "同意推荐（第 2 轮）"],
    ]


def test_a_registrations_history_from_sign_up_to_check_in(w, staff, make_resident, client):
    """Two residents for the last seat: the second waits, the first cancels, the second moves up
    and is checked in by a county reporter."""
    activity = w.other_activity
    first, second = make_resident("13800001001", "钱阿姨"), make_resident("13800001002", "孙大爷")
    activity.capacity = 1
    activity.save(update_fields=["capacity"])
    for resident in (first, second):
        client.force_login(resident)
        client.post(reverse("public:register", args=[activity.pk]), {"name": resident.full_name})
    waiting = Registration.objects.get(activity=activity, phone="13800001002")
    assert waiting.status == "waitlisted"
    client.force_login(first)
    client.post(reverse("public:cancel", args=[Registration.objects.get(phone="13800001001").pk]))
    client.force_login(staff["reporter"])
    client.post(reverse("backoffice:activity_checkin", args=[activity.pk]), {"code": waiting.code})
    listing = client.get(reverse("backoffice:activity_registrations", args=[activity.pk])).content.decode()
    url = reverse("backoffice:registration_history", args=[activity.pk, waiting.pk])
    assert url in listing
    rows = history_rows(client, url)
    assert [row[1:] for row in rows] == [
        ["本人", "— → 候补中", ""],
        ["系统", "候补中 → 已报名", "有人取消，候补递补"],
        ["周填报（朝阳区）", "已报名 → 已报名，已签到", "扫码签到"],
    ]
    client.force_login(StaffFactory(unit=unit("220105"), roles=[Role.ADMIN]))
    assert client.get(url).status_code == 404  # the sibling district's staff


def test_a_return_needs_the_state_it_starts_from(w, staff):
    with pytest.raises(DomainError):
        submission_return(actor=staff["city"], submission=w.summary_draft, reason="还没提交")
    w.summary_draft.refresh_from_db()
    assert w.summary_draft.state == SubmissionState.DRAFT
    assert w.summary_draft.events.count() == 1
