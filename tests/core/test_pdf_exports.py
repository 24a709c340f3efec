"""Every document the site hands out, printed to PDF by LibreOffice through the product's own
path (``core.office``), as an official prints it to seal and send: on A4, on the pages it should
take (a 10-row 附表1 on one page, a 1,000-row one with its header on every page), and with its
text reading back (the title and a value of the table). One LibreOffice run converts them all.

The forms and drafts that are still US Letter on this branch are marked ``xfail(strict)``: they
become A4 with the A4 work of issue 24 (core/grid.py, core/drafts.py, materials/documents.py), and
the integrator removes the marks when it is merged."""

from __future__ import annotations

import datetime
import fcntl
import io
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from learnweek.activities.exporters import FrozenFubiao1Exporter, Fubiao1Exporter
from learnweek.activities.models import Activity, DemoTableSnapshot
from learnweek.activities.services import activity_create
from learnweek.campaigns.models import RequirementKind, Submission, SubmissionState
from learnweek.campaigns.services import requirement_create
from learnweek.core import office
from learnweek.core.documents import Document
from learnweek.core.grid import east_asian_font
from learnweek.core.locking import Busy
from learnweek.materials.services import material_save
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.services import divisions_load
from tests.core.helpers import one_of_each
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, SIBLING_COUNTY, jilin_this_year, unit

MISSING = "LibreOffice 未安装（Debian 上由 make test 安装 libreoffice-writer-nogui、libreoffice-calc-nogui）"
needs_office = pytest.mark.skipif(not office.available(), reason=MISSING)

FUBIAO1_HEADER = "序号活动名称活动时间活动地点主办单位人数报名电话活动内容"


def flat(text: str) -> str:
    """Text as read back from a PDF, without the spaces and line breaks the layout puts in."""
    return "".join(text.split())


@dataclass
class Printed:
    """One document as LibreOffice printed it: its pages' sizes (points) and texts."""

    sizes: list[tuple[float, float]]
    pages: list[str]  # each page's text, flat
    fonts: set[str]

    @property
    def text(self) -> str:
        return "".join(self.pages)


