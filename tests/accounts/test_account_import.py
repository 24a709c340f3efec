"""Accounts at scale: an administrator imports its subtree's staff from one spreadsheet; each new
account activates itself by a text-message code or an e-mailed link; passwords are reset by
their holders and by the administrator above; the accounts page shows who never signs in."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from learnweek.accounts.models import ApiToken, PersonalDataExport, User
from learnweek.accounts.services import api_token_create
from learnweek.accounts.staff_import import staff_import
from learnweek.audit.models import AuditEntry
from learnweek.core.errors import DomainError, RowErrors
from learnweek.core.tabular import read_table
from learnweek.orgs.models import InstitutionType, Unit
from learnweek.orgs.selectors import within
from learnweek.orgs.services import institution_create
from tests.factories import PASSWORD, StaffFactory
from tests.helpers import CITY, COUNTY, PROVINCE, SIBLING_COUNTY, unit

HEADER = ["单位代码", "单位名称", "姓名", "手机号", "邮箱", "角色"]
NEW_PASSWORD = "Jilin-learn-2026!"


def xlsx(rows, header=HEADER, name="账号.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def table(rows, header=HEADER):
    upload = xlsx(rows, header)
    return read_table(upload, upload.name)


def sent_code(outbox, phone):
    text = next(text for to, text in reversed(outbox) if to == phone)
    return re.search(r"验证码为(\d{6})", text)[1]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def import_page(client, code, upload):
    return client.post(f"/office/units/{code}/accounts/import/", {"file": upload}, follow=True)


def mobile(n: int) -> str:
    return f"139{n:08d}"


# -- the province's 1,000 accounts -------------------------------------------------------------


def test_a_province_onboards_1000_accounts_from_one_file_and_one_activates_by_code(
    province_admin, sms_outbox, django_capture_on_commit_callbacks
):
    province = unit(PROVINCE)
    units = list(within(Unit.objects.all(), province).exclude(pk=province.pk).order_by("code"))
    assert len(units) >= 60  # 9 prefectures and their counties
    rows = []
    for n in range(1000):
        u = units[n % len(units)]
        by_name = n % 4 == 0  # a quarter name their unit instead of giving its code
        roles = ["填报员", "审核员", "填报员、审核员", "管理员，审核员"][n % 4]
        email = f"staff{n}@jl.example.cn" if n % 10 == 0 else ""
        rows.append(
            ["" if by_name else u.code, u.name if by_name else "", f"职员{n}", mobile(n), email, roles]
        )
    client = signed_in(province_admin)
    before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = import_page(client, PROVINCE, xlsx(rows))
    assert "导入完成：新建 1000 个账号" in response.text
    assert User.objects.count() == before + 1000
    made = User.objects.filter(phone__startswith="139")
    assert made.filter(unit__in=units).count() == 1000
    assert not any(u.has_usable_password() for u in made)  # nobody has a password yet
    entry = AuditEntry.objects.get(action="account.import")
    assert entry.detail["created"] == 1000 and entry.actor_id == province_admin.pk
    assert len(mail.outbox) == 100  # the ones with an e-mail address got their link
    assert all("/accounts/activate/" in m.body and "密码" not in m.subject[:2] for m in mail.outbox)
    # The list shows them as 未激活, never signed in.
    listing = client.get("/office/accounts/?state=inactive")
    assert "共 1000 个账号" in listing.text and "未激活" in listing.text and "从未登录" in listing.text

    # One of them activates by a code to its mobile and signs in with its own password.
    person = made.get(phone=mobile(37))
    assert not Client().login(username=person.username, password=NEW_PASSWORD)
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        page = visitor.post("/accounts/activate/", {"phone": mobile(37)})
    assert "验证码已发送" in page.text
    page = visitor.post(
        "/accounts/activate/",
        {
            "phone": mobile(37),
            "code": sent_code(sms_outbox, mobile(37)),
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert f"账号已激活。请用用户名 {mobile(37)}" in page.text
    assert visitor.login(username=mobile(37), password=NEW_PASSWORD)
    assert visitor.get("/office/").status_code == 200
    assert AuditEntry.objects.filter(action="account.activate", target_id=str(person.pk)).exists()
    person.refresh_from_db()
    assert person.password_changed_at is not None


# -- bad rows ------------------------------------------------------------------------------------


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(city_admin, tree):
    county, sibling = unit(COUNTY), unit(SIBLING_COUNTY)
    for parent in (county, sibling):  # two institutions of one name in the city's subtree
        institution_create(
            actor=None,
            parent=parent,
            code=f"{parent.code}01",
            name="社区学院",
            institution_type=InstitutionType.COMMUNITY_SCHOOL,
        )
    StaffFactory(unit=unit("220200"), phone="13700000001", roles=["reporter"])  # 吉林市, outside
    rows = [
        [COUNTY, "", "好人", "13600000001", "", "填报员"],  # row 2: fine
        ["999999", "", "甲", "13600000002", "", "填报员"],  # 3: unknown unit
        ["220200", "", "乙", "13600000003", "", "填报员"],  # 4: outside the subtree
        [COUNTY, "", "丙", "13600000001", "", "审核员"],  # 5: the mobile of row 2
        [COUNTY, "", "丁", "13700000001", "", "填报员"],  # 6: an account of another city
        [COUNTY, "", "戊", "1234", "not-an-address", "填报员"],  # 7: bad mobile and e-mail
        [COUNTY, "", "己", "13600000007", "", "局长"],  # 8: not a role
        [CITY, "", "庚", "13600000008", "", "管理员"],  # 9: an administrator of its own unit
        ["", "社区学院", "辛", "13600000009", "", "填报员"],  # 10: two units of that name
        [COUNTY, "", "", "13600000010", "", ""],  # 11: no name, no role
    ]
    before = User.objects.count()
    with pytest.raises(RowErrors) as caught:
        staff_import(actor=city_admin, under=unit(CITY), table=table(rows))
    lines = caught.value.errors
    text = "\n".join(lines)
    assert "第3行 单位代码: 没有代码为 999999 的单位" in text
    assert "第4行 单位代码: 220200（吉林市）不在 长春市 及其下级单位中" in text
    assert "第5行 手机号: 13600000001 与第 2 行重复" in text
    assert "第6行 手机号: 13700000001 已被 长春市 以外的账号使用" in text
    assert "第7行 手机号: “1234”不是 11 位手机号码" in text
    assert "第7行 邮箱: “not-an-address”不是有效的电子邮箱地址" in text
    assert "第8行 角色: “局长”不是角色" in text
    assert "第9行 角色: 您不能设长春市的管理员" in text
    assert (
        "第10行 单位名称: “社区学院”在 长春市 下有 2 个同名单位：社区学院（22010401）、社区学院（22010501）"
        in text
    )
    assert "第11行 姓名: 不能为空" in text and "第11行 角色: 不能为空" in text
    assert not any(line.startswith("第2行") for line in lines)
    assert caught.value.summary.startswith("导入失败，未写入任何数据：共 9 行有误")
    assert User.objects.count() == before
    assert not AuditEntry.objects.filter(action="account.import").exists()


def test_the_page_lists_the_errors_and_asks_for_the_file_again(county_admin):
    response = import_page(signed_in(county_admin), COUNTY, xlsx([[COUNTY, "", "甲", "123", "", "填报员"]]))
    assert "第2行 手机号" in response.text and "请重新选择文件" in response.text
    assert not User.objects.filter(full_name="甲").exists()


def test_missing_columns_are_named(county_admin):
    with pytest.raises(RowErrors, match="缺少必需的列：单位代码或单位名称、手机号"):
        staff_import(
            actor=county_admin, under=unit(COUNTY), table=table([["甲", "填报员"]], ["姓名", "角色"])
        )


# -- re-import ---------------------------------------------------------------------------------


def test_a_reimport_updates_the_person_instead_of_making_a_second_account(city_admin):
    staff_import(
        actor=city_admin, under=unit(CITY), table=table([[COUNTY, "", "张三", "13600000001", "", "填报员"]])
    )
    account = User.objects.get(phone="13600000001")
    token = api_token_create(user=account)
    result = staff_import(
        actor=city_admin,
        under=unit(CITY),
        table=table(
            [
                ["", "二道区", "张三丰", "136 0000 0001", "zs@example.cn", "管理员、审核员"],
                [COUNTY, "", "李四", "13600000002", "", "审核员"],
            ]
        ),
    )
    assert (len(result.created), len(result.updated)) == (1, 1)
    assert User.objects.filter(phone="13600000001").count() == 1
    account.refresh_from_db()
    assert (account.full_name, account.email, account.unit.code) == (
        "张三丰",
        "zs@example.cn",
        SIBLING_COUNTY,
    )
    assert account.is_unit_admin and account.is_reviewer and not account.is_reporter
    assert account.username == "13600000001"
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(token)).exists()  # nothing else touched
    again = staff_import(
        actor=city_admin, under=unit(CITY), table=table([[COUNTY, "", "李四", "13600000002", "", "审核员"]])
    )
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 1)


def test_an_administrator_cannot_change_a_peer_administrator_or_itself_by_import(county_admin):
    county_admin.phone = "13600000099"
    county_admin.save()
    peer = StaffFactory(unit=unit(COUNTY), phone="13600000098", roles=["admin"])
    with pytest.raises(RowErrors) as caught:
        staff_import(
            actor=county_admin,
            under=unit(COUNTY),
            table=table(
                [
                    [COUNTY, "", "我", "13600000099", "", "填报员"],
                    [COUNTY, "", "同事", "13600000098", "", "填报员"],
                ]
            ),
        )
    text = "\n".join(caught.value.errors)
    assert "第2行 手机号: 13600000099 是您自己的账号" in text
    assert "第3行 手机号: 13600000098 是朝阳区的管理员账号，只能由上级单位的管理员修改" in text
    peer.refresh_from_db()
    assert peer.is_unit_admin


# -- scope -------------------------------------------------------------------------------------


def test_a_county_cannot_import_into_another_county(county_admin, sibling_county_admin):
    with pytest.raises(RowErrors) as caught:
        staff_import(
            actor=county_admin,
            under=unit(COUNTY),
            table=table([[SIBLING_COUNTY, "", "甲", "13600000001", "", "填报员"]]),
        )
    assert "第2行 单位代码: 220105（二道区）不在 朝阳区 及其下级单位中" in caught.value.errors[0]
    client = signed_in(county_admin)
    assert client.get(f"/office/units/{SIBLING_COUNTY}/accounts/import/").status_code == 404
    assert client.get(f"/office/units/{SIBLING_COUNTY}/accounts/template.xlsx").status_code == 404
    response = import_page(
        client, SIBLING_COUNTY, xlsx([[SIBLING_COUNTY, "", "甲", "13600000001", "", "填报员"]])
    )
    assert response.status_code == 404
    other = StaffFactory(unit=unit(SIBLING_COUNTY), roles=["reporter"])
    assert client.get(f"/office/accounts/{other.pk}/").status_code == 404
    assert client.post(f"/office/accounts/{other.pk}/password-reset/").status_code == 404
    assert other.username not in client.get("/office/accounts/").text
    assert not User.objects.filter(phone="13600000001").exists()
    other.refresh_from_db()
    assert other.has_usable_password()


def test_only_administrators_import(county_reporter):
    with pytest.raises(DomainError, match="只有管理员可以导入账号"):
        staff_import(
            actor=county_reporter,
            under=unit(COUNTY),
            table=table([[COUNTY, "", "甲", "13600000001", "", "填报员"]]),
        )
    assert not User.objects.filter(phone="13600000001").exists()


def test_the_template_has_the_header_and_an_example_the_import_reads(county_admin):
    response = signed_in(county_admin).get(f"/office/units/{COUNTY}/accounts/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert rows[1][:3] == [COUNTY, "朝阳区", "张三"]
    upload = SimpleUploadedFile("t.xlsx", response.content)
    result = staff_import(actor=county_admin, under=unit(COUNTY), table=read_table(upload, upload.name))
    assert result.created[0].unit.code == COUNTY


# -- activation by e-mailed link ---------------------------------------------------------------


def test_an_emailed_link_activates_once(city_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_import(
            actor=city_admin,
            under=unit(CITY),
            table=table([[COUNTY, "", "王五", "13600000005", "ww@example.cn", "填报员"]]),
        )
    (message,) = mail.outbox
    assert message.to == ["ww@example.cn"]
    link = re.search(r"https?://\S+(/accounts/activate/\S+/)", message.body)[1]
    visitor = Client()
    assert "请为账号 13600000005" in visitor.get(link).text
    mismatch = visitor.post(link, {"password1": NEW_PASSWORD, "password2": "other"})
    assert "两次输入的密码不一致" in mismatch.text
    weak = visitor.post(link, {"password1": "12345678", "password2": "12345678"})
    assert "密码不符合要求" in weak.text
    done = visitor.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert "账号已激活" in done.text
    assert visitor.login(username="13600000005", password=NEW_PASSWORD)
    assert "链接无效或已过期" in Client().get(link).text  # used once


# -- password reset ----------------------------------------------------------------------------


def test_self_service_reset_by_code_does_not_say_whether_an_account_exists(
    county_reporter, sms_outbox, django_capture_on_commit_callbacks
):
    county_reporter.phone = "13600000021"
    county_reporter.save()
    token = api_token_create(user=county_reporter)
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        known = visitor.post("/accounts/password-reset/", {"who": "13600000021"})
        unknown = Client().post("/accounts/password-reset/", {"who": "13600000022"})
    sent = "如果该手机号属于一个工作人员账号，验证码已发送"
    assert sent in known.text and sent in unknown.text
    assert [to for to, _ in sms_outbox] == ["13600000021"]  # no message to a number without an account
    # The same per-number limit either way.
    again_known = visitor.post("/accounts/password-reset/", {"who": "13600000021"})
    again_unknown = Client().post("/accounts/password-reset/", {"who": "13600000022"})
    assert "秒后再试" in again_known.text and "秒后再试" in again_unknown.text
    # A wrong code: the resident codes' words; then the right one.
    wrong = Client().post(
        "/accounts/password-reset/",
        {"phone": "13600000022", "code": "123456", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "验证码不正确或已过期，请重新获取。" in wrong.text
    done = visitor.post(
        "/accounts/password-reset/",
        {
            "phone": "13600000021",
            "code": sent_code(sms_outbox, "13600000021"),
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert "密码已重置" in done.text
    assert Client().login(username=county_reporter.username, password=NEW_PASSWORD)
    assert not ApiToken.objects.filter(digest=ApiToken.digest_of(token)).exists()
    entry = AuditEntry.objects.get(action="account.password_reset")
    assert entry.detail == {"by": "短信验证码"}


def test_self_service_reset_by_email_link(county_reporter, django_capture_on_commit_callbacks):
    county_reporter.email = "rep@example.cn"
    county_reporter.save()
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post("/accounts/password-reset/", {"who": "REP@example.cn"})
        unknown = Client().post("/accounts/password-reset/", {"who": "nobody@example.cn"})
    assert "如果该邮箱属于一个工作人员账号" in known.text and "如果该邮箱属于一个工作人员账号" in unknown.text
    (message,) = mail.outbox
    link = re.search(r"https?://\S+(/accounts/password-reset/\S+/)", message.body)[1]
    assert Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302
    assert Client().login(username=county_reporter.username, password=NEW_PASSWORD)
    # An activation link is not a reset link.
    assert "链接无效" in Client().get(link.replace("password-reset", "activate")).text


def test_the_administrator_above_resets_a_password_without_seeing_one(
    county_admin, city_admin, county_reporter, django_capture_on_commit_callbacks
):
    county_reporter.email, county_reporter.phone = "rep@example.cn", "13600000031"
    county_reporter.save()
    token = api_token_create(user=county_reporter)
    victim = signed_in(county_reporter)
    client = signed_in(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/office/accounts/{county_reporter.pk}/password-reset/", follow=True)
    assert "已重置" in page.text and "原密码和 API 令牌已失效" in page.text
    county_reporter.refresh_from_db()
    assert not county_reporter.has_usable_password()
    assert not Client().login(username=county_reporter.username, password=PASSWORD)
    assert not ApiToken.objects.filter(digest=ApiToken.digest_of(token)).exists()
    assert victim.get("/office/").status_code == 302  # the session ended with the password
    assert "/accounts/activate/" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="account.password_reset")
    assert entry.actor_id == county_admin.pk and entry.detail == {"by": "上级管理员"}
    # An administrator's password is reset by the unit above, not by a peer.
    peer = StaffFactory(unit=unit(COUNTY), roles=["admin"])
    refused = client.post(f"/office/accounts/{peer.pk}/password-reset/", follow=True)
    assert "只能由上级单位的管理员重置" in refused.text
    peer.refresh_from_db()
    assert peer.has_usable_password()
    signed_in(city_admin).post(f"/office/accounts/{peer.pk}/password-reset/")
    peer.refresh_from_db()
    assert not peer.has_usable_password()
    assert "重置密码" not in client.get(f"/office/accounts/{county_admin.pk}/").text  # not its own


# -- the accounts page -------------------------------------------------------------------------


def test_the_list_flags_unused_accounts_and_disables_them_in_bulk(county_admin):
    old = timezone.now() - datetime.timedelta(days=120)
    stale = StaffFactory(unit=unit(COUNTY), roles=["reporter"], full_name="老账号", last_login=old)
    never = StaffFactory(unit=unit(COUNTY), roles=["reporter"], full_name="没登录过")
    User.objects.filter(pk=never.pk).update(date_joined=old)
    fresh = StaffFactory(unit=unit(COUNTY), roles=["reporter"], full_name="常用", last_login=timezone.now())
    client = signed_in(county_admin)
    page = client.get("/office/accounts/?state=unused").text
    assert "老账号" in page and "没登录过" in page and "常用" not in page
    assert "久未使用" in page and "从未登录" in page
    # Its own account in the choice refuses the whole choice.
    refused = client.post("/office/accounts/disable/", {"ids": [stale.pk, county_admin.pk]}, follow=True)
    assert "不能停用自己的账号" in refused.text
    stale.refresh_from_db()
    assert stale.is_active
    done = client.post("/office/accounts/disable/", {"ids": [stale.pk, never.pk]}, follow=True)
    assert "已停用 2 个账号" in done.text
    assert set(User.objects.filter(is_active=False).values_list("pk", flat=True)) == {stale.pk, never.pk}
    assert AuditEntry.objects.filter(action="account.disable").count() == 2
    fresh.refresh_from_db()
    assert fresh.is_active
    assert "老账号" in client.get("/office/accounts/?state=disabled").text


def test_bulk_disable_of_an_account_outside_the_subtree_changes_nothing(county_admin):
    mine = StaffFactory(unit=unit(COUNTY), roles=["reporter"])
    other = StaffFactory(unit=unit(SIBLING_COUNTY), roles=["reporter"])
    response = signed_in(county_admin).post("/office/accounts/disable/", {"ids": [mine.pk, other.pk]})
    assert response.status_code == 404
    assert User.objects.filter(pk__in=[mine.pk, other.pk], is_active=True).count() == 2


def test_the_list_exports_as_xlsx_and_the_export_is_logged(county_admin, county_reporter):
    county_reporter.phone = "13600000041"
    county_reporter.save()
    response = signed_in(county_admin).get("/office/accounts/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:3] == ["序号", "用户名", "姓名"]
    assert any("13600000041" in row for row in values)
    assert PersonalDataExport.objects.get().what == "工作人员账号名单"
    assert AuditEntry.objects.filter(action="export.personal").exists()
    assert signed_in(county_reporter).get("/office/accounts/export.xlsx").status_code == 404
    assert PersonalDataExport.objects.count() == 1


def test_a_formula_in_a_name_is_exported_as_text(county_admin):
    StaffFactory(unit=unit(COUNTY), roles=["reporter"], full_name="=HYPERLINK(1)")
    response = signed_in(county_admin).get("/office/accounts/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and cells[0].data_type == "s"
