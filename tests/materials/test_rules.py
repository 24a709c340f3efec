"""Each rule of a material at its boundary, with real image files made in the test."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learnweek.campaigns.models import RequirementKind, SubmissionState
from learnweek.campaigns.services import submission_submit
from learnweek.core.errors import DomainError
from learnweek.materials import services
from learnweek.materials.models import SubmissionPhoto
from tests.helpers import pdf_file, photo_file
from tests.materials.helpers import photos

pytestmark = pytest.mark.django_db


def fill_board(reporter, board, title="朝阳区十五分钟学习圈", body="学" * 500, count=6):
    submission = services.material_save(
        actor=reporter, requirement=board, unit=reporter.unit, title=title, body=body
    )
    for i, upload in enumerate(photos(count)):
        services.material_photo_add(
            actor=reporter, submission=submission, upload=upload, caption=f"场景{i + 1}"
        )
    return submission


@pytest.mark.parametrize(("length", "ok"), [(20, True), (21, False)])
def test_board_title_at_20_and_21_characters(board, county_reporter, length, ok):
    submission = fill_board(county_reporter, board, title="题" * length)
    if ok:
        assert (
            submission_submit(actor=county_reporter, submission=submission).state == SubmissionState.SUBMITTED
        )
    else:
        with pytest.raises(DomainError, match="标题不能超过 20 字（现有 21 字）"):
            submission_submit(actor=county_reporter, submission=submission)
        submission.refresh_from_db()
        assert submission.state == SubmissionState.DRAFT


@pytest.mark.parametrize(("length", "ok"), [(1499, False), (1500, True)])
def test_summary_text_at_1499_and_1500_characters(summary, county_reporter, length, ok):
    submission = services.material_save(
        actor=county_reporter,
        requirement=summary,
        unit=county_reporter.unit,
        title="年度工作总结",
        body="总" * length,
    )
    for i, upload in enumerate(photos(8)):
        services.material_photo_add(
            actor=county_reporter, submission=submission, upload=upload, caption=f"规模{i}"
        )
    for n in (1, 2):
        services.material_case_save(
            actor=county_reporter, submission=submission, title=f"案例{n}", body="内容"
        )
    if ok:
        submission_submit(actor=county_reporter, submission=submission)
    else:
        with pytest.raises(DomainError, match="正文不少于 1500 字（现有 1499 字）"):
            submission_submit(actor=county_reporter, submission=submission)


def test_summary_needs_its_cases(summary, county_reporter):
    submission = services.material_save(
        actor=county_reporter, requirement=summary, unit=county_reporter.unit, title="总结", body="总" * 1500
    )
    with pytest.raises(DomainError, match="须 8 张照片（现有 0 张）.*典型活动案例须 2 个（现有 0 个）"):
        submission_submit(actor=county_reporter, submission=submission)


def test_board_needs_exactly_six_photos(board, county_reporter):
    submission = fill_board(county_reporter, board, count=5)
    with pytest.raises(DomainError, match="须 6 张照片（现有 5 张）"):
        submission_submit(actor=county_reporter, submission=submission)
    services.material_photo_add(
        actor=county_reporter, submission=submission, upload=photos(1, 5)[0], caption="六"
    )
    with pytest.raises(DomainError, match="照片最多 6 张，已有 6 张"):
        services.material_photo_add(
            actor=county_reporter, submission=submission, upload=photos(1, 6)[0], caption="七"
        )
    assert submission_submit(actor=county_reporter, submission=submission).state == SubmissionState.SUBMITTED


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (photo_file("small.jpg", size=(1919, 1200)), "长边只有 1919 像素，要求至少 1920 像素"),
        (SimpleUploadedFile("photo.jpg", b"GIF89a not really", "image/jpeg"), "不是可以打开的图片"),
        (
            SimpleUploadedFile("../../etc/passwd\x07.png", b"root:x:0:0", "image/png"),
            "照片“passwd.png”不是可以打开的图片",
        ),
    ],
)
def test_board_photos_refused_by_content(board, county_reporter, upload, message):
    submission = services.material_save(actor=county_reporter, requirement=board, unit=county_reporter.unit)
    with pytest.raises(DomainError, match=message):
        services.material_photo_add(
            actor=county_reporter, submission=submission, upload=upload, caption="现场"
        )
    assert not SubmissionPhoto.objects.exists()


def test_a_50_mb_upload_is_refused_before_reading_it(board, county_reporter):
    submission = services.material_save(actor=county_reporter, requirement=board, unit=county_reporter.unit)

    class Huge(io.BytesIO):
        size = 50 * 1024 * 1024
        name = "huge.jpg"

    with pytest.raises(DomainError, match="有 50.0 MB，超过 20 MB 的上限"):
        services.material_photo_add(
            actor=county_reporter, submission=submission, upload=Huge(b"x"), caption="大"
        )


def test_work_plan_takes_text_or_a_document_and_checks_details(make_material, county_reporter):
    plan = make_material(RequirementKind.WORK_PLAN)
    with pytest.raises(DomainError, match="“活动周网站网址”“www.example”不是 http\\(s\\) 网址"):
        services.material_save(
            actor=county_reporter,
            requirement=plan,
            unit=county_reporter.unit,
            details={"website_url": "www.example"},
        )
    submission = services.material_save(
        actor=county_reporter,
        requirement=plan,
        unit=county_reporter.unit,
        title="朝阳区活动周工作方案",
        details={
            "website_url": "https://xx.example.cn/week",
            "liaison_name": "李老师",
            "liaison_phone": "13904310000",
        },
    )
    with pytest.raises(DomainError, match="工作方案请填写正文或上传文档"):
        submission_submit(actor=county_reporter, submission=submission)
    fake = SimpleUploadedFile("方案.docx", b"PK\x03\x04 not a real zip", "application/msword")
    with pytest.raises(DomainError, match="既不是 PDF 也不是 Word"):
        services.material_file_attach(actor=county_reporter, submission=submission, upload=fake)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    services.material_file_attach(
        actor=county_reporter,
        submission=submission,
        upload=SimpleUploadedFile("方案.docx", buffer.getvalue()),
    )
    services.material_file_attach(actor=county_reporter, submission=submission, upload=pdf_file("方案.pdf"))
    assert submission_submit(actor=county_reporter, submission=submission).state == SubmissionState.SUBMITTED


def test_publicity_items_are_checked(make_material, county_reporter):
    publicity = make_material(RequirementKind.PUBLICITY)
    with pytest.raises(
        DomainError, match="第1条宣传材料（视频）请填写网址；第2条宣传材料的日期“11月3日”应为 年-月-日"
    ):
        services.material_save(
            actor=county_reporter,
            requirement=publicity,
            unit=county_reporter.unit,
            details={
                "items": [
                    {"type": "视频", "title": "开幕式"},
                    {"type": "文章", "title": "吉林日报报道", "date": "11月3日", "medium": "吉林日报"},
                ]
            },
        )
    submission = services.material_save(
        actor=county_reporter,
        requirement=publicity,
        unit=county_reporter.unit,
        details={
            "items": [
                {"type": "视频", "title": "开幕式", "url": "https://v.example.cn/1", "date": "2026-10-20"}
            ]
        },
    )
    assert submission_submit(actor=county_reporter, submission=submission).state == SubmissionState.SUBMITTED


def test_an_approved_material_is_locked(board, county_reporter, city_admin):
    from learnweek.campaigns.services import submission_approve

    submission = fill_board(county_reporter, board)
    submission_submit(actor=county_reporter, submission=submission)
    submission_approve(actor=city_admin, submission=submission)
    with pytest.raises(DomainError, match="已通过，不能修改"):
        services.material_photo_add(
            actor=county_reporter, submission=submission, upload=photos(1, start=9)[0], caption="再加一张"
        )


@pytest.mark.parametrize(
    ("length", "message"),
    [(449, "正文不少于 450 字（现有 449 字）"), (551, "正文不超过 550 字（现有 551 字）")],
)
def test_board_text_outside_about_500_is_refused(board, county_reporter, length, message):
    submission = fill_board(county_reporter, board, body="学" * length)
    with pytest.raises(DomainError, match=message):
        submission_submit(actor=county_reporter, submission=submission)


def test_a_decompression_bomb_is_refused_for_a_board(board, county_reporter):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (10000, 10000)).save(buffer, format="PNG")
    submission = services.material_save(actor=county_reporter, requirement=board, unit=county_reporter.unit)
    with pytest.raises(DomainError, match="百万像素的上限|压缩炸弹"):
        services.material_photo_add(
            actor=county_reporter,
            submission=submission,
            upload=SimpleUploadedFile("bomb.png", buffer.getvalue(), "image/png"),
            caption="现场",
        )
    assert not SubmissionPhoto.objects.exists()