def read(pdf: bytes) -> Printed:
    reader = PdfReader(io.BytesIO(pdf))
    fonts: set[str] = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont", "")))
    return Printed(
        sizes=[(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages],
        pages=[flat(p.extract_text()) for p in reader.pages],
        fonts=fonts,
    )


def is_a4(size: tuple[float, float]) -> bool:
    width, height = sorted(size)
    return abs(width - 595) <= 2 and abs(height - 842) <= 2


def snapshot(rows: int) -> DemoTableSnapshot:
    """A handed-in 附表1 of ``rows`` activities, each row as long as real ones are."""
    return DemoTableSnapshot(
        taken_at=timezone.now(),
        data={
            "rows": [
                {
                    "name": f"全民读书节第{n}场",
                    "time": "2026年10月15日",
                    "address": "长春市朝阳区图书馆三楼报告厅",
                    "organiser": "朝阳区社区教育学院",
                    "headcount": 50,
                    "phone": "0431-88888888",
                    "content": "阅读分享、专家讲座与亲子共读，面向社区居民开放报名。",
                }
                for n in range(1, rows + 1)
            ],
            "contact_name": "王老师",
            "contact_phone": "0431-88886666",
        },
    )


def fonts_docx() -> bytes:
    """A Word file with one line in each official font the documents name."""
    document = docx.Document()
    for name in ("仿宋_GB2312", "黑体"):
        run = document.add_paragraph().add_run(f"{name}：全民终身学习活动周")
        east_asian_font(run, name)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# What each printed document must show: its title and a value of its table (flat text).
@dataclass
class Expected:
    title: str
    value: str
    pages: int | None = None  # None: as many as it needs, none of them blank
    landscape: bool | None = None


def _documents(campaign, admin) -> dict[str, tuple[bytes, str, Expected]]:
    """(bytes, format LibreOffice is given, what the PDF must show) of every document the site
    hands out, in the format its PDF is made from; the statistics table and the 汇总表 also as
    their Excel files."""
    made = {key: document for key, (document, _name) in one_of_each(campaign, admin).items()}
    county = unit(COUNTY)
    requirement = made["fubiao1_frozen"].requirement
    start = datetime.datetime(campaign.year, 10, 15, 14, 0, tzinfo=timezone.get_current_timezone())
    for n in range(1, 11):
        activity_create(
            actor=None,
            campaign=campaign,
            organiser=county,
            name=f"社区读书会第{n}期",
            category="themed_reading",
            start=start + datetime.timedelta(days=n),
            end=start + datetime.timedelta(days=n, hours=2),
            address="长春市朝阳区图书馆",
        )
    live = Fubiao1Exporter(campaign, county, Activity.objects.filter(campaign=campaign), demonstration=False)
    documents: dict[str, tuple[Document, str, Expected]] = {
        "notice": (made["notice"], "docx", Expected(flat(campaign.title), "活动周工作方案")),
        "work_summary": (
            made["work_summary"],
            "docx",
            Expected("朝阳区2026年全民终身学习活动工作总结", "基本情况"),
        ),
        "stats": (made["stats"], "docx", Expected("全民终身学习活动开展情况统计表", "县级城市数", pages=1)),
        "stats_xlsx": (
            made["stats"],
            "xlsx",
            Expected("全民终身学习活动开展情况统计表", "县级城市数", pages=1),
        ),
        "nomination": (
            made["nomination"],
            "docx",
            Expected("先进单位申报表", "长春市朝阳区社区教育学院", pages=1),
        ),
        "summary": (made["summary"], "docx", Expected("先进单位汇总表", "长春市朝阳区社区教育学院", pages=1)),
        "summary_xlsx": (
            made["summary"],
            "xlsx",
            Expected("先进单位汇总表", "长春市朝阳区社区教育学院", pages=1),
        ),
        "material": (made["material"], "docx", Expected("朝阳区活动周工作方案", "全年工作扎实", pages=1)),
        "board": (made["board"], "xlsx", Expected("报送进度·吉林省", "220104", landscape=True)),
        "fubiao1_empty": (
            made["fubiao1"],
            "xlsx",
            Expected("汇总表", FUBIAO1_HEADER, pages=1, landscape=True),
        ),
        "fubiao1_live": (
            live,
            "xlsx",
            Expected("全民终身学习活动”汇总表", "社区读书会第10期", pages=1, landscape=True),
        ),
        "fubiao1_frozen": (
            made["fubiao1_frozen"],
            "xlsx",
            Expected("示范活动汇总表", "全民读书节", pages=1, landscape=True),
        ),
        "fubiao1_10": (
            FrozenFubiao1Exporter(requirement, county, snapshot(10)),
            "xlsx",
            Expected("示范活动汇总表", "全民读书节第10场", pages=1, landscape=True),
        ),
        "fubiao1_1000": (
            FrozenFubiao1Exporter(requirement, county, snapshot(1000)),
            "xlsx",
            Expected("示范活动汇总表", "全民读书节第1000场", landscape=True),
        ),
    }
    for key, (document, fmt, _) in documents.items():
        assert document.offers("pdf"), key
        if not key.endswith("_xlsx"):
            assert document.pdf_source() == fmt, key  # the PDF the page hands out is made from it
    return {
        key: (document.content(fmt), fmt, expected) for key, (document, fmt, expected) in documents.items()
    }


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, tuple[Printed, Expected]]:
    """Every document, made in a transaction rolled back at once, then printed by LibreOffice in
    one run (the conversion the product runs, for all of them together)."""
    if not office.available():
        pytest.skip(MISSING)
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        if not Unit.objects.filter(code="000000").exists():
            divisions_load()
        campaign = jilin_this_year()
        admin = StaffFactory(unit=unit(PROVINCE), roles=[Role.ADMIN, Role.REVIEWER])
        sources = _documents(campaign, admin)
        transaction.set_rollback(True)
    sources["fonts"] = (fonts_docx(), "docx", Expected("仿宋_GB2312", "黑体", pages=1))
    started = time.monotonic()
    pdfs = office.to_pdfs([(content, fmt) for content, fmt, _ in sources.values()])
    assert time.monotonic() - started < 60, "one LibreOffice run for all the documents"
    return {
        key: (read(pdf), expected) for (key, (_, _, expected)), pdf in zip(sources.items(), pdfs, strict=True)
    }


EVERY_EXPORT = [
    "notice",
    "work_summary",
    "board",
    "fubiao1_empty",
    "fubiao1_live",
    "fubiao1_frozen",
    "fubiao1_10",
    "fubiao1_1000",
    "stats",
    "stats_xlsx",
    "nomination",
    "summary",
    "summary_xlsx",
    "material",
]


@needs_office
@pytest.mark.parametrize("key", EVERY_EXPORT)
def test_every_export_prints_on_a4(printed, key):
    document, expected = printed[key]
    assert all(is_a4(size) for size in document.sizes), (key, document.sizes)
    if expected.landscape is not None:
        assert all((width > height) == expected.landscape for width, height in document.sizes), key


