"""The permission matrix: every back-office page and every API operation, tried by the people of
``world.ACTORS``, for reading and for each write.

``PAGES`` and ``OPERATIONS`` are the one table of expectations. A URL added to the back office or
an operation added to the API without a row fails ``test_every_url_has_a_row``. For each row:

- anonymous visitors are sent to sign in (pages) or get 401 (API); residents get 404 on pages
  and 401 from the staff API; a user of the sibling unit gets 404, the same as for a missing
  object — unless the row says the sibling may act (pages about the user's own unit); the staff
  of 长春市's campaign office read what the sibling may read and get 404 for the rest, since
  朝阳区's objects belong to 吉林省's campaign, not to the office's;
- those the row allows get the page (200) and their write changes the database;
- those it refuses get no data (403 or 404) and their write changes nothing: every table of the
  project is compared before and after.

Each person's try runs in a savepoint that is rolled back, so all start from the same world."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from learnweek.accounts.models import ApiToken, User
from learnweek.api.api import api
from learnweek.notices.models import Notice
from tests.activities.helpers import fubiao1
from tests.factories import StaffFactory
from tests.helpers import COUNTY, pdf_file, unit
from tests.permissions import world
from tests.permissions.world import COUNTY_LEVEL, PROVINCE_LEVEL, Level, jpeg, xlsx_of

pytestmark = pytest.mark.django_db

W = Any  # the world's namespace

OWN = frozenset({"owner"})
UP = frozenset({"parent"})
ADMINS = frozenset({"owner", "parent"})  # the unit's own holders of the role, and those above it
SUBTREE = frozenset({"norole", "owner", "parent"})  # any staff whose subtree holds the object
EVERY_STAFF = frozenset({"sibling", "norole", "owner", "parent"})  # pages of the user's own unit
UNIT_STAFF = frozenset({"norole", "owner"})  # the unit's own staff


@dataclass(frozen=True)
class Write:
    data: Callable[[W, Callable[[], str]], dict[str, Any]]  # (world, the form page as the owner)
    allowed: frozenset[str]
    # What the write does outside the database (e-mail sent), measured before and after.
    effect: Callable[[], Any] | None = None


@dataclass(frozen=True)
class Page:
    url: Callable[[W], str]
    read: frozenset[str] | None  # None: the URL takes POST only
    writes: dict[str, Write] = field(default_factory=dict)
    level: Level = COUNTY_LEVEL
    # The URL names no object of the owner: the page is about the signed-in user's own unit, so a
    # user of the sibling unit who may not write is refused by the form, not by a 404.
    own_level: bool = False


def r(name: str, *args: Any, query: str = "") -> Callable[[W], str]:
    """The URL of ``name``; an argument may be a function of the world."""
    return lambda w: reverse(f"backoffice:{name}", args=[a(w) if callable(a) else a for a in args]) + query


def form(**overrides: Any) -> Callable[[W, Callable[[], str]], dict[str, Any]]:
    """The page's form as the owner sees it, with ``overrides`` (functions of the world allowed)."""

    def data(w: W, page: Callable[[], str]) -> dict[str, Any]:
        values = {k: v(w) if callable(v) else v for k, v in overrides.items()}
        return world.form_fields(page()) | values

    return data


def post(**values: Any) -> Callable[[W, Callable[[], str]], dict[str, Any]]:
    return lambda w, page: {k: v(w) if callable(v) else v for k, v in values.items()}


def pk(name: str) -> Callable[[W], int]:
    return lambda w: getattr(w, name).pk


def slug(name: str) -> Callable[[W], str]:
    return lambda w: getattr(w, name).slug


CODE = COUNTY
DATE = lambda w: f"{w.year}-12-20"  # noqa: E731
ACTIVITY_FORM = form(
    name="朝阳区亲子阅读会",
    organiser_code=CODE,
    campaign=slug("jilin"),
    start=lambda w: f"{w.year}-12-20T09:00",
    end=lambda w: f"{w.year}-12-20T11:00",
)

