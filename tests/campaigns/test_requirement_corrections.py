"""Item 5 of issue 23: a requirement can be corrected before anyone hands in; after, only its
deadline, closing and rules change, with history; a requirement passed down keeps its parent's
kind; deriving a campaign can take over every requirement of the level above."""

import pytest
from django.urls import reverse

from learnweek.campaigns.models import Campaign, Requirement, RequirementKind, Submission
from learnweek.campaigns.selectors import requirement_history
from learnweek.campaigns.services import (
    campaign_derive,
    requirement_create,
    requirement_delete,
    requirement_update,
    submission_save,
    submission_submit,
)
from learnweek.core.chinese import chinese_date
from learnweek.core.errors import DomainError
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from tests.campaigns.helpers import days
from tests.factories import StaffFactory
from tests.helpers import unit


def hand_in(requirement, code):
    submission = submission_save(
        actor=None, requirement=requirement, unit=unit(code), title="题目", body="正文内容已经足够长了。"
    )
    return submission_submit(actor=None, submission=submission)


def test_before_any_hand_in_everything_can_be_corrected(cascade, province_admin):
    requirement = cascade["board"]
    requirement_update(
        actor=province_admin,
        requirement=requirement,
        title="成果展素材",
        applies_to=[UnitKind.PREFECTURE],
        kind=RequirementKind.TYPICAL_CASE,
    )
    requirement.refresh_from_db()
    assert (requirement.title, requirement.applies_to) == ("成果展素材", ["prefecture"])
    assert requirement.kind == RequirementKind.TYPICAL_CASE


def test_a_requirement_with_only_drafts_is_deleted_with_them(cascade, province_admin):
    requirement = cascade["board"]
    submission_save(actor=None, requirement=requirement, unit=unit("220100"), body="草稿")
    requirement_delete(actor=province_admin, requirement=requirement)
    assert not Requirement.objects.filter(pk=requirement.pk).exists()
    assert not Submission.objects.filter(requirement_id=requirement.pk).exists()


def test_after_a_hand_in_the_title_is_refused_and_deleting_names_the_count(cascade, province_admin):
    requirement = cascade["board"]
    hand_in(requirement, "220100")
    with pytest.raises(DomainError, match="已有 1 个单位提交.*名称不能再改"):
        requirement_update(actor=province_admin, requirement=requirement, title="另一个名称")
    with pytest.raises(DomainError, match="已有 1 个单位提交了“成果展展板素材”（长春市），不能删除"):
        requirement_delete(actor=province_admin, requirement=requirement)
    requirement.refresh_from_db()
    assert requirement.title == "成果展展板素材"


def test_after_a_hand_in_the_deadline_and_rules_change_with_history(client, cascade, province_admin):
    requirement = cascade["board"]
    hand_in(requirement, "220100")
    requirement_update(actor=province_admin, requirement=requirement, deadline=days(12), body_max_chars=800)
    requirement.refresh_from_db()
    assert requirement.deadline == days(12) and requirement.body_max_chars == 800
    last = requirement_history(requirement)[-1]
    assert f"截止日期 {chinese_date(days(10))}" in last.before
    assert f"截止日期 {chinese_date(days(12))}" in last.after and "正文最多字数 800" in last.after
    client.force_login(province_admin)
    page = client.get(reverse("backoffice:requirement_edit", args=[requirement.pk])).content.decode()
    assert "已有 1 个单位提交" in page and f"{chinese_date(days(12))}" in page
    assert "删除该报送事项" not in page


def test_the_delete_button_refuses_with_the_message_after_a_hand_in(client, cascade, province_admin):
    requirement = cascade["board"]
    hand_in(requirement, "220100")
    client.force_login(province_admin)
    response = client.post(reverse("backoffice:requirement_delete", args=[requirement.pk]), follow=True)
    assert "已有 1 个单位提交" in response.content.decode()
    assert Requirement.objects.filter(pk=requirement.pk).exists()


def test_a_unit_below_cannot_open_the_edit_page(client, cascade, city_admin):
    client.force_login(city_admin)
    response = client.get(reverse("backoffice:requirement_edit", args=[cascade["board"].pk]))
    assert response.status_code == 404
    response = client.post(reverse("backoffice:requirement_delete", args=[cascade["board"].pk]))
    assert response.status_code == 404
    assert Requirement.objects.filter(pk=cascade["board"].pk).exists()


