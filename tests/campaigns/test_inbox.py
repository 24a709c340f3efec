"""The inbox of 工作台 (待我报送, 待我审核, 被退回), 我的任务 by year and state, bulk review from a
board and 上一项/下一项 while reviewing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from learnweek.campaigns.access import require
from learnweek.campaigns.inbox import awaiting_review_of, inbox_for, review_neighbours
from learnweek.campaigns.models import CampaignStatus, Submission, SubmissionEvent, SubmissionState
from learnweek.campaigns.services import (
    campaign_create,
    campaign_set_status,
    requirement_create,
    submission_return,
    submission_save,
    submission_submit,
    submissions_decide_bulk,
)
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from tests.campaigns.helpers import TODAY
from tests.factories import StaffFactory
from tests.helpers import unit

BODY = "本区活动周开展情况介绍，共十余场活动。"


def hand_in(requirement, code, *, body=BODY):
    """``code``'s answer to ``requirement``, saved and submitted by one of its reporters."""
    reporter = StaffFactory(unit=unit(code), roles=[Role.REPORTER])
    saved = submission_save(actor=reporter, requirement=requirement, unit=unit(code), title="展板", body=body)
    return submission_submit(actor=reporter, submission=saved)


def reviewer(code):
    return StaffFactory(unit=unit(code), roles=[Role.REVIEWER])


def review_titles(inbox):
    return [(item.unit.name, item.title) for item in inbox.to_review]


@pytest.fixture
def handed_in(cascade):
    """Jilin's exhibition board handed in by Changchun and three of its districts, by a district
    of the sibling city 吉林市, and Changchun's statistics table by 朝阳区."""
    board = cascade["board"]
    return {
        "changchun": hand_in(board, "220100"),
        "nanguan": hand_in(board, "220102"),
        "chaoyang": hand_in(board, "220104"),
        "erdao": hand_in(board, "220105"),
        "changyi": hand_in(board, "220202"),
        "cc_stats": hand_in(cascade["cc_stats"], "220104"),
    }


# -- the three lists ---------------------------------------------------------------------------


def test_a_county_reporter_sees_what_it_must_still_hand_in_and_what_came_back(
    cascade, handed_in, county_reporter
):
    before = inbox_for(county_reporter)
    assert before.reports and not before.reviews
    # 朝阳区 handed in both of its items: nothing left to do, nothing returned.
    assert before.to_report == [] and before.returned == []

    city = reviewer("220100")
    submission_return(actor=city, submission=handed_in["chaoyang"], reason="请补充照片说明")
    after = inbox_for(county_reporter)
    assert [(i.title, i.reason) for i in after.returned] == [("成果展展板素材", "请补充照片说明")]
    assert after.returned[0].url == reverse("backoffice:submission", args=[handed_in["chaoyang"].pk])
    assert after.returned[0].days_left == 10
    assert after.to_review == [] and after.review_count == 0


def test_a_county_reporter_with_nothing_handed_in_has_its_tasks_by_deadline(cascade, county_reporter):
    inbox = inbox_for(county_reporter)
    assert [(t.requirement.title, t.days_left) for t in inbox.to_report] == [
        ("成果展展板素材", 10),
        ("活动开展情况统计表", 20),
    ]


def test_a_city_reviewer_sees_its_districts_only_never_itself_or_a_sibling_city(
    cascade, handed_in, city_reviewer
):
    inbox = inbox_for(city_reviewer)
    assert inbox.reviews and not inbox.reports
    assert inbox.review_count == 4
    assert sorted(review_titles(inbox)) == [
        ("二道区", "成果展展板素材"),
        ("南关区", "成果展展板素材"),
        ("朝阳区", "成果展展板素材"),
        ("朝阳区", "活动开展情况统计表"),
    ]
    # Soonest deadline first, then in board order (by unit).
    assert [i.unit.name for i in inbox.to_review][:3] == ["南关区", "朝阳区", "二道区"]
    kinds = {(g.title, g.what): g.count for g in inbox.by_requirement}
    assert kinds == {("成果展展板素材", "成果展展板素材"): 3, ("活动开展情况统计表", "活动开展情况统计表"): 1}


def test_a_province_reviewer_sees_the_cities_and_what_districts_sent_it_not_a_citys_own_collection(
    cascade, handed_in, province_reviewer
):
    inbox = inbox_for(province_reviewer)
    names = review_titles(inbox)
    assert ("长春市", "成果展展板素材") in names and ("昌邑区", "成果展展板素材") in names
    # Changchun's own statistics requirement is Changchun's to review, not the province's.
    assert ("朝阳区", "活动开展情况统计表") not in names
    assert inbox.review_count == 5