PAGES: dict[str, Page] = {
    "home": Page(r("home"), EVERY_STAFF),
    "unit": Page(r("unit", CODE), SUBTREE),
    "unit_edit": Page(
        r("unit_edit", CODE), SUBTREE, {"save": Write(form(address="朝阳区新民大街2号"), ADMINS)}
    ),
    "unit_history": Page(r("unit_history", CODE), SUBTREE),
    "institution_new": Page(
        r("institution_new", CODE),
        SUBTREE,
        {
            "create": Write(
                form(code="M-NEW", name="朝阳区老年大学", institution_type="elder_university"), ADMINS
            )
        },
    ),
    "institution_import": Page(
        r("institution_import", CODE),
        SUBTREE,
        {
            "import": Write(
                post(
                    file=lambda w: xlsx_of(
                        [["机构代码", "机构名称", "机构类型"], ["M-IMP", "朝阳区职工学校", "社区教育院校"]]
                    )
                ),
                ADMINS,
            )
        },
    ),
    "designation_new": Page(
        r("designation_new", CODE),
        SUBTREE,
        {"add": Write(form(kind="demonstration_zone", year=2024), ADMINS)},
    ),
    "staff_new": Page(
        r("staff_new", CODE),
        SUBTREE,
        {
            "create": Write(
                form(
                    username="m-new-staff", full_name="新同事", roles=["reporter"], password="Chaoyang-2026!x"
                ),
                ADMINS,
            )
        },
    ),
    "staff_list": Page(r("staff_list"), EVERY_STAFF),
    "personal_exports": Page(r("personal_exports"), EVERY_STAFF),
    "api_tokens": Page(r("api_tokens"), EVERY_STAFF),  # each user's own tokens
    # The audit log is the 审计管理员's alone (tests/audit): no business role, administrators
    # included, reads or exports it.
    "audit_log": Page(r("audit_log"), frozenset()),
    "audit_export": Page(r("audit_export"), None, {"export": Write(post(), frozenset())}),
    # issue 26: security — the pages of 管理员 (2FA resets below them), the 安全管理员 and the
    # superuser (nobody of the world holds those two)
    "security": Page(r("security"), EVERY_STAFF - {"norole"}, own_level=True),
    "security_settings": Page(r("security_settings"), frozenset(), own_level=True),
    "security_duties": Page(r("security_duties"), frozenset(), own_level=True),
    "security_two_factor": Page(r("security_two_factor"), EVERY_STAFF - {"norole"}, own_level=True),
    "security_otp_reset": Page(  # only an administrator of a unit above resets a second factor
        r("security_otp_reset", pk("otp_holder")), None, {"reset": Write(post(), UP)}
    ),
    "api_token_revoke": Page(  # only the token's own user revokes it
        r("api_token_revoke", pk("owner_token")), None, {"revoke": Write(post(), OWN)}
    ),
    "staff_detail": Page(
        r("staff_detail", pk("account")), SUBTREE, {"roles": Write(form(roles=["reviewer"]), ADMINS)}
    ),
    "staff_toggle_active": Page(
        r("staff_toggle_active", pk("account")), None, {"toggle": Write(post(), ADMINS)}
    ),
    # issue 26: accounts
    "staff_import": Page(
        r("staff_import", CODE),
        SUBTREE,
        {
            "import": Write(
                post(
                    file=lambda w: xlsx_of(
                        [["单位代码", "姓名", "手机号", "角色"], [CODE, "新同事", "13600000777", "填报员"]]
                    )
                ),
                ADMINS,
            )
        },
    ),
    "staff_import_template": Page(r("staff_import_template", CODE), SUBTREE),
    "staff_export": Page(r("staff_export"), EVERY_STAFF - {"norole"}),  # each its own subtree's list
    "staff_bulk_disable": Page(
        r("staff_bulk_disable"), None, {"disable": Write(post(ids=lambda w: [w.account.pk]), ADMINS)}
    ),
    "staff_password_reset": Page(
        r("staff_password_reset", pk("account")), None, {"reset": Write(post(), ADMINS)}
    ),
    "campaigns": Page(r("campaigns"), EVERY_STAFF),
    "campaign_new": Page(  # provinces and the ministry create; cities and counties derive
        r("campaign_new"),
        EVERY_STAFF,
        {
            "create": Write(
                form(slug="m-new", title="新活动", year=lambda w: w.year + 1), EVERY_STAFF - {"norole"}
            )
        },
        level=PROVINCE_LEVEL,
        own_level=True,
    ),
    "campaign": Page(r("campaign", slug("chaoyang")), SUBTREE),
    "campaign_notice_draft": Page(r("campaign_notice_draft", slug("chaoyang")), SUBTREE),
    "campaign_notice_draft_pdf": Page(r("campaign_notice_draft_pdf", slug("chaoyang")), SUBTREE),
    "campaign_edit": Page(
        r("campaign_edit", slug("chaoyang")), SUBTREE, {"save": Write(form(theme="学习让生活更美好"), ADMINS)}
    ),
    "campaign_status": Page(
        r("campaign_status", slug("chaoyang")), None, {"close": Write(post(status="closed"), ADMINS)}
    ),
    "campaign_derive": Page(
        r("campaign_derive", slug("changchun")), None, {"derive": Write(post(), frozenset({"sibling"}))}
    ),
    "contact_new": Page(
        r("contact_new", slug("chaoyang")),
        SUBTREE,
        {"add": Write(form(name="赵老师", office="职成科", phone="0431-85550000"), ADMINS)},
    ),
    "requirement_new": Page(
        r("requirement_new", slug("chaoyang")),
        SUBTREE,
        {
            "add": Write(
                form(
                    kind="work_summary",
                    title="社区学院工作总结",
                    applies_to=["institution"],
                    deadline=DATE,
                    parent_requirement="",  # a requirement of its own: one passed down keeps its kind
                ),
                ADMINS,
            )
        },
    ),
    "requirement_edit": Page(
        r("requirement_edit", pk("plan")),
        ADMINS,
        {"save": Write(form(deadline=DATE, parent_requirement=""), ADMINS)},
    ),
    "requirement_delete": Page(r("requirement_delete", pk("plan")), None, {"delete": Write(post(), ADMINS)}),
    "week_slots": Page(
        r("week_slots", slug("national")),
        EVERY_STAFF,
        {
            "apply": Write(
                post(start=lambda w: f"{w.year}-12-07", end=lambda w: f"{w.year}-12-13"), OWN | {"sibling"}
            )
        },
        level=PROVINCE_LEVEL,
        own_level=True,
    ),
    "tasks": Page(r("tasks"), EVERY_STAFF),
    "notices": Page(r("notices"), EVERY_STAFF),  # each user's own notices
    "notice_read": Page(  # only the notice's own recipient marks it read
        r("notice_read"), None, {"read": Write(post(notice=pk("owner_notice")), OWN)}
    ),
    "stats": Page(r("stats", slug("jilin"), query=f"?unit={CODE}"), SUBTREE),
    "stats_header": Page(
        r("stats_header", slug("jilin")),
        None,
        {"save": Write(post(unit=CODE, filled_by="李老师", phone="0431-88886666"), ADMINS)},
    ),
    "stats_submit": Page(
        r("stats_submit", slug("jilin"), pk("stats")),
        None,
        {"submit": Write(post(unit=CODE, explanation="已核实"), ADMINS)},
    ),
    "stats_export": Page(r("stats_export", slug("jilin"), "xlsx", query=f"?unit={CODE}"), SUBTREE),
    "stats_quality": Page(r("stats_quality", slug("jilin"), query=f"?unit={CODE}"), SUBTREE),
    "stats_summary_draft": Page(r("stats_summary_draft", slug("jilin"), query=f"?unit={CODE}"), SUBTREE),
    "stats_summary_draft_pdf": Page(
        r("stats_summary_draft_pdf", slug("jilin"), query=f"?unit={CODE}"), SUBTREE
    ),
    "stats_drill": Page(
        r("stats_drill", slug("jilin"), query=f"?unit={CODE}&row=own&column=theme_reading"), SUBTREE
    ),
    "stats_cities": Page(
        r("stats_cities", slug("jilin"), query=f"?unit={CODE}&row=county&column=theme_reading"), SUBTREE
    ),
    "stats_totals": Page(  # the totals the user's own unit entered, for itself or units below
        r("stats_totals", slug("jilin")),
        EVERY_STAFF,
        {"add": Write(form(unit=CODE, column="online_lecture", activities=2, person_times=80), ADMINS)},
        own_level=True,
    ),
    "stats_total_delete": Page(  # only the unit that entered a total takes it back
        r("stats_total_delete", slug("jilin"), pk("total")), None, {"delete": Write(post(), OWN)}
    ),
    "activities": Page(r("activities"), EVERY_STAFF),
    "activity_new": Page(
        r("activity_new"), EVERY_STAFF, {"create": Write(ACTIVITY_FORM, ADMINS)}, own_level=True
    ),
    "activity_import": Page(  # into the user's own unit
        r("activity_import"),
        EVERY_STAFF,
        {
            "import": Write(
                form(
                    campaign=slug("jilin"),  # the choices' order differs between databases
                    file=lambda w: fubiao1(
                        [["亲子共读", f"{w.year}-12-21", "朝阳区图书馆", "朝阳区教育局", 40, "", "共读绘本"]]
                    ),
                ),
                EVERY_STAFF - {"norole"},
            )
        },
        own_level=True,
    ),
    # An import preview is the uploader's alone: everyone else, above or beside, gets 404.
    "activity_import_preview": Page(
        r("activity_import_preview", pk("preview")),
        OWN,
        {
            "commit": Write(post(action="commit"), OWN),
            "edit": Write(post(action="bulk_all", bulk_mode="online"), OWN),
        },
    ),
    "activity_export": Page(r("activity_export"), EVERY_STAFF),
    "activity_export_pdf": Page(r("activity_export_pdf"), EVERY_STAFF),
    "activity": Page(r("activity", pk("activity")), SUBTREE),
    "activity_edit": Page(
        r("activity_edit", pk("activity")), SUBTREE, {"save": Write(form(place="朝阳区图书馆二楼"), ADMINS)}
    ),
    "activity_registrations": Page(r("activity_registrations", pk("activity")), SUBTREE),
    "registration_history": Page(r("registration_history", pk("activity"), pk("registration")), SUBTREE),
    "activity_checkin": Page(
        r("activity_checkin", pk("activity")),
        None,
        {"checkin": Write(post(code=lambda w: w.registration.code), ADMINS)},
    ),
    "activity_cancel": Page(
        r("activity_cancel", pk("activity")), None, {"cancel": Write(post(reason="场地检修"), ADMINS)}
    ),
    "submission_edit": Page(
        r("submission_edit", pk("summary")),
        EVERY_STAFF,
        {
            "save": Write(
                form(title="朝阳区年度工作总结", body="总结" * 40, save="1"), frozenset({"owner", "sibling"})
            )
        },
    ),
    "demo_table": Page(r("demo_table", pk("demo"), query=f"?unit={CODE}"), SUBTREE),
    "demo_table_mark": Page(
        r("demo_table_mark", pk("demo")),
        None,
        {"mark": Write(post(unit=CODE, action="mark", activity=pk("other_activity")), ADMINS)},
    ),
    "demo_table_submit": Page(
        r("demo_table_submit", pk("demo")),
        None,
        {
            "save": Write(
                post(unit=CODE, contact_name="李老师", contact_phone="0431-88886666", save="1"), ADMINS
            )
        },
    ),
    "demo_table_export": Page(r("demo_table_export", pk("demo"), query=f"?unit={CODE}"), SUBTREE),
    "demo_table_frozen": Page(r("demo_table_frozen", pk("demo_handed_in")), SUBTREE),
    "demo_table_export_pdf": Page(r("demo_table_export_pdf", pk("demo"), query=f"?unit={CODE}"), SUBTREE),
    "demo_table_frozen_pdf": Page(r("demo_table_frozen_pdf", pk("demo_handed_in")), SUBTREE),
    "board": Page(r("board", pk("plan")), SUBTREE),
    "board_export": Page(r("board_export", pk("plan")), SUBTREE),
    "board_export_pdf": Page(r("board_export_pdf", pk("plan")), SUBTREE),
    "board_remind": Page(
        r("board_remind", pk("plan")),
        None,
        {"remind": Write(post(), ADMINS, effect=lambda: len(mail.outbox))},  # and the Reminder rows
    ),
    "board_review": Page(
        r("board_review", lambda w: w.material.requirement_id),
        None,
        {"approve": Write(post(action="approve", submission=pk("material")), UP)},
    ),
    "nominations": Page(r("nominations", pk("advanced")), EVERY_STAFF),
    "nomination_new": Page(
        r("nomination_new", pk("advanced")),
        EVERY_STAFF,
        {"create": Write(form(name="朝阳区老年大学"), frozenset({"owner", "sibling"}))},
    ),
    "nomination_summary": Page(r("nomination_summary", pk("advanced"), "xlsx"), EVERY_STAFF),
    "nomination_sheet": Page(
        r("nomination_sheet", pk("advanced")),
        None,
        {
            "upload": Write(
                post(contact_name="李老师", contact_phone="13904310000", scan=lambda w: pdf_file()),
                EVERY_STAFF - {"norole"},
            )
        },
        own_level=True,
    ),
    "nomination_move": Page(
        r("nomination_move", pk("advanced")),
        None,
        {"move": Write(post(nomination=pk("handed_in"), direction="down"), OWN)},
    ),
    # The ranking is the selecting level's: 吉林省, which issued the requirement.
    "nomination_ranking": Page(r("nomination_ranking", pk("advanced")), UNIT_STAFF, level=PROVINCE_LEVEL),
    # A draft stays with its unit; the level above sees a nominee once it is handed in.
    "nomination": Page(r("nomination", pk("draft")), UNIT_STAFF),
    "nomination_edit": Page(
        r("nomination_edit", pk("draft")),
        UNIT_STAFF,
        {"save": Write(form(workplace="南湖街道东风社区"), OWN)},
    ),
    "nomination_act": Page(
        r("nomination_act", pk("draft")),
        None,
        {
            "submit": Write(post(action="submit"), OWN),
            "photo": Write(
                post(action="photo", caption="课堂", photo=lambda w: jpeg("课堂.jpg", width=2500)), OWN
            ),
            "delete": Write(post(action="delete"), OWN),
        },
    ),
    "nomination_docx": Page(r("nomination_docx", pk("draft")), UNIT_STAFF),
    "nomination_pdf": Page(r("nomination_pdf", pk("draft")), UNIT_STAFF),
    "nomination_scan": Page(r("nomination_scan", pk("handed_in")), SUBTREE),
    "nomination_photo": Page(r("nomination_photo", pk("draft"), pk("draft_photo")), UNIT_STAFF),
    "nomination_thumb": Page(r("nomination_thumb", pk("draft"), pk("draft_photo")), UNIT_STAFF),
    "nomination_package": Page(r("nomination_package", slug("jilin")), EVERY_STAFF),
    # issue 26: privacy — a nominee's consent to publication, recorded by the nominating unit.
    "nomination_consent": Page(
        r("nomination_consent", pk("draft")),
        UNIT_STAFF,
        {"upload": Write(post(action="upload", document=lambda w: jpeg("签字同意书.jpg")), OWN)},
    ),
    "nomination_consent_document": Page(r("nomination_consent_document", pk("consented")), UNIT_STAFF),
    "reading": Page(r("reading"), EVERY_STAFF),
    "book_list_new": Page(
        r("book_list_new"),
        EVERY_STAFF,
        {
            "create": Write(
                form(title="寒假书目", kind="regional", year=lambda w: w.year), EVERY_STAFF - {"norole"}
            )
        },
        own_level=True,
    ),
    "book_list": Page(
        r("book_list", pk("book_list")),
        SUBTREE,
        {"add": Write(form(isbn="9787544270878", title="解忧杂货店", author="东野圭吾"), ADMINS)},
    ),
    "book_list_edit": Page(
        r("book_list_edit", pk("book_list")), SUBTREE, {"save": Write(form(title="朝阳区好书"), ADMINS)}
    ),
    "book_entry_remove": Page(
        r("book_entry_remove", pk("book_list"), pk("entry")), None, {"remove": Write(post(), ADMINS)}
    ),
    "lecture_new": Page(
        r("lecture_new"),
        EVERY_STAFF,
        {
            "create": Write(
                form(
                    title="名家讲经典",
                    speaker="周教授",
                    starts_at=lambda w: f"{w.year}-12-22T19:00",
                    platform="学习强国",
                    link="https://example.cn/l",
                ),
                EVERY_STAFF - {"norole"},
            )
        },
        own_level=True,
    ),
    "lecture_edit": Page(
        r("lecture_edit", pk("lecture")), SUBTREE, {"save": Write(form(speaker="吴老师"), ADMINS)}
    ),
    "book_import": Page(
        r("book_import"),
        EVERY_STAFF,
        {
            "import": Write(
                post(
                    file=lambda w: xlsx_of(
                        [
                            ["ISBN", "书名", "作者", "出版社", "出版年", "分类", "适读人群", "简介"],
                            [
                                "9787544270878",
                                "解忧杂货店",
                                "东野圭吾",
                                "南海出版公司",
                                2014,
                                "文学",
                                "青少年",
                                "",
                            ],
                        ]
                    )
                ),
                EVERY_STAFF - {"norole"},
            )
        },
        own_level=True,
    ),
    "essay_call_new": Page(
        r("essay_call_new"),
        EVERY_STAFF,
        {"create": Write(form(title="书香朝阳", deadline=DATE), EVERY_STAFF - {"norole"})},
        own_level=True,
    ),
    "incentive_scheme": Page(  # each province's own; the ministry has none
        r("incentive_scheme"),
        EVERY_STAFF - {"parent"},
        {"save": Write(form(), OWN | {"sibling"})},
        level=PROVINCE_LEVEL,
        own_level=True,
    ),
    "essay_call": Page(r("essay_call", pk("essay_call")), SUBTREE),
    "submission": Page(r("submission", pk("material")), SUBTREE),
    "submission_package": Page(r("submission_package", pk("material")), SUBTREE),
    "submission_review": Page(
        r("submission_review", pk("material")),
        None,
        {"approve": Write(post(action="approve", comment="同意"), UP)},
    ),
    "material_act": Page(
        r("material_act", pk("summary_draft")),
        None,
        {
            "photo": Write(
                post(action="photo", caption="读书会", photo=lambda w: jpeg("读书会.jpg", width=2500)), ADMINS
            ),
            "case": Write(post(action="case", title="社区读书会", body="每周一次" * 20), ADMINS),
            "submit": Write(post(action="submit"), ADMINS),
        },
    ),
    "material_photo": Page(r("material_photo", pk("material"), pk("photo")), SUBTREE),
    "material_thumb": Page(r("material_thumb", pk("material"), pk("photo")), SUBTREE),
    "material_document": Page(r("material_document", pk("plan_draft"), pk("plan_document")), SUBTREE),
    "materials_package": Page(r("materials_package", slug("jilin"), query=f"?unit={CODE}"), SUBTREE),
}