def test_a_requirement_passed_down_keeps_its_parents_kind(cascade, city_admin):
    with pytest.raises(DomainError, match="类别随上级（活动开展情况统计表）"):
        requirement_create(
            actor=city_admin,
            campaign=cascade["changchun"],
            parent_requirement=cascade["stats"],
            kind=RequirementKind.WORK_PLAN,
            applies_to=[UnitKind.COUNTY],
            deadline=days(15),
        )
    with pytest.raises(DomainError, match="类别随上级"):
        requirement_update(actor=city_admin, requirement=cascade["cc_stats"], kind=RequirementKind.WORK_PLAN)
    assert Requirement.objects.get(pk=cascade["cc_stats"].pk).kind == RequirementKind.STATISTICS


def test_the_form_offers_only_the_parents_kind(client, cascade, city_admin):
    client.force_login(city_admin)
    url = reverse("backoffice:requirement_new", args=["cc"])
    page = client.get(url, {"from": cascade["board"].pk}).content.decode()
    assert 'value="exhibition_board"' in page and 'value="work_plan"' not in page
    response = client.post(
        url,
        {
            "parent_requirement": cascade["board"].pk,
            "kind": "work_plan",
            "applies_to": ["county"],
            "deadline": days(8).isoformat(),
        },
    )
    assert response.status_code == 200
    assert not cascade["changchun"].requirements.filter(parent_requirement=cascade["board"]).exists()


def test_deriving_with_every_requirement_sets_deadlines_days_before(cascade):
    jilin_city = unit("220200")
    campaign = campaign_derive(
        actor=None,
        parent=cascade["jilin"],
        unit=jilin_city,
        issued_on=days(-1),
        inherit_all=True,
        lead_days=3,
    )
    (derived,) = campaign.requirements.all()
    parent = cascade["board"]
    assert derived.parent_requirement == parent and derived.deadline == days(7)
    assert (derived.kind, derived.title, derived.title_max_chars) == (parent.kind, parent.title, 20)
    assert derived.applies_to == ["county"]


def test_deriving_never_sets_a_deadline_before_the_issue_date(cascade):
    campaign = campaign_derive(
        actor=None, parent=cascade["jilin"], unit=unit("220200"), issued_on=days(8), inherit_all=True
    )
    assert campaign.requirements.get().deadline == days(8)  # 10 − 5 would be before the issue date


def test_the_derive_button_takes_over_every_requirement(client, cascade):
    admin = StaffFactory(unit=unit("220200"), roles=[Role.ADMIN])
    client.force_login(admin)
    response = client.post(
        reverse("backoffice:campaign_derive", args=["jl"]),
        {"inherit_all": "on", "lead_days": "4"},
        follow=True,
    )
    campaign = Campaign.objects.get(parent__slug="jl", issuing_unit__code="220200")
    assert campaign.requirements.get().deadline == days(6)
    assert "承接上级事项 1 项" in response.content.decode()


def test_a_later_issue_date_names_the_requirement_and_links_to_it(client, cascade, province_admin):
    client.force_login(province_admin)
    response = client.post(
        reverse("backoffice:campaign_edit", args=["jl"]),
        {"title": "吉林省活动（改）", "issued_on": days(15).isoformat()},
    )
    page = response.content.decode()
    assert "“成果展展板素材”（截止" in page
    assert reverse("backoffice:requirement_edit", args=[cascade["board"].pk]) in page
    assert "吉林省活动（改）" in page  # what was typed stays
    assert Campaign.objects.get(slug="jl").issued_on == days(-20)


def test_the_units_are_told_what_changed_after_they_handed_in(cascade, province_admin):
    from learnweek.notices.models import Notice

    requirement = cascade["board"]
    city_reporter = StaffFactory(unit=unit("220100"), roles=[Role.REPORTER])
    hand_in(requirement, "220100")
    Notice.objects.all().delete()
    requirement_update(actor=province_admin, requirement=requirement, deadline=days(12))
    (notice,) = Notice.objects.filter(recipient=city_reporter)
    assert notice.title == "报送事项有变更：成果展展板素材"
    old, new = days(10), days(12)
    assert (
        f"截止日期：{old.year}年{old.month}月{old.day}日 → {new.year}年{new.month}月{new.day}日"
        in notice.body
    )
    requirement_update(actor=province_admin, requirement=requirement, deadline=days(12))
    assert Notice.objects.filter(recipient=city_reporter).count() == 1  # nothing changed: nothing told
