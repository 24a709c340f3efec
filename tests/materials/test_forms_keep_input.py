"""The forms of a material's page (photo, typical case, document) keep what was typed when they
are refused: the page comes back (200) with the typed values and the reason, and a chosen file is
asked for again (issue 23, item 9)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learnweek.materials.services import material_save
from tests.helpers import COUNTY, photo_file, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(summary, county_reporter):
    return material_save(
        actor=county_reporter, requirement=summary, unit=unit(COUNTY), title="工作总结", body="学" * 1500
    )


def act(client, submission, data):
    return client.post(reverse("backoffice:material_act", args=[submission.pk]), data)


@pytest.mark.parametrize(
    ("sent", "reason", "kept"),
    [
        pytest.param(
            {"action": "photo", "caption": "老年智能手机课堂", "photo": "fake"},
            "照片“现场.jpg”不是可以打开的图片",
            ['value="老年智能手机课堂"', "请重新选择文件"],
            id="a photo refused by the service",
        ),
        pytest.param(
            {"action": "photo", "caption": "", "photo": "good"},
            "请选择照片并写上说明",
            ["请重新选择文件", "这个字段是必填项"],
            id="a photo without a caption",
        ),
        pytest.param(
            {"action": "case", "title": "", "body": "南湖社区开设老年智能手机课堂十二期。"},
            "典型案例须有标题和内容",
            ["南湖社区开设老年智能手机课堂十二期。</textarea>"],
            id="a case without a title",
        ),
        pytest.param(
            {"action": "case", "title": "老年智能手机课堂", "body": ""},
            "典型案例须有标题和内容",
            ['value="老年智能手机课堂"'],
            id="a case without its text",
        ),
        pytest.param(
            {"action": "document", "document": "good"},
            "",
            ["请重新选择文件"],
            id="a document refused by the service",
        ),
    ],
)
def test_a_refused_form_of_the_material_page_keeps_what_was_typed(
    client, draft, county_reporter, sent, reason, kept
):
    uploads = {
        "good": photo_file,
        "fake": lambda: SimpleUploadedFile("现场.jpg", b"%PDF-1.4 neither", "image/jpeg"),
    }
    data = {k: uploads[v]() if k in ("photo", "document") else v for k, v in sent.items()}
    client.force_login(county_reporter)
    response = act(client, draft, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="messages"><li class="error">' + reason in page
    for text in kept:
        assert text in page
    assert not (draft.photos.exists() or draft.cases.exists() or draft.files.exists())