def test_another_citys_reviewer_never_sees_changchuns_districts(cascade, handed_in):
    inbox = inbox_for(reviewer("220200"))
    assert review_titles(inbox) == [("昌邑区", "成果展展板素材")]


def test_only_reviewers_get_the_review_list_and_only_reporters_the_others(cascade, handed_in):
    admin = StaffFactory(unit=unit("220100"), roles=[Role.ADMIN])
    inbox = inbox_for(admin)
    assert not inbox.reviews and not inbox.reports
    assert inbox.review_count == 0 and inbox.to_review == [] and inbox.to_report == []


def test_the_review_list_is_exactly_what_the_review_guard_lets_through(cascade, handed_in):
    """Row by row, for each level: listed if and only if ``require(..., above=True)`` passes."""
    people = [reviewer(code) for code in ("000000", "220000", "220100", "220104", "220200", "220105")] + [
        StaffFactory(unit=unit("220100"), roles=[Role.REPORTER])
    ]
    for person in people:
        listed = set(awaiting_review_of(person).values_list("pk", flat=True))
        for submission in Submission.objects.select_related("unit", "requirement__campaign__issuing_unit"):
            try:
                require(
                    person,
                    submission.requirement.campaign,
                    submission.unit,
                    Role.REVIEWER,
                    "审核",
                    above=True,
                )
                allowed = submission.can_review()
            except (NotFound, PermissionDenied):
                allowed = False
            assert (submission.pk in listed) == allowed, (person.unit.name, submission.unit.name)


def test_the_inbox_is_a_few_queries_however_many_units_hand_in(
    cascade, province_reviewer, django_assert_max_num_queries
):
    for code in ("220100", "220200", "220102", "220104", "220105", "220202", "220203"):
        hand_in(cascade["board"], code)
    with django_assert_max_num_queries(7):
        inbox = inbox_for(province_reviewer)
    assert inbox.review_count == 7


# -- the page ----------------------------------------------------------------------------------


def test_the_home_page_shows_the_counts_and_links_each_item(client, cascade, handed_in, city_reviewer):
    client.force_login(city_reviewer)
    page = client.get(reverse("backoffice:home")).content.decode()
    assert "待我审核（4）" in page
    assert "待我报送" not in page and "被退回" not in page
    assert reverse("backoffice:submission", args=[handed_in["erdao"].pk]) in page
    assert "还剩 10 天" in page


def test_the_home_page_of_a_county_reporter_says_what_was_returned_and_why(
    client, cascade, handed_in, county_reporter
):
    submission_return(actor=reviewer("220100"), submission=handed_in["cc_stats"], reason="表头缺联系人<b>")
    client.force_login(county_reporter)
    page = client.get(reverse("backoffice:home")).content.decode()
    assert "被退回（1）" in page and "退回理由：表头缺联系人&lt;b&gt;" in page
    assert "待我报送（0）" in page and "待我审核" not in page


# -- 我的任务 ---------------------------------------------------------------------------------


@pytest.fixture
def last_year(tree):
    campaign = campaign_create(
        actor=None, issuing_unit=unit("000000"), year=TODAY.year - 1, slug="last", title="去年的活动"
    )
    requirement_create(
        actor=None,
        campaign=campaign,
        kind="work_summary",
        title="去年的工作总结",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(TODAY.year - 1, 11, 30),
    )
    campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)
    return campaign


def test_my_tasks_hides_last_years_overdue_items_by_default(client, cascade, last_year, county_reporter):
    client.force_login(county_reporter)
    page = client.get(reverse("backoffice:tasks")).content.decode()
    assert "成果展展板素材" in page and "还剩 10 天" in page
    assert "去年的工作总结" not in page
    old = client.get(reverse("backoffice:tasks"), {"year": TODAY.year - 1}).content.decode()
    assert "去年的工作总结" in old and "已逾期" in old and "成果展展板素材" not in old
    assert "去年的工作总结" not in inbox_titles(county_reporter)


def inbox_titles(user):
    return [t.requirement.title for t in inbox_for(user).to_report]


def test_my_tasks_by_state(client, cascade, county_reporter):
    hand_in(cascade["board"], "220104")
    client.force_login(county_reporter)
    url = reverse("backoffice:tasks")
    open_ = client.get(url).content.decode()
    assert "活动开展情况统计表" in open_ and "成果展展板素材" not in open_
    done = client.get(url, {"state": "done"}).content.decode()
    assert "成果展展板素材" in done and "活动开展情况统计表" not in done
    every = client.get(url, {"state": "all", "year": "all"}).content.decode()
    assert "成果展展板素材" in every and "活动开展情况统计表" in every


