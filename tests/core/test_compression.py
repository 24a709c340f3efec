"""Issue 25 item 12: pages and JSON travel gzipped; files that are compressed already (xlsx, PNG,
PDF) and static files travel as they are; htmx is loaded only by the pages that use it."""

from __future__ import annotations

import datetime
import gzip
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.services import requirement_create
from learnweek.materials.services import material_file_attach, material_save
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from tests.factories import StaffFactory
from tests.helpers import PROVINCE, unit

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
HTMX = "vendor/htmx.min.js"


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


def assert_gzipped(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip" and "accept-encoding" in vary(response)
    body = gzip.decompress(response.content)
    assert int(response["Content-Length"]) == len(response.content) < len(body)
    return body


def assert_as_is(response, signature: bytes) -> None:
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding") and "accept-encoding" not in vary(response)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(signature)


@pytest.mark.django_db
def test_pages_json_and_feeds_are_gzipped_for_a_browser_that_accepts_it(client, make_activity):
    for i in range(5):
        make_activity(f"全民读书节第{i}场")
    page = assert_gzipped(client.get(reverse("public:finder"), **GZIP)).decode()
    assert "全民读书节第4场" in page
    data = client.get("/api/v1/public/activities", **GZIP)
    assert data["Content-Type"].startswith("application/json")
    assert "全民读书节第4场" in str(json.loads(assert_gzipped(data)))
    assert assert_gzipped(client.get(reverse("public:finder_ics"), **GZIP)).startswith(b"BEGIN:VCALENDAR")
    # Without Accept-Encoding the same page comes plain, and says it varies by it for caches.
    plain = client.get(reverse("public:finder"))
    assert not plain.has_header("Content-Encoding") and "accept-encoding" in vary(plain)
    assert "全民读书节第4场" in plain.content.decode()


@pytest.mark.django_db
def test_gzip_is_padded_against_breach():
    """Django ≥ 4.2 puts up to 100 random bytes in the gzip header: the same page differs in
    length from one answer to the next, so a secret on it cannot be guessed from the length."""
    from django.test import Client

    lengths = {len(Client().get(reverse("public:home"), **GZIP).content) for _ in range(8)}
    assert len(lengths) > 1


@pytest.mark.django_db
def test_spreadsheets_posters_and_pdfs_are_sent_as_they_are(
    client, make_activity, jilin_2026_published, county_reporter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    activity = make_activity("全民读书节")
    assert_as_is(client.get(reverse("public:activity_poster", args=[activity.pk]), **GZIP), b"\x89PNG")

    requirement = requirement_create(
        actor=None,
        campaign=jilin_2026_published,
        kind=RequirementKind.TYPICAL_CASE,
        title="典型案例",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(jilin_2026_published.year, 12, 31),
    )
    case = material_save(
        actor=county_reporter,
        requirement=requirement,
        unit=county_reporter.unit,
        title="老年智能手机课堂",
        body="课堂内容",
        details={"case_unit": "南湖街道社区学校"},
    )
    pdf = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(pdf, format="PDF")
    document = material_file_attach(
        actor=county_reporter,
        submission=case,
        upload=SimpleUploadedFile("案例.pdf", pdf.getvalue(), content_type="application/pdf"),
    )
    client.force_login(county_reporter)
    served = client.get(reverse("backoffice:material_document", args=[case.pk, document.pk]), **GZIP)
    assert served.streaming and served["Content-Type"] == "application/pdf"
    assert_as_is(served, b"%PDF")

    client.force_login(StaffFactory(unit=unit(PROVINCE), roles=[Role.ADMIN, Role.REVIEWER, Role.REPORTER]))
    sheet = client.get(
        reverse("backoffice:activity_export"),
        {"campaign": jilin_2026_published.slug, "under": PROVINCE},
        **GZIP,
    )
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert_as_is(sheet, b"PK\x03\x04")


@pytest.mark.django_db
@override_settings(WHITENOISE_USE_FINDERS=True)
def test_static_files_keep_their_etag_and_answer_a_conditional_get(client):
    """whitenoise serves them before Django's gzip sees them (it sends the .gz that collectstatic
    wrote, in production): one encoding at most, and 304 Not Modified on a repeat visit."""
    first = client.get("/static/css/site.css", **GZIP)
    assert first.status_code == 200 and first.has_header("ETag")
    body = b"".join(first.streaming_content)
    if first.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    assert body.startswith(b"/*") or b"{" in body[:2000]
    assert b"\x1f\x8b" not in body[:2]  # not compressed twice
    again = client.get("/static/css/site.css", HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)
    assert again.status_code == 304


def test_a_proxy_that_compresses_can_turn_djangos_gzip_off():
    program = "from learnweek.config import settings; print(settings.MIDDLEWARE)"
    for value, on in (("0", False), ("", True)):
        env = {k: v for k, v in os.environ.items() if k != "LEARNWEEK_GZIP"}
        if value:
            env["LEARNWEEK_GZIP"] = value
        out = subprocess.run(  # noqa: S603 — this interpreter, a fixed program
            [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
        ).stdout
        assert ("TextGZipMiddleware" in out) is on
    middleware = settings.MIDDLEWARE
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") < middleware.index(
        "learnweek.core.middleware.TextGZipMiddleware"
    )
    assert middleware.index("learnweek.core.middleware.TextGZipMiddleware") < middleware.index(
        "learnweek.core.middleware.NotFoundMiddleware"
    )


# -- htmx only where a page uses it ------------------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# hx-swap-oob is read by htmx in an answer it swaps in, never by the page it is rendered on.
HX_ATTRIBUTE = re.compile(r"\shx-(?!swap-oob=)[a-z-]+=")
LOADS_HTMX = '{% block htmx %}{% include "_htmx.html" %}{% endblock %}'
# The same block, where the page loads htmx only when its hx- attributes are there (the activity
# page: only while its seats load live).
LOADS_HTMX_WHEN = re.compile(
    r'{%\s*block htmx\s*%}[^\n]*{%\s*include "_htmx.html"\s*%}[^\n]*{%\s*endblock\s*%}'
)


def _templates() -> dict[str, str]:
    """Every template's source, without its comments."""
    comment = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
    return {str(p.relative_to(TEMPLATES)): comment.sub("", p.read_text()) for p in TEMPLATES.rglob("*.html")}


def _loads_htmx(name: str, sources: dict[str, str]) -> bool:
    """The page ``name`` (or a page it extends) loads htmx; a fragment is loaded by every page
    that includes it."""
    source = sources[name]
    if LOADS_HTMX in source or LOADS_HTMX_WHEN.search(source):
        return True
    parent = re.search(r'{%\s*extends\s+"([^"]+)"', source)
    if parent:
        return _loads_htmx(parent.group(1), sources)
    includers = [n for n, s in sources.items() if re.search(rf'{{%\s*include\s+"{re.escape(name)}"', s)]
    return bool(includers) and all(_loads_htmx(n, sources) for n in includers)


def test_every_template_with_hx_attributes_loads_htmx_and_base_does_not():
    sources = _templates()
    using = sorted(n for n, s in sources.items() if HX_ATTRIBUTE.search(s))
    assert "public/activities/finder.html" in using  # the test sees what it looks for
    missing = [n for n in using if not _loads_htmx(n, sources)]
    assert missing == [], f"these use hx- attributes without {LOADS_HTMX}"
    assert HTMX not in sources["base.html"]
    assert sources["_htmx.html"].count(HTMX) == 1


@pytest.mark.django_db
def test_the_home_page_does_not_load_htmx_and_the_finder_does(client):
    assert HTMX not in client.get(reverse("public:home")).content.decode()
    assert HTMX not in client.get(reverse("public:lectures")).content.decode()
    assert HTMX in client.get(reverse("public:finder")).content.decode()