def back_office_names() -> set[str]:
    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> set[str]:
        found = set()
        for p in patterns:
            if isinstance(p, URLResolver):
                found |= walk(p.url_patterns, p.namespace or namespace)
            elif namespace == "backoffice" and p.name:
                found.add(p.name)
        return found

    return walk(get_resolver().url_patterns, "")


def api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_url_has_a_row():
    assert back_office_names() - PAGES.keys() == set(), "back-office URLs without a row in PAGES"
    assert PAGES.keys() - back_office_names() == set(), "rows in PAGES for URLs that are gone"
    assert api_operations() - OPERATIONS.keys() == set(), "API operations without a row in OPERATIONS"
    assert OPERATIONS.keys() - api_operations() == set(), "rows in OPERATIONS for operations that are gone"


# -- the database, compared ---------------------------------------------------------------------

IGNORED = {ApiToken: {"last_used"}}  # a token's last use is bookkeeping of the sign-in, not a write


def fingerprint() -> dict[str, str]:
    """Every table of the project: a digest of its rows; history tables only grow, so their size
    and newest row say enough."""
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("learnweek."):
            continue
        rows = model._default_manager.order_by("pk")
        if model.__name__.startswith("Historical"):
            value = repr((rows.count(), rows.values_list("pk", flat=True).last()))
        else:
            ignored = IGNORED.get(model, set())
            columns = [f.attname for f in model._meta.concrete_fields if f.attname not in ignored]
            value = hashlib.sha256(repr(list(rows.values_list(*columns))).encode()).hexdigest()
        found[model._meta.label] = value
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