# -- bulk review -------------------------------------------------------------------------------


def states(*submissions):
    return [Submission.objects.get(pk=s.pk).state for s in submissions]


def test_a_city_reviewer_approves_three_at_once_each_logged(cascade, handed_in, city_reviewer):
    three = [handed_in["nanguan"], handed_in["chaoyang"], handed_in["erdao"]]
    decided = submissions_decide_bulk(actor=city_reviewer, submissions=three, action="approve")
    assert len(decided) == 3
    assert states(*three) == [SubmissionState.APPROVED] * 3
    for submission in three:
        last = SubmissionEvent.objects.filter(submission=submission).last()
        assert (last.actor, last.from_state, last.to_state) == (
            city_reviewer,
            SubmissionState.SUBMITTED,
            SubmissionState.APPROVED,
        )


def test_one_foreign_item_refuses_all_and_names_it(cascade, handed_in, city_reviewer):
    chosen = [handed_in["nanguan"], handed_in["changyi"], handed_in["chaoyang"], handed_in["changchun"]]
    events = SubmissionEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        submissions_decide_bulk(actor=city_reviewer, submissions=chosen, action="approve")
    assert refused.value.message.startswith("以下 2 项不能审核：")
    assert "昌邑区“成果展展板素材”（不在本级审核范围）" in refused.value.message
    assert "长春市“成果展展板素材”（只能由上级单位审核）" in refused.value.message
    assert "南关区" not in refused.value.message
    assert states(*chosen) == [SubmissionState.SUBMITTED] * 4
    assert SubmissionEvent.objects.count() == events


def test_an_item_already_decided_refuses_all(cascade, handed_in, city_reviewer):
    submission_return(actor=city_reviewer, submission=handed_in["erdao"], reason="重写")
    with pytest.raises(DomainError, match="以下 1 项不能审核：二道区“成果展展板素材”（已退回）"):
        submissions_decide_bulk(
            actor=city_reviewer, submissions=[handed_in["nanguan"], handed_in["erdao"]], action="approve"
        )
    assert states(handed_in["nanguan"]) == [SubmissionState.SUBMITTED]


def test_without_the_reviewer_role_nothing_is_decided(cascade, handed_in):
    admin = StaffFactory(unit=unit("220100"), roles=[Role.ADMIN])
    with pytest.raises(DomainError, match="只有审核员可以审核"):
        submissions_decide_bulk(actor=admin, submissions=[handed_in["nanguan"]], action="approve")
    assert states(handed_in["nanguan"]) == [SubmissionState.SUBMITTED]


def test_bulk_return_needs_the_reason_and_gives_it_to_each(cascade, handed_in, city_reviewer):
    two = [handed_in["nanguan"], handed_in["erdao"]]
    with pytest.raises(DomainError, match="退回时请写明理由"):
        submissions_decide_bulk(actor=city_reviewer, submissions=two, action="return", reason="  ")
    assert states(*two) == [SubmissionState.SUBMITTED] * 2
    submissions_decide_bulk(actor=city_reviewer, submissions=two, action="return", reason="照片不清晰")
    assert states(*two) == [SubmissionState.RETURNED] * 2
    assert {s.return_reason for s in Submission.objects.filter(pk__in=[s.pk for s in two])} == {"照片不清晰"}


def test_the_board_ticks_and_decides_the_rows(client, cascade, handed_in, city_reviewer):
    board = cascade["board"]
    client.force_login(city_reviewer)
    page = client.get(reverse("backoffice:board", args=[board.pk]), {"under": "220100"}).content.decode()
    for key in ("nanguan", "chaoyang", "erdao"):
        assert f'name="submission" value="{handed_in[key].pk}"' in page
    assert f'value="{handed_in["changchun"].pk}"' not in page  # its own hand-in: the province's
    response = client.post(
        reverse("backoffice:board_review", args=[board.pk]),
        {
            "submission": [handed_in["nanguan"].pk, handed_in["erdao"].pk],
            "action": "approve",
            "under": "220100",
        },
        follow=True,
    )
    assert "已审核通过 2 项。" in response.content.decode()
    assert states(handed_in["nanguan"], handed_in["erdao"], handed_in["chaoyang"]) == [
        SubmissionState.APPROVED,
        SubmissionState.APPROVED,
        SubmissionState.SUBMITTED,
    ]