@needs_office
@pytest.mark.parametrize("key", EVERY_EXPORT)
def test_every_export_reads_back_on_the_pages_it_should_take(printed, key):
    document, expected = printed[key]
    assert expected.title in document.pages[0], (key, document.pages[0][:200])
    assert expected.value in document.text, key
    if expected.pages is not None:
        assert len(document.pages) == expected.pages, key
    assert all(document.pages), f"{key}: a blank page"


@needs_office
def test_a_thousand_row_table_repeats_its_header_on_every_page_and_loses_no_row(printed):
    document, _ = printed["fubiao1_1000"]
    assert 10 <= len(document.pages) <= 50  # about 48 rows a page, one page wide
    for number, page in enumerate(document.pages, start=1):
        assert FUBIAO1_HEADER in page, f"page {number} has no header row"
        assert f"第{number}页，共{len(document.pages)}页" in page
    for n in range(1, 1001):
        assert f"全民读书节第{n}场" in document.text, n
    assert "填表联系人：王老师" in document.pages[-1]


@needs_office
def test_the_official_fonts_print_in_the_chinese_faces_where_they_are_missing(printed):
    """仿宋 in a serif and 黑体 in a sans, the Simplified Chinese faces of Noto CJK (without the
    fonts.conf, LibreOffice prints both in a sans)."""
    document, _ = printed["fonts"]
    assert any("NotoSerifCJK" in font for font in document.fonts), document.fonts
    assert any("NotoSansCJK" in font for font in document.fonts), document.fonts
    report = dict(office.font_report())
    if report["仿宋_GB2312"] and "仿宋" not in report["仿宋_GB2312"]:  # the official font is not installed
        assert report["仿宋_GB2312"].startswith("Noto Serif CJK SC")
        assert report["方正小标宋简体"].startswith("Noto Serif CJK SC")
        assert report["黑体"].startswith("Noto Sans CJK SC")


# -- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def handed_in(jilin_this_year_published, settings, tmp_path):
    """The county's handed-in 附表1 and its work plan (a material) for the Jilin campaign."""
    settings.MEDIA_ROOT = tmp_path / "media"
    campaign = jilin_this_year_published
    deadline = datetime.date(campaign.year, 12, 31)
    plans = requirement_create(
        actor=None,
        campaign=campaign,
        kind=RequirementKind.WORK_PLAN,
        title="活动周工作方案",
        applies_to=[UnitKind.COUNTY],
        deadline=deadline,
    )
    table = requirement_create(
        actor=None,
        campaign=campaign,
        kind=RequirementKind.DEMO_TABLE,
        title="示范活动汇总表（附件1）",
        applies_to=[UnitKind.COUNTY],
        deadline=deadline,
    )
    material = material_save(
        actor=None, requirement=plans, unit=unit(COUNTY), title="朝阳区活动周工作方案", body="全年工作扎实。"
    )
    submission = Submission.objects.create(
        requirement=table,
        unit=unit(COUNTY),
        state=SubmissionState.SUBMITTED,
        submitted_at=timezone.now(),
        details={"contact_name": "王老师"},
    )
    frozen = snapshot(10)
    frozen.submission = submission
    frozen.save()
    return {"material": material, "table": submission}


@needs_office
def test_the_statistics_page_offers_its_pdf_and_hands_it_out(
    client, jilin_this_year_published, province_admin
):
    client.force_login(province_admin)
    page = client.get(reverse("backoffice:stats", args=[jilin_this_year_published.slug])).content.decode()
    url = reverse("backoffice:stats_export", args=[jilin_this_year_published.slug, "pdf"])
    assert f'href="{url}?unit={PROVINCE}">PDF（打印盖章用）</a>' in page
    response = client.get(f"{url}?unit={PROVINCE}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(".pdf")
    assert "全民终身学习活动开展情况统计表" in read(response.content).pages[0]


@needs_office
def test_a_submission_page_hands_out_the_units_hand_in_as_word_and_pdf(client, handed_in):
    county_reporter = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    client.force_login(county_reporter)
    table, material = handed_in["table"], handed_in["material"]
    url = reverse("backoffice:submission_package", args=[table.pk])
    page = client.get(reverse("backoffice:submission", args=[table.pk])).content.decode()
    assert f'href="{url}">下载本项报送材料（Excel + PDF，zip）</a>' in page
    assert "附表1 PDF（打印盖章用）" in page

    archive = zipfile.ZipFile(io.BytesIO(client.get(url).content))
    (sheet,) = [n for n in archive.namelist() if n.endswith(".xlsx")]
    assert archive.namelist() == [sheet, sheet.removesuffix(".xlsx") + ".pdf"]
    assert "全民读书节第10场" in read(archive.read(sheet.removesuffix(".xlsx") + ".pdf")).text

    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("backoffice:submission_package", args=[material.pk])).content)
    )
    assert archive.namelist() == ["朝阳区活动周工作方案.docx", "朝阳区活动周工作方案.pdf"]
    assert "全年工作扎实" in read(archive.read("朝阳区活动周工作方案.pdf")).text


