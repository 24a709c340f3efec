"""One small, complete world for the permission matrix: every kind of object the back office and
the API address, owned by 朝阳区 (220104) — or, for what only a province has, by 吉林省 — and the
people who try each page: anonymous, a resident, a user of the sibling unit, a user of the right
unit holding no role, a user of the parent unit, the owner, and — for 朝阳区's objects — the staff
of 长春市's 领导小组办公室 (长春开放大学), who act as 长春市 for 长春市's own campaign only and so
see none of what 朝阳区 does under 吉林省's."""

from __future__ import annotations

import datetime
import html.parser
import io
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from learnweek.accounts.models import ApiToken, User
from learnweek.activities.demo_table import demo_table_submit
from learnweek.activities.services import activity_create
from learnweek.campaigns.models import CampaignStatus, RequirementKind
from learnweek.campaigns.services import (
    campaign_create,
    campaign_derive,
    campaign_office_set,
    campaign_set_status,
    contact_add,
    requirement_create,
    submission_submit,
)
from learnweek.materials.services import material_file_attach, material_photo_add, material_save
from learnweek.nominations import services as nominations
from learnweek.orgs.models import InstitutionType, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.services import institution_create
from learnweek.privacy.services import publication_consent_form
from learnweek.reading.services import book_list_add, book_list_create, essay_call_create, lecture_create
from learnweek.registrations.services import registration_create
from learnweek.stats.services import header_save, reported_total_add
from tests.factories import StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, SIBLING_COUNTY, pdf_file, photo_file, unit
from tests.nominations.helpers import UNIT_VALUES

ALL_ROLES = [Role.ADMIN, Role.REPORTER, Role.REVIEWER]
ACTORS = ("anonymous", "resident", "sibling", "norole", "parent", "owner", "office")
OFFICE_CODE = "M-OFFICE"


@dataclass(frozen=True)
class Level:
    """Who plays each part when the object belongs to ``owner_code``."""

    owner_code: str
    parent_code: str
    sibling_code: str


COUNTY_LEVEL = Level(COUNTY, CITY, SIBLING_COUNTY)
PROVINCE_LEVEL = Level(PROVINCE, "000000", "210000")


def people(level: Level) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "resident": User.objects.get_or_create(username="matrix-resident", defaults={"phone": "13800009999"})[
            0
        ],
        "sibling": StaffFactory(unit=unit(level.sibling_code), roles=ALL_ROLES),
        "norole": StaffFactory(unit=unit(level.owner_code), roles=[]),
        "parent": StaffFactory(unit=unit(level.parent_code), roles=ALL_ROLES),
        "owner": StaffFactory(unit=unit(level.owner_code), roles=ALL_ROLES),
    } | ({"office": StaffFactory(unit=unit(OFFICE_CODE), roles=ALL_ROLES)} if level == COUNTY_LEVEL else {})


def token_of(user: User, raw: str) -> ApiToken:
    """The API token ``raw`` of ``user`` (made once), as ``api_token_create`` would store it."""
    return ApiToken.objects.get_or_create(
        user=user, digest=ApiToken.digest_of(raw), defaults={"password_stamp": ApiToken.stamp_of(user)}
    )[0]


def jpeg(name: str = "现场.jpg", width: int = 2400) -> Any:
    return photo_file(name, size=(width, 1600))


def xlsx_of(rows: list[list[Any]]) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "表.xlsx"
    return buffer


def import_preview_of(owner: User, w: SimpleNamespace) -> Any:
    """An import preview the owner uploaded (the world is built before its people)."""
    from learnweek.activities.services import import_preview_create
    from tests.activities.helpers import fubiao1

    rows = [["亲子共读", f"{w.year}-12-22", "朝阳区图书馆", "朝阳区教育局", 40, "", "共读绘本"]]
    return import_preview_create(actor=owner, campaign=w.jilin, unit=unit(COUNTY), source=fubiao1(rows))


