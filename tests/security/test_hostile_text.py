"""Findings 4 and 5 of issue 21: text people type or paste is stored as text and stays text in
every document the system writes — no spreadsheet formula runs from it, and no control character
in it stops a level's export."""

from __future__ import annotations

import datetime
import io
import pathlib
import re
import zipfile

import pytest
from django.db import connection
from django.urls import reverse
from docx import Document
from icalendar import Calendar
from openpyxl import Workbook, load_workbook

from learnweek.activities.models import Activity
from learnweek.activities.services import activities_import
from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.services import requirement_create
from learnweek.nominations import services as nominations
from learnweek.nominations.models import Nomination
from learnweek.orgs.models import InstitutionType, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.services import institution_create
from tests.activities.helpers import fubiao1
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, unit
from tests.nominations.helpers import PERSON_VALUES, make_requirement

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/","点此查看")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def cells(xlsx: bytes) -> list:
    book = load_workbook(io.BytesIO(xlsx))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(xlsx: bytes, *expected: str) -> None:
    found = cells(xlsx)
    formulas = [c.coordinate for c in found if c.data_type == "f"]
    assert not formulas, f"formula cells: {formulas}"
    texts = [str(c.value) for c in found if c.value is not None]
    for text in expected:
        assert any(text.strip() in t for t in texts), (text, texts[:40])


@pytest.mark.parametrize("text", FORMULAS)
def test_the_one_cell_writer_stores_any_text_as_text(text):
    from learnweek.core.exporters import put

    book = Workbook()
    cell = put(book.active.cell(1, 1), text)
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert read.data_type == "s" and read.value == text.replace("\r", "\n")
    assert cell.quotePrefix  # Excel keeps it text when someone edits the cell


def test_every_spreadsheet_is_written_through_the_one_cell_writer():
    """Only the exporter base and the form grid make workbooks, and neither hands a value to
    openpyxl except through ``put``."""
    root = pathlib.Path(__file__).resolve().parents[2] / "learnweek"
    makers = sorted(
        str(p.relative_to(root)) for p in root.rglob("*.py") if "Workbook()" in p.read_text(encoding="utf-8")
    )
    assert makers == ["core/exporters.py", "core/grid.py"], makers
    writers = re.compile(
        r"\.append\(\[|sheet\.append\(|\.cell\([^)]*,[^)]*,|\.value = |\w\[\"?[A-Z]+[0-9]+\"?\] = "
    )
    for name in makers:
        source = (root / name).read_text(encoding="utf-8")
        if name == "core/exporters.py":  # put itself sets the value
            source = source.replace(source[source.index("def put(") : source.index("def put_row(")], "")
        assert not writers.search(source), (name, writers.search(source))


def test_the_official_tables_keep_formulas_as_text(client, make_activity, jilin_2026_published):
    """附表1 of the district, the city and the province; the nomination 汇总表; the board."""
    for i, text in enumerate(FORMULAS):
        make_activity(f"活动{i}", address=text, content=text, organiser_name=text)
    province = StaffFactory(unit=unit(PROVINCE), roles=[Role.ADMIN, Role.REVIEWER, Role.REPORTER])
    client.force_login(province)
    for code in (COUNTY, CITY, PROVINCE):
        response = client.get(
            reverse("backoffice:activity_export"), {"campaign": jilin_2026_published.slug, "under": code}
        )
        assert response.status_code == 200, code
        assert_no_formula(
            b"".join(response.streaming_content) if response.streaming else response.content, *FORMULAS[:4]
        )

    evil = institution_create(
        actor=None,
        parent=unit(COUNTY),
        code="EVIL-1",
        name='=HYPERLINK("http://evil.example/","社区学校")',
        institution_type=InstitutionType.COMMUNITY_SCHOOL,
    )
    plan = requirement_create(
        actor=None,
        campaign=jilin_2026_published,
        kind=RequirementKind.WORK_PLAN,
        title="+方案",
        applies_to=[UnitKind.INSTITUTION],
        addressed_units=[evil],  # an institution under a district answers the province when named
        deadline=datetime.date(jilin_2026_published.year, 12, 31),
    )
    board = client.get(reverse("backoffice:board_export", args=[plan.pk]), {"under": COUNTY})
    assert board.status_code == 200
    assert_no_formula(board.content, '=HYPERLINK("http://evil.example/","社区学校")')

    star = make_requirement(jilin_2026_published, RequirementKind.LEARNING_STAR, applies_to=[UnitKind.COUNTY])
    county = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    nominee = nominations.nomination_create(
        actor=county,
        requirement=star,
        unit=county.unit,
        **(PERSON_VALUES | {"name": "=1+1", "workplace": "@A1"}),
    )
    nominations.nomination_submit(actor=county, nomination=nominee)
    client.force_login(county)
    summary = client.get(reverse("backoffice:nomination_summary", args=[star.pk, "xlsx"]))
    assert summary.status_code == 200
    assert_no_formula(summary.content, "=1+1", "@A1")