# -- one world per run of this module -----------------------------------------------------------


@dataclass
class Setting:
    w: W
    clients: dict[Level, dict[str, Client]]  # each person signed in once, in their own client
    people: dict[Level, dict[str, User | None]]
    baseline: dict[str, str]


@pytest.fixture(scope="module")
def setting(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once and rolled back after the module: each test runs in a savepoint of
    it, and each person's try in a savepoint of the test."""
    fast = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        AXES_ENABLED=False,
        RATELIMIT_ENABLE=False,
        # No LibreOffice: whoever may have a PDF is sent back to the page with the reason (302)
        # once the selectors have let them through; tests/core/test_pdf_exports.py prints them.
        OFFICE_BINARY="/nonexistent/soffice",
    )
    with fast, django_db_blocker.unblock(), transaction.atomic():
        w = world.build()
        people = {level: world.people(level) for level in (COUNTY_LEVEL, PROVINCE_LEVEL)}
        w.owner_token = world.token_of(people[COUNTY_LEVEL]["owner"], "matrix-owner-second")
        w.owner_notice = Notice.objects.create(
            recipient=people[COUNTY_LEVEL]["owner"], unit=unit(CODE), kind="reminded", title="催报"
        )
        w.preview = world.import_preview_of(people[COUNTY_LEVEL]["owner"], w)
        w.otp_holder = StaffFactory(unit=unit(CODE), roles=["reporter"])
        TOTPDevice.objects.create(user=w.otp_holder, name="动态口令", confirmed=True)
        clients = {}
        for level, cast in people.items():
            clients[level] = {}
            for actor, who in cast.items():
                clients[level][actor] = Client()
                if who is not None:
                    clients[level][actor].force_login(who)
        yield Setting(w, clients, people, fingerprint())
        transaction.set_rollback(True)


