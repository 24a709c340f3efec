"""Finding 1 of issue 21: an upload is served as the format it was checked to be, never as what
its uploader named it, and nothing it holds runs in a browser."""

from __future__ import annotations

import datetime
import io
import re
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from learnweek.campaigns.models import CampaignStatus, RequirementKind
from learnweek.campaigns.packages import package_entries
from learnweek.campaigns.services import (
    campaign_create,
    campaign_set_status,
    requirement_create,
    submission_approve,
    submission_submit,
)
from learnweek.core.downloads import DOCX
from learnweek.core.errors import DomainError
from learnweek.materials.services import material_file_attach, material_photo_add, material_save
from learnweek.nominations import services as nominations
from learnweek.orgs.models import Unit, UnitKind
from tests.factories import PASSWORD
from tests.materials.helpers import photos
from tests.nominations.helpers import PERSON_VALUES, make_requirement
from tests.security.polyglot import MARKER, jpeg_page, jpeg_script, pdf_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case_material(jilin_this_year_published, county_reporter):
    """A district's typical case (photos and documents allowed) holding the attacker's files."""
    requirement = requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.TYPICAL_CASE,
        title="典型案例",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(jilin_this_year_published.year, 12, 31),
        photo_min=1,
    )
    return material_save(
        actor=county_reporter,
        requirement=requirement,
        unit=county_reporter.unit,
        title="老年智能手机课堂",
        body="课堂内容",
        details={"case_unit": "南湖街道社区学校"},
    )


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def headers_of(response) -> dict[str, str]:
    return {
        "type": response["Content-Type"],
        "disposition": response["Content-Disposition"],
        "nosniff": response.get("X-Content-Type-Options", ""),
        "csp": response.get("Content-Security-Policy", ""),
    }


def assert_attachment(response, content_type: str, extension: str) -> None:
    seen = headers_of(response)
    assert response.status_code == 200
    assert seen["type"] == content_type, seen
    assert seen["disposition"].startswith("attachment;"), seen
    assert re.search(rf"filename\*=UTF-8''[^;]*\.{extension}$", seen["disposition"]), seen
    assert seen["nosniff"] == "nosniff"
    assert "sandbox" in seen["csp"]


def test_material_photos_and_documents_keep_the_format_they_were_checked_to_be(
    client, case_material, county_reporter, city_reviewer
):
    script = material_photo_add(
        actor=county_reporter, submission=case_material, upload=upload("x.js", jpeg_script()), caption="脚本"
    )
    page = material_photo_add(
        actor=county_reporter,
        submission=case_material,
        upload=upload("x.html", jpeg_page("/office/whatever/")),
        caption="页面",
    )
    document = material_file_attach(
        actor=county_reporter, submission=case_material, upload=upload("x.html", pdf_page(), "text/html")
    )
    client.force_login(city_reviewer)
    pk = case_material.pk
    for photo in (script, page):
        original = client.get(reverse("backoffice:material_photo", args=[pk, photo.pk]))
        assert_attachment(original, "image/jpeg", "jpg")
        thumb = client.get(reverse("backoffice:material_thumb", args=[pk, photo.pk]))
        assert thumb["Content-Type"] == "image/jpeg" and thumb["Content-Disposition"].startswith("inline;")
        assert thumb["X-Content-Type-Options"] == "nosniff" and "sandbox" in thumb["Content-Security-Policy"]
    served = client.get(reverse("backoffice:material_document", args=[pk, document.pk]))
    assert_attachment(served, "application/pdf", "pdf")


def test_a_word_document_is_served_as_word(client, case_material, county_reporter, city_reviewer):
    buffer = io.BytesIO()
    Document().save(buffer)
    document = material_file_attach(
        actor=county_reporter,
        submission=case_material,
        upload=upload("方案.html", buffer.getvalue(), "text/html"),
    )
    client.force_login(city_reviewer)
    served = client.get(reverse("backoffice:material_document", args=[case_material.pk, document.pk]))
    assert_attachment(served, DOCX, "docx")
    assert (
        "方案.docx" in served["Content-Disposition"]
        or "%E6%96%B9%E6%A1%88.docx" in served["Content-Disposition"]
    )


def test_nomination_scans_and_photos(client, jilin_this_year_published, county_reporter, city_reviewer):
    requirement = make_requirement(
        jilin_this_year_published,
        RequirementKind.LEARNING_STAR,
        applies_to=[UnitKind.COUNTY],
        quota_per_unit=3,
        photo_max=2,
    )
    nomination = nominations.nomination_create(
        actor=county_reporter, requirement=requirement, unit=county_reporter.unit, **PERSON_VALUES
    )
    nominations.scan_attach(
        actor=county_reporter, nomination=nomination, upload=upload("scan.html", pdf_page())
    )
    photo = nominations.photo_add(
        actor=county_reporter, nomination=nomination, upload=upload("me.js", jpeg_script()), caption="本人"
    )
    nominations.nomination_submit(actor=county_reporter, nomination=nomination)
    client.force_login(city_reviewer)
    assert_attachment(
        client.get(reverse("backoffice:nomination_scan", args=[nomination.pk])), "application/pdf", "pdf"
    )
    assert_attachment(
        client.get(reverse("backoffice:nomination_photo", args=[nomination.pk, photo.pk])),
        "image/jpeg",
        "jpg",
    )