def test_only_who_may_see_the_submission_gets_its_package(client, handed_in):
    """The reviewers above it may; a sibling county may not (404, as if there were none), and
    the sign-in page comes first for nobody signed in. Nothing is converted for them."""
    url = reverse("backoffice:submission_package", args=[handed_in["material"].pk])
    assert client.get(url).status_code == 302
    client.force_login(
        StaffFactory(unit=unit(SIBLING_COUNTY), roles=[Role.ADMIN, Role.REPORTER, Role.REVIEWER])
    )
    assert client.get(url).status_code == 404
    client.force_login(StaffFactory(unit=unit(CITY), roles=[Role.REVIEWER]))
    if office.available():
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def test_a_pdf_where_libreoffice_is_missing_is_a_message_on_the_page(
    client, jilin_this_year_published, province_admin, handed_in, settings, tmp_path
):
    settings.OFFICE_BINARY = str(tmp_path / "no-soffice")
    client.force_login(province_admin)
    slug = jilin_this_year_published.slug
    stats = reverse("backoffice:stats", args=[slug]) + f"?unit={PROVINCE}"
    response = client.get(
        reverse("backoffice:stats_export", args=[slug, "pdf"]) + f"?unit={PROVINCE}", follow=True
    )
    assert response.redirect_chain == [(stats, 302)]
    assert (
        "服务器未安装 LibreOffice，暂时不能生成 PDF，请下载 Word / Excel 版本打印"
        in response.content.decode()
    )
    # the Word file is still there
    assert client.get(reverse("backoffice:stats_export", args=[slug, "docx"])).status_code == 200

    page = reverse("backoffice:submission", args=[handed_in["table"].pk])
    for url in (
        reverse("backoffice:submission_package", args=[handed_in["table"].pk]),
        reverse("backoffice:demo_table_frozen_pdf", args=[handed_in["table"].pk]),
    ):
        response = client.get(url, HTTP_REFERER=f"http://testserver{page}", follow=True)
        assert response.redirect_chain == [(f"http://testserver{page}", 302)], url
        shown = response.content.decode()
        assert shown.count("服务器未安装 LibreOffice，暂时不能生成 PDF，请下载 Word / Excel 版本打印。") == 1
    # a referer elsewhere is not followed: back to the page the link is on
    response = client.get(
        reverse("backoffice:campaign_notice_draft_pdf", args=[slug]), HTTP_REFERER="https://evil.example/"
    )
    assert response.url == reverse("backoffice:campaign", args=[slug])


def test_every_page_that_offers_a_word_or_excel_file_offers_its_pdf(
    client, jilin_this_year_published, province_admin, handed_in
):
    """The links are there; the PDFs themselves are tested above."""
    client.force_login(province_admin)
    slug = jilin_this_year_published.slug
    table = handed_in["table"]
    pages = {
        reverse("backoffice:campaign", args=[slug]): reverse(
            "backoffice:campaign_notice_draft_pdf", args=[slug]
        ),
        reverse("backoffice:stats", args=[slug]): reverse("backoffice:stats_summary_draft_pdf", args=[slug]),
        reverse("backoffice:activities") + f"?campaign={slug}": reverse("backoffice:activity_export_pdf"),
        reverse("backoffice:board", args=[table.requirement_id]): reverse(
            "backoffice:board_export_pdf", args=[table.requirement_id]
        ),
        reverse("backoffice:demo_table", args=[table.requirement_id]) + f"?unit={COUNTY}": reverse(
            "backoffice:demo_table_frozen_pdf", args=[table.pk]
        ),
        reverse("backoffice:submission", args=[handed_in["material"].pk]): reverse(
            "backoffice:materials_package", args=[slug]
        )
        + f"?unit={COUNTY}&amp;pdf=1",
    }
    for page, link in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'href="{link}' in response.content.decode(), page