@pytest.fixture
def built(setting, db):
    return setting


def said(client: Client, response) -> str:
    """The messages and form errors the person was shown (for a failure's explanation)."""
    if response.status_code == 302 and not response["Location"].startswith("/accounts/"):
        response = client.get(response["Location"])
    page = response.content.decode(errors="replace")
    found = re.findall(r'<ul class="(?:errorlist[^"]*|messages)"[^>]*>(.*?)</ul>', page, re.S)
    return "；".join(re.sub(r"<[^>]+>|\s+", " ", f).strip() for f in found)[:300]


def outcome_of(actor: str, response, *, allowed: bool, login_url: str) -> str | None:
    """What is wrong with ``response`` for ``actor``, or None."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if actor == "anonymous":
        return (
            None
            if status == 302 and response["Location"].startswith(login_url)
            else f"{status}, not sent to sign in"
        )
    if allowed:
        return None if status in (200, 302) else f"refused ({status}) though allowed"
    if actor in ("resident", "sibling", "office"):
        return None if status == 404 else f"{status}, not 404"
    return None


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page(name, built, django_capture_on_commit_callbacks):
    row, w = PAGES[name], built.w
    clients = built.clients[row.level]
    url = row.url(w)
    login_url = reverse("login")
    problems = []
    pages: dict[str, str] = {}

    def form_page(write: Write) -> Callable[[], str]:
        """The page as the first person allowed to write sees it (the owner when allowed)."""
        first = next((a for a in ("owner", "parent", "sibling", "norole") if a in write.allowed), "owner")

        def page() -> str:
            if first not in pages:
                with transaction.atomic():
                    pages[first] = clients[first].get(url).content.decode()
                    transaction.set_rollback(True)
            return pages[first]

        return page

    for actor in clients:
        client = clients[actor]
        if row.read is not None:
            with transaction.atomic():
                response = client.get(url)
                allowed = actor in row.read or (actor == "office" and "sibling" in row.read)
                problem = outcome_of(actor, response, allowed=allowed, login_url=login_url)
                if (
                    problem is None
                    and not allowed
                    and actor in ("norole", "parent")
                    and response.status_code not in (403, 404)
                ):
                    problem = f"{response.status_code}, shown though refused"
                if problem:
                    problems.append(f"GET as {actor}: {problem}")
                transaction.set_rollback(True)
        for label, write in row.writes.items():
            with transaction.atomic():
                data = write.data(w, form_page(write))
                effect = repr(write.effect and write.effect())
                with django_capture_on_commit_callbacks(execute=True):  # the mail a write sends
                    response = client.post(url, data)
                after = fingerprint() | {"effect": repr(write.effect and write.effect())}
                allowed = actor in write.allowed
                problem = outcome_of(actor, response, allowed=allowed, login_url=login_url)
                if (
                    problem
                    and (row.own_level or (actor == "office" and "sibling" in write.allowed))
                    and actor in ("sibling", "office")
                    and not allowed
                    and response.status_code < 500
                ):
                    problem = None
                diff = changed(built.baseline | {"effect": effect}, after)
                # A write about the user's own unit: the office's institution may or may not be
                # one the row's rule lets write (it imports its own activities; it is not a
                # county that nominates); either way it touches only its own unit.
                own_unit_only = actor == "office" and row.own_level and "sibling" in write.allowed
                if problem is None and allowed and actor != "anonymous" and not diff:
                    problem = f"allowed, but nothing was written: {said(client, response)}"
                if not allowed and diff and not own_unit_only:
                    problem = (problem or "") + f" refused, yet wrote {diff}"
                if problem:
                    problems.append(f"POST {label} as {actor}: {problem}")
                transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


# -- the API --------------------------------------------------------------------------------------

STAFF, RESIDENT, OPEN = "staff", "resident", "open"  # who the operation's token must belong to


@dataclass(frozen=True)
class Op:
    path: Callable[[W], str]
    allowed: frozenset[str]
    token: str = STAFF
    body: Callable[[W], Any] | None = None  # JSON, or a dict of form fields when ``multipart``
    multipart: bool = False
    writes: bool = True  # for a POST/PUT/PATCH/DELETE that changes nothing by design: False
    own_level: bool = False


def p(template: str, **args: Callable[[W], Any]) -> Callable[[W], str]:
    return lambda w: "/api/v1" + template.format(**{k: v(w) for k, v in args.items()})


EVERYONE = frozenset(world.ACTORS)
START = lambda w: f"{w.year}-12-20T09:00:00+08:00"  # noqa: E731
END = lambda w: f"{w.year}-12-20T11:00:00+08:00"  # noqa: E731

OPERATIONS: dict[str, Op] = {
    "POST /api/v1/auth/token": Op(  # signing in: the same answer whoever asks
        p("/auth/token"), EVERYONE, OPEN, lambda w: {"username": "nobody", "password": "wrong"}, writes=False
    ),
    "POST /api/v1/auth/code": Op(p("/auth/code"), EVERYONE, OPEN, lambda w: {"phone": "13800007777"}),
    "POST /api/v1/auth/resident-token": Op(
        p("/auth/resident-token"),
        EVERYONE,
        OPEN,
        lambda w: {"phone": "13800007777", "code": "000000"},
        writes=False,
    ),
    "GET /api/v1/auth/privacy-notice": Op(p("/auth/privacy-notice"), EVERYONE, OPEN),  # issue 26: privacy
    "GET /api/v1/auth/tokens": Op(p("/auth/tokens"), EVERY_STAFF),  # each user's own tokens
    "DELETE /api/v1/auth/tokens/{pk}": Op(p("/auth/tokens/{k}", k=pk("owner_token")), OWN),
    "GET /api/v1/units/{code}": Op(p("/units/{c}", c=lambda w: CODE), SUBTREE),
    "GET /api/v1/campaigns": Op(p("/campaigns"), EVERY_STAFF),
    "GET /api/v1/campaigns/{slug}": Op(p("/campaigns/{s}", s=slug("chaoyang")), SUBTREE),
    "GET /api/v1/campaigns/{slug}/requirements": Op(
        p("/campaigns/{s}/requirements", s=slug("chaoyang")), SUBTREE
    ),
    "GET /api/v1/requirements/{pk}/completeness": Op(
        p("/requirements/{k}/completeness", k=pk("plan")), SUBTREE
    ),
    "GET /api/v1/activities": Op(p("/activities"), EVERY_STAFF),
    "POST /api/v1/activities": Op(
        p("/activities"),
        ADMINS,
        body=lambda w: {
            "campaign": w.jilin.slug,
            "organiser": CODE,
            "name": "朝阳区亲子阅读会",
            "category": "themed_reading",
            "start": START(w),
            "end": END(w),
        },
        own_level=True,
    ),
    "GET /api/v1/activities/{pk}": Op(p("/activities/{k}", k=pk("activity")), SUBTREE),
    "PATCH /api/v1/activities/{pk}": Op(
        p("/activities/{k}", k=pk("activity")), ADMINS, body=lambda w: {"address": "朝阳区图书馆二楼"}
    ),
    "GET /api/v1/campaigns/{slug}/stats/{unit_code}": Op(
        p("/campaigns/{s}/stats/{c}", s=slug("jilin"), c=lambda w: CODE), SUBTREE
    ),
    "GET /api/v1/public/activities": Op(p("/public/activities"), EVERYONE, OPEN),
    "POST /api/v1/activities/{pk}/registrations": Op(
        p("/activities/{k}/registrations", k=pk("other_activity")),
        frozenset({"resident"}),
        RESIDENT,
        lambda w: {"name": "李阿姨"},
    ),
    "DELETE /api/v1/registrations/{pk}": Op(
        p("/registrations/{k}", k=pk("resident_registration")), frozenset({"resident"}), RESIDENT
    ),
    # The code names the registration: to a sibling it is an unknown code (400), as a wrong one is.
    "POST /api/v1/checkins": Op(
        p("/checkins"), ADMINS, body=lambda w: {"code": w.registration.code}, own_level=True
    ),
    "GET /api/v1/nominations": Op(p("/nominations"), EVERY_STAFF),
    "POST /api/v1/requirements/{pk}/nominations": Op(
        p("/requirements/{k}/nominations", k=pk("advanced")),
        frozenset({"owner", "sibling"}),  # each county nominates its own
        body=lambda w: {"name": "朝阳区老年大学"},
        own_level=True,
    ),
    "GET /api/v1/nominations/{pk}": Op(p("/nominations/{k}", k=pk("draft")), UNIT_STAFF),
    "PATCH /api/v1/nominations/{pk}": Op(
        p("/nominations/{k}", k=pk("draft")), OWN, body=lambda w: {"workplace": "南湖街道东风社区"}
    ),
    "POST /api/v1/nominations/{pk}/submit": Op(
        p("/nominations/{k}/submit", k=pk("draft")), OWN, body=lambda w: {}
    ),
    "POST /api/v1/nominations/{pk}/decisions": Op(  # the level above decides, not the unit itself
        p("/nominations/{k}/decisions", k=pk("handed_in")), UP, body=lambda w: {"action": "recommend"}
    ),
    "GET /api/v1/materials": Op(p("/materials"), EVERY_STAFF),
    "GET /api/v1/materials/{pk}": Op(p("/materials/{k}", k=pk("material")), SUBTREE),
    "PUT /api/v1/requirements/{pk}/material": Op(  # the user's own unit's material
        p("/requirements/{k}/material", k=pk("summary")),
        frozenset({"owner", "sibling"}),
        body=lambda w: {"title": "年度工作总结（修订）"},
        own_level=True,
    ),
    "POST /api/v1/materials/{pk}/photos": Op(
        p("/materials/{k}/photos", k=pk("summary_draft")),
        ADMINS,
        body=lambda w: {"caption": "读书会", "photo": jpeg("读书会.jpg", width=2500)},
        multipart=True,
    ),
    "POST /api/v1/materials/{pk}/submit": Op(p("/materials/{k}/submit", k=pk("summary_draft")), ADMINS),
    "GET /api/v1/reading/lists": Op(p("/reading/lists"), EVERYONE, OPEN),
    "GET /api/v1/reading/lists/{pk}": Op(p("/reading/lists/{k}", k=pk("book_list")), EVERYONE, OPEN),
    "GET /api/v1/reading/catalogue": Op(p("/reading/catalogue"), EVERYONE, OPEN),
    "GET /api/v1/reading/lectures": Op(p("/reading/lectures"), EVERYONE, OPEN),
}


def headers_for(actor: str, who: User | None) -> dict[str, str]:
    if who is None:
        return {}
    raw = f"matrix-{actor}-{who.pk}"
    world.token_of(who, raw)
    return {"Authorization": f"Bearer {raw}"}


def op_allows(op: Op, actor: str, method: str) -> bool:
    """The office's staff read what any staff of another unit may read, and write nothing here."""
    return actor in op.allowed or (actor == "office" and method == "GET" and "sibling" in op.allowed)