def build() -> SimpleNamespace:
    """The campaign cascade national → 吉林省 → 长春市 → 朝阳区, and 朝阳区's objects in it."""
    year = timezone.localdate().year
    county = unit(COUNTY)
    system = None  # the command line: builds the world without being any of the actors
    national = campaign_create(
        actor=system, issuing_unit=unit("000000"), year=year, slug="m-nat", title="全民终身学习活动"
    )
    stats = requirement_create(
        actor=system,
        campaign=national,
        kind=RequirementKind.STATISTICS,
        title="活动开展情况统计表",
        applies_to=[UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY],
        deadline=datetime.date(year, 12, 31),
    )
    campaign_set_status(actor=system, campaign=national, status=CampaignStatus.PUBLISHED)
    jilin = campaign_derive(actor=system, parent=national, unit=unit(PROVINCE), slug="m-jl")
    board = requirement_create(
        actor=system,
        campaign=jilin,
        kind=RequirementKind.EXHIBITION_BOARD,
        title="成果展展板素材",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(year, 12, 31),
        photo_max=8,
    )
    advanced = requirement_create(
        actor=system,
        campaign=jilin,
        kind=RequirementKind.ADVANCED_UNIT,
        title="先进单位",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(year, 12, 31),
        quota_per_unit=3,
        scoring_criteria=[{"name": "事迹典型", "max": 100}],
    )
    star = requirement_create(
        actor=system,
        campaign=jilin,
        kind=RequirementKind.LEARNING_STAR,
        title="百姓学习之星",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(year, 12, 31),
        quota_per_unit=3,
    )
    summary = requirement_create(
        actor=system,
        campaign=jilin,
        kind=RequirementKind.WORK_SUMMARY,
        title="年度工作总结",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(year, 12, 31),
    )
    county_plan = requirement_create(
        actor=system,
        campaign=jilin,
        kind=RequirementKind.WORK_PLAN,
        title="活动周工作方案",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(year, 12, 31),
    )
    demo = requirement_create(
        actor=system,
        campaign=jilin,
        kind=RequirementKind.DEMO_TABLE,
        title="示范活动汇总表",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(year, 12, 31),
    )
    demo_done = requirement_create(
        actor=system,
        campaign=jilin,
        kind=RequirementKind.DEMO_TABLE,
        title="示范活动汇总表（上半年）",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(year, 12, 31),
    )
    campaign_set_status(actor=system, campaign=jilin, status=CampaignStatus.PUBLISHED)
    changchun = campaign_derive(actor=system, parent=jilin, unit=unit(CITY), slug="m-cc")
    campaign_set_status(actor=system, campaign=changchun, status=CampaignStatus.PUBLISHED)
    office = institution_create(
        actor=system,
        parent=unit(CITY),
        code=OFFICE_CODE,
        name="长春开放大学",
        institution_type=InstitutionType.OPEN_UNIVERSITY,
    )
    campaign_office_set(actor=system, campaign=changchun, office=office)
    chaoyang = campaign_derive(actor=system, parent=changchun, unit=county, slug="m-cy")
    contact_add(actor=system, campaign=chaoyang, name="李老师", office="社区教育科", phone="0431-88886666")
    school = institution_create(
        actor=system,
        parent=county,
        code="M-SCHOOL",
        name="朝阳区社区学院",
        institution_type=InstitutionType.COMMUNITY_SCHOOL,
    )
    StaffFactory(unit=school, roles=[Role.REPORTER], email="school@example.cn")
    plan = requirement_create(
        actor=system,
        campaign=chaoyang,
        kind=RequirementKind.WORK_PLAN,
        title="社区学院活动周方案",
        applies_to=[UnitKind.INSTITUTION],
        deadline=datetime.date(year, 12, 31),
    )
    campaign_set_status(actor=system, campaign=chaoyang, status=CampaignStatus.PUBLISHED)

    # 朝阳区's board: one photo in, handed in to 长春市, and a draft board nobody handed in yet.
    material = material_save(
        actor=system, requirement=board, unit=county, title="十五分钟学习圈", body="社区学习" * 20
    )
    photo = material_photo_add(actor=system, submission=material, upload=jpeg(), caption="读书会现场")
    submission_submit(actor=system, submission=material)
    summary_draft = material_save(actor=system, requirement=summary, unit=county, title="年度工作总结")
    plan_draft = material_save(actor=system, requirement=county_plan, unit=county, title="活动周方案")
    plan_document = material_file_attach(actor=system, submission=plan_draft, upload=pdf_file("方案.pdf"))

    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=2
    )
    activity = activity_create(
        actor=system,
        campaign=jilin,
        organiser=county,
        name="朝阳区全民读书节",
        category="themed_reading",
        start=start,
        end=start + datetime.timedelta(hours=2),
        capacity=30,
    )
    other_activity = activity_create(
        actor=system,
        campaign=jilin,
        organiser=county,
        name="朝阳区书法体验课",
        category="themed_reading",
        start=start + datetime.timedelta(days=1),
        end=start + datetime.timedelta(days=1, hours=2),
    )
    activity_create(
        actor=system,
        campaign=jilin,
        organiser=county,
        name="朝阳区读书分享会",
        category="themed_reading",
        start=start,
        end=start,
        is_demonstration=True,
    )
    demo_handed_in = demo_table_submit(
        actor=system, requirement=demo_done, unit=county, contact_name="李老师", contact_phone="0431-88886666"
    )
    signup = registration_create(activity_id=activity.pk, phone="13900001111", name="王大爷")
    resident = User.objects.get_or_create(username="matrix-resident", defaults={"phone": "13800009999"})[0]
    own = registration_create(activity_id=activity.pk, phone=resident.phone, name="李阿姨", resident=resident)
    header_save(
        actor=system, campaign=jilin, unit=county, contact_name="李老师", office_phone="0431-88886666"
    )
    total = reported_total_add(
        actor=system, campaign=jilin, entered_by=county, unit=county, column="theme_reading", activities=3
    )

    draft = nominations.nomination_create(
        actor=system,
        requirement=star,
        unit=county,
        name="刘桂芳",
        gender="女",
        birth_date=datetime.date(1962, 3, 8),
        workplace="南湖街道南湖社区",
        phone="13804310001",
        deeds="退休后在社区办起读书会，十年未断。",
        contact_name="李老师",
        contact_phone="0431-88886666",
    )
    nominations.photo_add(actor=system, nomination=draft, upload=jpeg(), caption="学院外景")
    # issue 26: privacy — a nominee whose signed consent to publication is on file.
    consented = nominations.nomination_create(
        actor=system, requirement=star, unit=county, name="陈志强", workplace="南湖街道东风社区"
    )
    publication_consent_form(actor=system, nomination=consented, upload=pdf_file("同意书.pdf"))
    handed_in = nominations.nomination_create(
        actor=system, requirement=advanced, unit=county, **(UNIT_VALUES | {"name": "朝阳区南湖街道社区学校"})
    )
    nominations.nomination_create(
        actor=system, requirement=advanced, unit=county, **(UNIT_VALUES | {"name": "朝阳区图书馆"})
    )
    nominations.nomination_submit(actor=system, nomination=handed_in)
    nominations.scan_attach(actor=system, nomination=handed_in, upload=pdf_file())

    book_list = book_list_create(
        actor=system, unit=county, title="朝阳区推荐书目", year=year, kind="regional", published=True
    )
    entry = book_list_add(
        actor=system, book_list=book_list, isbn="9787020002207", title="红楼梦", author="曹雪芹"
    )
    lecture = lecture_create(
        actor=system,
        unit=county,
        title="读书分享会",
        speaker="刘老师",
        starts_at=start,
        platform="吉林省终身学习平台",
        link="https://example.cn/live/1",
    )
    essay_call = essay_call_create(
        actor=system, unit=county, title="我的读书故事", deadline=datetime.date(year, 12, 31), published=True
    )
    return SimpleNamespace(
        year=year,
        county=county,
        national=national,
        stats=stats,
        jilin=jilin,
        board=board,
        advanced=advanced,
        star=star,
        changchun=changchun,
        chaoyang=chaoyang,
        school=school,
        plan=plan,
        demo=demo,
        demo_handed_in=demo_handed_in,
        material=material,
        summary=summary,
        summary_draft=summary_draft,
        plan_draft=plan_draft,
        plan_document=plan_document,
        photo=photo,
        activity=activity,
        other_activity=other_activity,
        registration=signup.registration,
        resident_registration=own.registration,
        total=total,
        draft=draft,
        draft_photo=draft.photos.get(),
        handed_in=handed_in,
        consented=consented,
        book_list=book_list,
        entry=entry,
        lecture=lecture,
        essay_call=essay_call,
        account=StaffFactory(unit=county, roles=[Role.REPORTER]),
    )


class _FormReader(html.parser.HTMLParser):
    """The fields of the page's first POST form, as a browser would send them unchanged."""

    def __init__(self, action: str | None) -> None:
        super().__init__()
        self.action, self.data, self.state = action, {}, "before"
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.state == "before":
            action = a.get("action", "")
            wanted = (
                action == self.action
                if self.action is not None
                else not any(s in action for s in ("logout", "elder"))
            )
            if a.get("method", "").lower() == "post" and wanted:
                self.state = "in"
            return
        if self.state != "in":
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self.select:
            if "selected" in a or not self.data[self.select]:
                self.data[self.select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.state == "in":
            self.state = "after"


def form_fields(page: str, action: str | None = None) -> dict[str, Any]:
    reader = _FormReader(action)
    reader.feed(page)
    return reader.data