def test_a_refused_bulk_review_comes_back_ticked_and_typed(client, cascade, handed_in, city_reviewer):
    client.force_login(city_reviewer)
    chosen = [handed_in["nanguan"].pk, handed_in["changchun"].pk]  # its own hand-in: not its to decide
    response = client.post(
        reverse("backoffice:board_review", args=[cascade["board"].pk]),
        {"submission": chosen, "action": "return", "reason": "照片不清晰", "under": "220100"},
    )
    page = response.content.decode()
    assert "以下 1 项不能审核：长春市“成果展展板素材”（只能由上级单位审核）" in page
    assert f'value="{handed_in["nanguan"].pk}" form="bulk-review" checked' in page
    assert ">照片不清晰</textarea>" in page
    assert states(handed_in["nanguan"], handed_in["changchun"]) == [SubmissionState.SUBMITTED] * 2


def test_a_tick_the_reviewer_cannot_see_or_of_another_requirement_is_missing(
    client, cascade, handed_in, city_reviewer
):
    client.force_login(city_reviewer)
    url = reverse("backoffice:board_review", args=[cascade["board"].pk])
    for other in (handed_in["changyi"], handed_in["cc_stats"]):  # another city's; another requirement
        response = client.post(url, {"submission": [handed_in["nanguan"].pk, other.pk], "action": "approve"})
        assert response.status_code == 404
    assert (
        states(handed_in["nanguan"], handed_in["changyi"], handed_in["cc_stats"])
        == [SubmissionState.SUBMITTED] * 3
    )


# -- next and previous -------------------------------------------------------------------------


def test_previous_and_next_follow_the_board_among_those_awaiting(cascade, handed_in, city_reviewer):
    nanguan, chaoyang, erdao = handed_in["nanguan"], handed_in["chaoyang"], handed_in["erdao"]
    assert review_neighbours(city_reviewer, chaoyang) == (nanguan, erdao)
    assert review_neighbours(city_reviewer, nanguan) == (None, chaoyang)
    assert review_neighbours(city_reviewer, erdao) == (chaoyang, None)


def test_after_a_decision_the_reviewer_goes_to_the_next_awaiting(client, cascade, handed_in, city_reviewer):
    client.force_login(city_reviewer)
    nanguan, chaoyang, erdao = handed_in["nanguan"], handed_in["chaoyang"], handed_in["erdao"]
    page = client.get(reverse("backoffice:submission", args=[chaoyang.pk])).content.decode()
    assert "上一项：南关区" in page and "下一项：二道区" in page

    def decide(submission, **data):
        return client.post(reverse("backoffice:submission_review", args=[submission.pk]), data)

    assert decide(chaoyang, action="approve")["Location"] == reverse("backoffice:submission", args=[erdao.pk])
    # The queue wraps round to the first still awaiting.
    back = decide(erdao, action="return", reason="请补充")
    assert back["Location"] == reverse("backoffice:submission", args=[nanguan.pk])
    assert decide(nanguan, action="approve")["Location"] == reverse(
        "backoffice:board", args=[cascade["board"].pk]
    )
    assert states(chaoyang, erdao, nanguan) == [
        SubmissionState.APPROVED,
        SubmissionState.RETURNED,
        SubmissionState.APPROVED,
    ]


def test_what_still_waits_from_last_year_is_counted_and_linked_by_requirement(
    client, cascade, last_year, province_reviewer
):
    old = last_year.requirements.get()
    late = hand_in(old, "220104")
    inbox = inbox_for(province_reviewer)
    assert inbox.older_count == 1
    assert late.pk not in {int(i.url.rstrip("/").rsplit("/", 1)[-1]) for i in inbox.to_review}
    client.force_login(province_reviewer)
    page = client.get(reverse("backoffice:home")).content.decode()
    assert "往年的活动另有 1 项等待本级审核" in page
    assert f'<a href="{reverse("backoffice:board", args=[old.pk])}">{old.title}</a>' in page


def test_a_refused_review_keeps_the_typed_reason(client, cascade, handed_in):
    from learnweek.campaigns.services import submission_approve

    submission = handed_in["chaoyang"]
    city = reviewer("220100")
    submission_approve(actor=city, submission=submission)  # someone else decided it meanwhile
    client.force_login(city)
    response = client.post(
        reverse("backoffice:submission_review", args=[submission.pk]),
        {"action": "return", "reason": "照片不够清晰，请更换第3张"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "该材料已通过，不能退回" in page
    assert ">照片不够清晰，请更换第3张</textarea>" in page