# -- core.office itself ---------------------------------------------------------------------------


def fake_soffice(folder: Path, body: str) -> str:
    """A stand-in for LibreOffice: a script doing ``body``."""
    script = folder / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return str(script)


def test_a_conversion_runs_in_a_folder_and_profile_of_its_own_with_the_fonts(settings, tmp_path):
    seen = tmp_path / "seen"
    seen.mkdir()
    settings.OFFICE_BINARY = fake_soffice(
        tmp_path, f'n=$(ls {seen} | wc -l); env > {seen}/env-$n; echo "$@" > {seen}/args-$n; exit 3'
    )
    settings.OFFICE_LOCK_DIR = tmp_path / "locks"
    for _ in range(2):
        with pytest.raises(office.ConversionFailed) as refused:
            office.to_pdf(b"PK\x03\x04", "docx")
        assert "生成 PDF 失败（LibreOffice 出错" in refused.value.message
        assert refused.value.message.endswith("请下载 Word / Excel 版本。")
    env = (seen / "env-0").read_text()
    assert f"FONTCONFIG_FILE={office.FONTS_CONF}" in env and office.FONTS_CONF.is_file()
    first, second = (seen / "args-0").read_text().split(), (seen / "args-2").read_text().split()
    profile = [a for a in first if a.startswith("-env:UserInstallation=file:///")]
    assert profile and profile != [a for a in second if a.startswith("-env:UserInstallation=")]
    assert first[-1].endswith("/1.docx") and "--convert-to" in first and "pdf" in first
    assert not Path(first[-1]).exists()  # the folder is gone with the conversion


def test_a_conversion_that_takes_too_long_is_killed_with_what_it_started(settings, tmp_path):
    settings.OFFICE_BINARY = fake_soffice(tmp_path, "sleep 30 & wait")
    settings.OFFICE_CONVERT_TIMEOUT = 0.5
    settings.OFFICE_LOCK_DIR = tmp_path / "locks"
    started = time.monotonic()
    with pytest.raises(office.ConversionFailed) as refused:
        office.to_pdf(b"PK\x03\x04", "xlsx")
    assert time.monotonic() - started < 10  # the sleeping child died too: its pipe closed
    assert (
        refused.value.message
        == "生成 PDF 失败（LibreOffice 超过 0.5 秒仍未完成），请下载 Word / Excel 版本。"
    )


def test_a_conversion_that_writes_no_pdf_fails_and_a_large_file_is_refused_before_any(settings, tmp_path):
    marker = tmp_path / "ran"
    settings.OFFICE_BINARY = fake_soffice(tmp_path, f"touch {marker}")
    settings.OFFICE_LOCK_DIR = tmp_path / "locks"
    with pytest.raises(office.ConversionFailed, match="LibreOffice 没有写出 PDF"):
        office.to_pdf(b"PK\x03\x04", "docx")
    marker.unlink()
    settings.OFFICE_MAX_INPUT_BYTES = 1024 * 1024
    with pytest.raises(office.ConversionFailed, match=r"文件 2\.0 MB，超过 1\.0 MB 的上限"):
        office.to_pdf(b"x" * 2 * 1024 * 1024, "docx")
    assert not marker.exists()


def test_no_more_conversions_run_at_once_than_the_machine_allows(settings, tmp_path):
    settings.OFFICE_BINARY = fake_soffice(tmp_path, "exit 0")
    settings.OFFICE_LOCK_DIR = tmp_path / "locks"
    settings.OFFICE_MAX_CONCURRENT = 1
    settings.OFFICE_QUEUE_WAIT = 0.5
    settings.OFFICE_LOCK_DIR.mkdir()
    with open(settings.OFFICE_LOCK_DIR / "slot-0.lock", "a+b") as held:  # another worker converting
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(Busy) as refused:
            office.to_pdf(b"PK\x03\x04", "docx")
        assert refused.value.message == "正在生成 PDF 的人较多，请稍后再试，或下载 Word / Excel 版本打印。"
    with pytest.raises(office.ConversionFailed, match="没有写出 PDF"):  # the slot is free again
        office.to_pdf(b"PK\x03\x04", "docx")


@needs_office
@pytest.mark.parametrize("key", ["stats", "nomination", "summary", "material"])
def test_every_word_form_numbers_its_pages_as_its_excel_version_does(printed, key):
    document, _ = printed[key]
    total = len(document.pages)
    for number, text in enumerate(document.pages, start=1):
        assert f"第{number}页，共{total}页" in text, (key, text[-80:])
