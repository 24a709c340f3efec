import pytest
from django.urls import reverse

from learnweek.accounts.services import api_token_create
from learnweek.campaigns.models import Campaign, CampaignStatus, WeekSlot
from learnweek.campaigns.services import submission_save, submission_submit
from tests.helpers import unit


def bearer(user):
    return {"Authorization": f"Bearer {api_token_create(user=user)}"}


def test_public_campaign_page_reads_like_the_notice(client, cascade):
    page = client.get(reverse("public:campaign", args=["jl"])).content.decode()
    assert "让学习成为一种生活方式" in page  # inherited theme
    assert "成果展展板素材" in page and "吉林省" in page


def test_draft_campaigns_are_not_public(client, cascade):
    Campaign.objects.filter(slug="cy").update(status=CampaignStatus.DRAFT)
    assert client.get(reverse("public:campaign", args=["cy"])).status_code == 404


def test_national_calendar_shows_each_provinces_week(client, cascade):
    jilin = cascade["jilin"]
    WeekSlot.objects.create(
        campaign=cascade["national"], province=unit("220000"), start=jilin.issued_on, end=jilin.issued_on
    )
    page = client.get(reverse("public:calendar_year", args=[jilin.year])).content.decode()
    assert "吉林省" in page and "week-bar" in page and "新疆维吾尔自治区" in page


def test_a_city_admin_derives_its_campaign_with_one_click(client, cascade, tree):
    from tests.factories import StaffFactory

    admin = StaffFactory(unit=unit("220200"), roles=["admin"])  # 吉林市 has no campaign yet
    client.force_login(admin)
    response = client.post(reverse("backoffice:campaign_derive", args=["jl"]))
    derived = Campaign.objects.get(parent__slug="jl", issuing_unit__code="220200")
    assert response.status_code == 302 and response["Location"].endswith(f"/{derived.slug}/")
    assert derived.status == CampaignStatus.DRAFT and derived.effective_theme == "让学习成为一种生活方式"
    again = client.post(reverse("backoffice:campaign_derive", args=["jl"]), follow=True)
    assert "已从该活动派生" in again.content.decode()
    assert Campaign.objects.filter(parent__slug="jl", issuing_unit__code="220200").count() == 1


def test_my_tasks_page_and_submitting_through_it(client, cascade, county_reporter):
    client.force_login(county_reporter)
    page = client.get(reverse("backoffice:tasks")).content.decode()
    assert "成果展展板素材" in page and "10 天" in page
    response = client.post(
        reverse("backoffice:submission_edit", args=[cascade["board"].pk]),
        {"title": "题" * 21, "body": "短", "submit": "1"},
    )
    assert "标题不能超过 20 字（现有 21 字）" in response.content.decode()
    assert not cascade["board"].submissions.exists()  # refused whole, not even a draft
    response = client.post(
        reverse("backoffice:submission_edit", args=[cascade["board"].pk]),
        {"title": "朝阳区", "body": "正文内容已经足够长了。", "submit": "1"},
    )
    assert response.status_code == 302
    assert cascade["board"].submissions.get().state == "submitted"


def test_reviewer_returns_through_the_page(client, cascade, county_reporter, city_admin):
    submission = submission_submit(
        actor=county_reporter,
        submission=submission_save(
            actor=county_reporter, requirement=cascade["cc_stats"], unit=unit("220104")
        ),
    )
    client.force_login(city_admin)
    client.post(
        reverse("backoffice:submission_review", args=[submission.pk]), {"action": "return", "reason": ""}
    )
    submission.refresh_from_db()
    assert submission.state == "submitted"  # a reason is required
    client.post(
        reverse("backoffice:submission_review", args=[submission.pk]),
        {"action": "return", "reason": "缺数据"},
    )
    submission.refresh_from_db()
    assert submission.state == "returned" and submission.return_reason == "缺数据"


def test_api_campaigns_and_requirements(client, cascade, county_admin):
    headers = bearer(county_admin)
    slugs = {c["slug"] for c in client.get("/api/v1/campaigns", headers=headers).json()}
    assert {"nat", "jl", "cc", "cy"} <= slugs
    detail = client.get("/api/v1/campaigns/jl", headers=headers).json()
    assert detail["theme"] == "让学习成为一种生活方式" and detail["parent"] == "nat"
    requirements = client.get("/api/v1/campaigns/cc/requirements", headers=headers).json()
    assert requirements[0]["parent_requirement"] == cascade["stats"].pk


def test_api_completeness_is_scoped(client, cascade, city_admin, sibling_county_admin):
    url = f"/api/v1/requirements/{cascade['board'].pk}/completeness"
    body = client.get(url, headers=bearer(city_admin)).json()
    assert body["under"]["code"] == "220100"
    assert {u["unit"]["code"] for u in body["units"]} >= {"220100", "220104"}
    assert all(u["unit"]["code"].startswith("2201") for u in body["units"])
    sibling = client.get(url + "?under=220104", headers=bearer(sibling_county_admin))
    assert sibling.status_code == 404


@pytest.mark.parametrize("slug", ["nope", "cy"])
def test_a_county_cannot_see_a_sibling_countys_campaign(client, cascade, sibling_county_admin, slug):
    assert client.get(f"/api/v1/campaigns/{slug}", headers=bearer(sibling_county_admin)).status_code == 404


def test_provinces_apply_for_week_dates_and_the_ministry_arranges(
    client, cascade, province_admin, ministry_admin
):
    import datetime

    year = cascade["national"].year
    client.force_login(province_admin)
    url = reverse("backoffice:week_slots", args=["nat"])
    client.post(url, {"start": f"{year}-05-11", "end": f"{year}-05-17"})
    slot = WeekSlot.objects.get(province__code="220000")
    assert (slot.start, slot.status) == (datetime.date(year, 5, 11), "applied")
    bad = client.post(url, {"start": f"{year}-05-17", "end": f"{year}-05-11"}, follow=True)
    assert "开始日期不能晚于结束日期" in bad.content.decode()

    client.force_login(ministry_admin)
    moved = {"slot": slot.pk, "start": f"{year}-05-18", "end": f"{year}-05-24"}
    unexplained = client.post(url, moved, follow=True).content.decode()
    assert "改为其他日期时请写明理由" in unexplained
    assert f'value="{year}-05-18"' in unexplained  # what was typed stays in the form
    client.post(url, moved | {"reason": "与相邻省份错开"})
    slot.refresh_from_db()
    assert (slot.start, slot.status) == (datetime.date(year, 5, 18), "arranged")
    page = client.get(reverse("public:calendar_year", args=[year])).content.decode()
    assert "5月18日—5月24日" in page and "已安排" in page

    client.force_login(province_admin)
    refused = client.post(url, {"start": f"{year}-06-01", "end": f"{year}-06-07"}, follow=True)
    assert "教育部已安排本省的活动周时间" in refused.content.decode()
