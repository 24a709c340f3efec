"""A reporter fills a board on the pages, the city approves it, and it hangs in the public 成果展;
the same through the API, within scope."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from learnweek.accounts.services import api_token_create
from learnweek.campaigns.models import Submission, SubmissionState
from learnweek.campaigns.services import submission_approve
from tests.helpers import photo_file
from tests.materials.helpers import photos

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"Authorization": f"Bearer {api_token_create(user=user)}"}


def test_a_board_through_the_pages_to_the_public_exhibition(client, board, county_reporter, city_admin):
    client.force_login(county_reporter)
    edit = reverse("backoffice:submission_edit", args=[board.pk])
    form = client.get(edit).content.decode()
    assert 'data-count-limit="20"' in form and 'data-count-min="450"' in form and "char-counter.js" in form
    refused = client.post(edit, {"title": "题" * 21, "body": "学" * 500, "submit": "1"}).content.decode()
    assert "标题不能超过 20 字（现有 21 字）" in refused and "须 6 张照片（现有 0 张）" in refused
    client.post(edit, {"title": "十五分钟学习圈", "body": "学" * 500, "save": "1"})
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.DRAFT  # the refused submit saved nothing; the draft did
    act = reverse("backoffice:material_act", args=[submission.pk])
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (43.0, 52.0, 1.0)  # GPS latitude: must not reach the public
    uploads = [photo_file("现场0.jpg", size=(2000, 1500), exif=exif.tobytes()), *photos(5, start=1)]
    for i, upload in enumerate(uploads):
        client.post(act, {"action": "photo", "caption": f"场景{i}", "photo": upload})
    page = client.get(reverse("backoffice:submission", args=[submission.pk])).content.decode()
    assert "照片（6 / 6）" in page and "场景5" in page
    client.post(act, {"action": "submit"})
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED

    exhibition = reverse("public:exhibition")
    assert "十五分钟学习圈" not in client.get(exhibition).content.decode()
    submission_approve(actor=city_admin, submission=submission)
    client.logout()
    assert (
        "十五分钟学习圈"
        in client.get(exhibition + f"?year={board.campaign.year}&province=220000").content.decode()
    )
    assert "十五分钟学习圈" not in client.get(exhibition + "?province=110000").content.decode()
    page = client.get(reverse("public:exhibition_board", args=[submission.pk])).content.decode()
    assert "场景0" in page and "@media print" not in page
    first = submission.photos.get(caption="场景0")
    image = client.get(reverse("public:exhibition_photo", args=[submission.pk, first.pk]))
    shown = Image.open(io.BytesIO(b"".join(image.streaming_content)))
    assert not shown.getexif().get_ifd(0x8825)
    zipped = client.get(reverse("backoffice:materials_package", args=[board.campaign.slug]))
    assert zipped.status_code == 302  # staff only


def test_the_api_saves_uploads_and_submits_within_scope(
    client, make_material, county_reporter, sibling_county_admin
):
    from learnweek.campaigns.models import RequirementKind

    case = make_material(RequirementKind.TYPICAL_CASE, photo_min=1)
    headers = bearer(county_reporter)
    saved = client.put(
        f"/api/v1/requirements/{case.pk}/material",
        {"title": "老年智能手机课堂", "body": "课堂内容", "details": {"case_unit": "南湖街道社区学校"}},
        content_type="application/json",
        headers=headers,
    )
    assert saved.status_code == 200, saved.json()
    pk = saved.json()["id"]
    assert client.get(f"/api/v1/materials/{pk}", headers=bearer(sibling_county_admin)).status_code == 404
    refused = client.post(f"/api/v1/materials/{pk}/submit", headers=headers)
    assert refused.status_code == 400 and "照片至少 1 张（现有 0 张）" in refused.json()["message"]
    bad = client.post(
        f"/api/v1/materials/{pk}/photos",
        {"caption": "课堂", "photo": io.BytesIO(b"not an image")},
        headers=headers,
    )
    assert bad.status_code == 400 and "不是可以打开的图片" in bad.json()["message"]
    upload = photo_file("课堂.jpg")
    added = client.post(
        f"/api/v1/materials/{pk}/photos", {"caption": "课堂", "photo": upload}, headers=headers
    )
    assert added.status_code == 201 and added.json()["width"] == 2400
    submitted = client.post(f"/api/v1/materials/{pk}/submit", headers=headers)
    assert submitted.json()["state"] == "submitted"
    listed = client.get(f"/api/v1/materials?requirement={case.pk}", headers=bearer(county_reporter))
    assert [m["id"] for m in listed.json()] == [pk]