def test_public_copies_are_shown_inline_and_sandboxed(
    client, jilin_this_year_published, county_reporter, city_admin
):
    board = requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.EXHIBITION_BOARD,
        title="展板",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(jilin_this_year_published.year, 12, 31),
        photo_min=1,
    )
    submission = material_save(
        actor=county_reporter, requirement=board, unit=county_reporter.unit, title="学习圈", body="学" * 50
    )
    first = material_photo_add(
        actor=county_reporter, submission=submission, upload=photos(1)[0], caption="场景"
    )
    submission_submit(actor=county_reporter, submission=submission)
    submission_approve(actor=city_admin, submission=submission)
    shown = client.get(reverse("public:exhibition_photo", args=[submission.pk, first.pk]))
    assert shown["Content-Type"] == "image/jpeg" and shown["Content-Disposition"].startswith("inline;")
    assert shown["X-Content-Type-Options"] == "nosniff" and "sandbox" in shown["Content-Security-Policy"]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package")
@pytest.mark.django_db(transaction=True)
def test_the_polyglot_opened_by_a_reviewer_runs_nothing(
    live_server, monkeypatch, county_reporter, city_reviewer, tmp_path
):
    """The attack as it was found: a JPEG that is a script (named x.js) and a JPEG that is a page
    loading it (named x.html); the city reviewer opens the page's link in Chromium."""
    sync_api = pytest.importorskip("playwright.sync_api")

    campaign = campaign_create(
        actor=None, issuing_unit=Unit.objects.get(code="220000"), year=2026, slug="poly", title="吉林"
    )
    campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.PUBLISHED)
    requirement = requirement_create(
        actor=None,
        campaign=campaign,
        kind=RequirementKind.TYPICAL_CASE,
        title="典型案例",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(2026, 12, 31),
        photo_min=1,
    )
    submission = material_save(
        actor=county_reporter,
        requirement=requirement,
        unit=county_reporter.unit,
        title="案例",
        body="内容",
        details={"case_unit": "学校"},
    )
    script = material_photo_add(
        actor=county_reporter, submission=submission, upload=upload("x.js", jpeg_script()), caption="一"
    )
    script_url = reverse("backoffice:material_photo", args=[submission.pk, script.pk])
    page = material_photo_add(
        actor=county_reporter,
        submission=submission,
        upload=upload("x.html", jpeg_page(script_url)),
        caption="二",
    )
    page_url = reverse("backoffice:material_photo", args=[submission.pk, page.pk])

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True
        )
        tab = context.new_page()
        requested: list[str] = []
        tab.on("request", lambda request: requested.append(request.url))
        tab.goto(f"{live_server.url}/accounts/login/")
        tab.get_by_label("用户名").fill(city_reviewer.username)
        tab.get_by_label("密码").fill(PASSWORD)
        tab.get_by_role("button", name="登录").click()
        tab.wait_for_load_state()
        assert "/accounts/login/" not in tab.url, "the reviewer is signed in"
        with tab.expect_download(timeout=10000) as download:
            try:
                tab.goto(f"{live_server.url}{page_url}")
            except sync_api.Error as exc:  # Chromium reports a navigation that became a download
                assert "Download is starting" in str(exc), exc
        assert download.value.suggested_filename.endswith(".jpg")
        tab.wait_for_timeout(1000)
        tab.screenshot(path=str(tmp_path / "polyglot.png"))
        browser.close()
    assert not [url for url in requested if MARKER in url], "the uploaded file ran as a script"


def test_a_page_or_program_in_front_of_a_docx_is_not_a_document(client, case_material, county_reporter):
    """zipfile reads a zip placed behind other bytes: an HTML page or a program followed by a docx
    is refused, so no such file reaches a reviewer's package named ``x.hta``."""
    buffer = io.BytesIO()
    Document().save(buffer)
    hostile = b"<html><script>alert(1)</script></html>\n" + buffer.getvalue()
    with pytest.raises(DomainError, match="既不是 PDF 也不是 Word"):
        material_file_attach(actor=county_reporter, submission=case_material, upload=upload("x.hta", hostile))
    document = material_file_attach(
        actor=county_reporter, submission=case_material, upload=upload("x.hta", buffer.getvalue())
    )
    names = [f.path for f in package_entries(case_material.requirement.campaign, county_reporter.unit_id)]
    assert any(n.endswith("附件-x.docx") for n in names), names
    assert document.name == "x.hta"  # the name shown is kept; what it is handed out as is not