def api_problem(op: Op, actor: str, status: int, method: str = "GET") -> str | None:
    if status >= 500:
        return f"server error {status}"
    allowed = op_allows(op, actor, method)
    if allowed:
        return None if status < 400 or op.token == OPEN else f"refused ({status}) though allowed"
    wrong_kind = (
        actor == "anonymous"
        or (op.token == STAFF and actor == "resident")
        or (op.token == RESIDENT and actor != "resident")
    )
    if wrong_kind:
        return None if status == 401 else f"{status}, not 401"
    if actor == "sibling" and not op.own_level:
        return None if status == 404 else f"{status}, not 404"
    if actor == "office" and not op.own_level and "sibling" not in op.allowed:
        return None if status == 404 else f"{status}, not 404"
    return None if status in (400, 403, 404, 409, 422) else f"{status}, not refused"


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_api_operation(operation, built, django_capture_on_commit_callbacks):
    op, w = OPERATIONS[operation], built.w
    method = operation.split()[0]
    people = built.people[COUNTY_LEVEL]
    path = op.path(w)
    client = Client()
    problems = []
    for actor in people:
        with transaction.atomic():
            headers = headers_for(actor, people[actor])
            before = fingerprint()
            body = op.body(w) if op.body else None
            with django_capture_on_commit_callbacks(execute=True):
                if op.multipart:
                    response = client.post(path, body, headers=headers)
                else:
                    response = client.generic(
                        method,
                        path,
                        json.dumps(body) if body is not None else "",
                        "application/json",
                        headers=headers,
                    )
            diff = changed(before, fingerprint())
            problem = api_problem(op, actor, response.status_code, method)
            if method != "GET" and op.writes:
                if op_allows(op, actor, method) and problem is None and not diff:
                    problem = f"allowed, but nothing was written: {response.content.decode()[:200]}"
                if not op_allows(op, actor, method) and diff:
                    problem = (problem or "") + f" refused, yet wrote {diff}"
            if method == "GET" and diff:
                problem = (problem or "") + f" a read wrote {diff}"
            if problem:
                problems.append(f"{method} as {actor}: {problem}")
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
