"""The unit's submission package opens with every file in it."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from docx import Document

from learnweek.campaigns.models import RequirementKind
from learnweek.materials import services
from tests.helpers import pdf_file
from tests.materials.helpers import photos

pytestmark = pytest.mark.django_db


def test_the_package_holds_each_material_its_photos_and_documents(
    board, make_material, county_reporter, tmp_path
):
    submission = services.material_save(
        actor=county_reporter,
        requirement=board,
        unit=county_reporter.unit,
        title="十五分钟学习圈",
        body="学" * 500,
    )
    captions = ["开幕式现场", "老年智能手机课堂", "亲子阅读", "书法体验", "非遗展示", "闭幕式"]
    for caption, upload in zip(captions, photos(6), strict=True):
        services.material_photo_add(
            actor=county_reporter, submission=submission, upload=upload, caption=caption
        )
    plan = make_material(RequirementKind.WORK_PLAN)
    plan_submission = services.material_save(
        actor=county_reporter,
        requirement=plan,
        unit=county_reporter.unit,
        title="工作方案",
        details={"website_name": "朝阳学习网", "website_url": "https://cy.example.cn"},
    )
    services.material_file_attach(
        actor=county_reporter, submission=plan_submission, upload=pdf_file("方案.pdf")
    )

    out = tmp_path / "package.zip"
    call_command(
        "export_materials", campaign=board.campaign.slug, unit=county_reporter.unit.code, output=str(out)
    )
    archive = zipfile.ZipFile(out)
    assert archive.testzip() is None
    names = archive.namelist()
    board_folder = "01-成果展展板素材" if names[0].startswith("01-成果展") else "02-成果展展板素材"
    expected = {f"{board_folder}/十五分钟学习圈.docx"} | {
        f"{board_folder}/{i}-{caption}.jpg" for i, caption in enumerate(captions, start=1)
    }
    assert expected <= set(names)
    assert any(n.endswith("/附件-方案.pdf") for n in names) and any(
        n.endswith("/工作方案.docx") for n in names
    )
    text = "\n".join(
        p.text for p in Document(io.BytesIO(archive.read(f"{board_folder}/十五分钟学习圈.docx"))).paragraphs
    )
    assert "十五分钟学习圈" in text and "1. 开幕式现场（2000×1500）" in text
    plan_doc = next(n for n in names if n.endswith("/工作方案.docx"))
    assert "活动周网站名称：朝阳学习网" in "\n".join(
        p.text for p in Document(io.BytesIO(archive.read(plan_doc))).paragraphs
    )
    assert archive.read(f"{board_folder}/1-开幕式现场.jpg")[:2] == b"\xff\xd8"


def test_files_go_through_the_configured_storage(board, county_reporter, settings):
    """Whatever storage backend is configured (S3-compatible in production) receives the photos;
    nothing is written beside it on the local disk."""
    from pathlib import Path

    from django.core.files.storage import default_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    submission = services.material_save(actor=county_reporter, requirement=board, unit=county_reporter.unit)
    photo = services.material_photo_add(
        actor=county_reporter, submission=submission, upload=photos(1)[0], caption="现场"
    )
    assert type(default_storage._wrapped).__name__ == "InMemoryStorage"
    assert default_storage.exists(photo.original.name) and default_storage.exists(photo.thumb.name)
    assert not (Path(settings.MEDIA_ROOT) / photo.original.name).exists()