PASTED = "第一段：读书会\x0b第二段：书法课\x0c第三段\u2028第四段\x01"


def test_pasted_control_characters_are_cleaned_where_text_comes_in(
    client, make_activity, jilin_2026_published
):
    # the service (pages and the command line call it)
    made = make_activity("朝阳区\n全民读书节\x0b", content=PASTED)
    made.refresh_from_db()
    assert made.name == "朝阳区 全民读书节"
    assert made.content == "第一段：读书会\n第二段：书法课\n第三段\n第四段"
    # the API
    admin = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])  # no 管理员: no second factor asked
    token = client.post(
        "/api/v1/auth/token",
        {"username": admin.username, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    start = made.start + datetime.timedelta(days=1)
    created = client.post(
        "/api/v1/activities",
        {
            "campaign": jilin_2026_published.slug,
            "organiser": COUNTY,
            "name": "亲子\r\n阅读会",
            "category": "themed_reading",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=2)).isoformat(),
            "content": PASTED,
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code in (200, 201), created.content
    stored = Activity.objects.get(pk=created.json()["id"])
    assert stored.name == "亲子 阅读会" and "\x0b" not in stored.content and "\x01" not in stored.content
    # an import
    # Excel writes a vertical tab in a cell as _x000B_; the reader gives it back as \x0b.
    escaped = PASTED.replace("\x0b", "_x000B_").replace("\x0c", "_x000C_").replace("\x01", "_x0001_")
    escaped = escaped.replace("\u2028", "_x2028_")
    sheet = fubiao1(
        [["书法_x000B_体验课", "2026年12月20日", "朝阳区图书馆", "朝阳区", "30", "0431-88888888", escaped]]
    )
    activities_import(actor=admin, campaign=jilin_2026_published, unit=admin.unit, source=sheet)
    imported = Activity.objects.get(name="书法 体验课")
    assert "\x0b" not in imported.content and "\x0c" not in imported.content


def _raw_update(model, pk: int, **values: str) -> None:
    """Text stored before the cleaning existed: written past the model field, as SQL."""
    table = model._meta.db_table
    assignments = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*values.values(), pk])  # noqa: S608


def test_every_document_tolerates_what_was_stored_before(client, make_activity, jilin_2026_published):
    activity = make_activity("朝阳区全民读书节")
    _raw_update(
        Activity, activity.pk, name="朝阳区\n全民读书节\x0b", content=PASTED, address="图书馆\x0b二楼"
    )
    province = StaffFactory(unit=unit(PROVINCE), roles=[Role.ADMIN, Role.REVIEWER, Role.REPORTER])
    client.force_login(province)
    for code in (COUNTY, CITY, PROVINCE):
        response = client.get(
            reverse("backoffice:activity_export"), {"campaign": jilin_2026_published.slug, "under": code}
        )
        assert response.status_code == 200, code
        assert any("第二段：书法课" in str(c.value) for c in cells(response.content))
    ics = client.get(reverse("public:activity_ics", args=[activity.pk]))
    assert ics.status_code == 200
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert "\x0b" not in str(event["SUMMARY"]) and "全民读书节" in str(event["SUMMARY"])
    feed = client.get(reverse("public:finder_ics"))
    assert feed.status_code == 200 and b"\x0b" not in feed.content

    star = make_requirement(jilin_2026_published, RequirementKind.LEARNING_STAR, applies_to=[UnitKind.COUNTY])
    county = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    nominee = nominations.nomination_create(actor=county, requirement=star, unit=county.unit, **PERSON_VALUES)
    _raw_update(Nomination, nominee.pk, story="事迹一\x0b事迹二\x08", deeds="二十年\x0b如一日")
    client.force_login(county)
    form = client.get(reverse("backoffice:nomination_docx", args=[nominee.pk]))
    assert form.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(form.content)).paragraphs)
    text += "\n".join(
        c.text for t in Document(io.BytesIO(form.content)).tables for r in t.rows for c in r.cells
    )
    assert "如一日" in text
    package = client.get(reverse("backoffice:nomination_package", args=[jilin_2026_published.slug]))
    assert package.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(package.content)).testzip() is None
