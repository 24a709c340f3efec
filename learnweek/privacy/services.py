"""Writes of personal-information duties: the resident's consent to the notice, a nominee's
consent to publication, a resident's data download and account deletion, and the retention jobs."""

from __future__ import annotations

import datetime
import io
import json
import secrets
import uuid
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest
from django.utils import timezone

from learnweek.accounts.codes import code_check, code_send
from learnweek.accounts.models import CodePurpose, OneTimeCode, User
from learnweek.audit.services import audit_record
from learnweek.campaigns.access import require
from learnweek.core.errors import DomainError
from learnweek.core.exporters import ListExporter
from learnweek.core.phones import normalise_mobile
from learnweek.core.uploads import check_pdf, check_photo, write_files
from learnweek.nominations.kinds import spec_for
from learnweek.nominations.models import Nomination
from learnweek.orgs.roles import Role
from learnweek.privacy.models import NoticeConsent, PublicationConsent, PublicationMethod
from learnweek.privacy.notice import current_version
from learnweek.privacy.selectors import is_resident
from learnweek.reading.models import Essay, Reader, ReaderProfile, ReadingLog
from learnweek.registrations.models import ACTIVE, Registration
from learnweek.registrations.services import registration_cancel

# An anonymised phone: never a mobile number (normalise_mobile gives digits only), unique per
# registration (its id), so the one-registration-per-person rule still holds.
ANON_PREFIX = "anon"
ANON_NAME = "已注销用户"


def _masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


# -- the notice ---------------------------------------------------------------------------------


@transaction.atomic
def consent_give(
    *, user: User, version: str | None = None, channel: str = "web", request: HttpRequest | None = None
) -> NoticeConsent:
    """Record that ``user`` agreed (同意) to the notice's current version. Agreeing to any other
    version is refused: the resident must have read the text that now applies."""
    if not is_resident(user):
        raise DomainError("只有居民账号需要同意个人信息处理规则。", code="not_resident")
    current = current_version()
    if version is not None and version != current:
        raise DomainError(
            f"个人信息处理告知已更新为 {current} 版，请阅读新版本后再同意。", code="consent_version"
        )
    consent, created = NoticeConsent.objects.get_or_create(
        user=user, version=current, defaults={"given_at": timezone.now(), "channel": channel}
    )
    if created:
        audit_record(
            "privacy.consent",
            actor=user,
            target=user,
            target_label=f"居民 {_masked(user.phone)}",
            detail={"version": current, "channel": channel},
            request=request,
        )
    return consent


# How new an account must be to count as made by the sign-in being declined.
FRESH_ACCOUNT = datetime.timedelta(minutes=30)


@transaction.atomic
def consent_decline(*, user: User) -> bool:
    """The resident declined: an account made by this very sign-in, with nothing in it and no
    consent ever given, is removed (nothing is kept of the visit); True if it was. An account that
    agreed to an earlier version keeps what it has until the resident deletes it."""
    if not is_resident(user) or NoticeConsent.objects.filter(user=user).exists():
        return False
    if user.date_joined < timezone.now() - FRESH_ACCOUNT:  # an account from an earlier visit stays
        return False
    holds = (
        Registration.objects.filter(resident=user).exists()
        or Reader.objects.filter(account=user).exists()
        or Essay.objects.filter(account=user).exists()
        or ReaderProfile.objects.filter(account=user).exists()
    )
    if holds:
        return False
    pk = user.pk
    user.api_tokens.all().delete()
    user.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple_history: no "deleted" row
    user.delete()
    User.history.filter(id=pk).delete()
    return True


# -- publication on the showcase (art. 25) ----------------------------------------------------


def _publication_guard(actor: User | None, nomination: Nomination) -> Nomination:
    nomination = (
        Nomination.objects.select_for_update()
        .select_related("requirement__campaign", "unit")
        .get(pk=nomination.pk)
    )
    require(
        actor,
        nomination.requirement.campaign,
        nomination.unit,
        [Role.REPORTER, Role.REVIEWER],
        "记录公开展示同意",
    )
    if not spec_for(nomination.requirement).person:
        raise DomainError(f"“{nomination.name}”不是个人，公开展示无需个人同意。", code="not_a_person")
    if PublicationConsent.objects.filter(nomination=nomination).exists():
        raise DomainError(f"已记录“{nomination.name}”的公开展示同意。", code="consent_exists")
    return nomination


def _record(
    actor: User | None, nomination: Nomination, method: str, request: HttpRequest | None, **fields: Any
) -> PublicationConsent:
    consent = PublicationConsent(
        nomination=nomination, method=method, recorded_by=actor, recorded_at=timezone.now(), **fields
    )
    return consent


@transaction.atomic
def publication_consent_form(
    *, actor: User | None, nomination: Nomination, upload: IO[bytes], request: HttpRequest | None = None
) -> PublicationConsent:
    """The nominee's signed consent form, as a PDF or a photo (JPEG/PNG), checked by its content."""
    nomination = _publication_guard(actor, nomination)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.lstrip().startswith(b"%PDF-"):
        pdf = check_pdf(upload, label="同意书")
        content, name, extension = pdf.content, pdf.name, "pdf"
    else:
        try:
            photo = check_photo(upload)
        except DomainError as exc:
            raise DomainError(
                "同意书须为 PDF 或照片（JPEG、PNG），按文件内容判断：" + exc.message, code="consent_file"
            ) from exc
        content, name, extension = photo.content, photo.name, "jpg" if photo.format == "JPEG" else "png"
    consent = _record(actor, nomination, PublicationMethod.FORM, request, document_name=name[:120])
    write_files((consent.document, f"{uuid.uuid4().hex}.{extension}", content))
    consent.save()
    audit_record(
        "privacy.publication_consent",
        actor=actor,
        target=nomination,
        target_label=f"推荐：{nomination.name}",
        detail={"method": "form", "file": name[:120]},
        request=request,
    )
    return consent


def publication_code_send(*, actor: User | None, nomination: Nomination, phone: str) -> str:
    """Send the nominee (at ``phone``, the number the nominee gives) a code whose text says what
    is to be published; the masked number."""
    with transaction.atomic():
        _publication_guard(actor, nomination)
    phone = _nominee_number(nomination, phone)
    phone = code_send(phone=phone, purpose=CodePurpose.PUBLICATION)
    return _masked(phone)


def _nominee_number(nomination: Nomination, phone: str) -> str:
    """The code goes only to the mobile number on the nominee's own form: a number typed here
    that differs from it (the staff member's own, say) would confirm nobody's consent."""
    phone = normalise_mobile(phone)
    try:
        on_file = normalise_mobile(nomination.phone or "")
    except DomainError:
        on_file = ""
    if not on_file:
        raise DomainError(
            "申报表中没有被推荐人的手机号，请先在申报表“联系电话”中填写其手机号，或上传其签字的同意书。",
            code="nominee_phone_missing",
        )
    if phone != on_file:
        raise DomainError(
            f"验证码只能发送到申报表中被推荐人本人的手机号（{_masked(on_file)}）。",
            code="nominee_phone_mismatch",
        )
    return phone


def publication_code_confirm(
    *,
    actor: User | None,
    nomination: Nomination,
    phone: str,
    code: str,
    request: HttpRequest | None = None,
) -> PublicationConsent:
    """The code the nominee read out to the staff member: consent recorded. A wrong try is counted
    (as with sign-in codes), so the check is outside the recording transaction."""
    phone = _nominee_number(nomination, phone)
    with transaction.atomic():
        _publication_guard(actor, nomination)
    code_check(phone=phone, code=code, purpose=CodePurpose.PUBLICATION)
    with transaction.atomic():
        nomination = _publication_guard(actor, nomination)
        consent = _record(actor, nomination, PublicationMethod.SMS, request, phone_masked=_masked(phone))
        consent.save()
        audit_record(
            "privacy.publication_consent",
            actor=actor,
            target=nomination,
            target_label=f"推荐：{nomination.name}",
            detail={"method": "sms", "phone": _masked(phone)},
            request=request,
        )
    return consent


# -- a resident's data ------------------------------------------------------------------------


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def resident_data(user: User) -> dict[str, list[dict[str, Any]]]:
    """Everything the site keeps about ``user``, as sections of rows."""
    account = [
        {
            "姓名": user.full_name,
            "手机号码": user.phone,
            "注册时间": _local(user.date_joined),
            "最近登录": _local(user.last_login),
        }
    ]
    consents = [
        {"告知版本": c.version, "同意时间": _local(c.given_at), "方式": c.channel}
        for c in NoticeConsent.objects.filter(user=user).order_by("given_at")
    ]
    registrations = [
        {
            "活动": r.activity.name,
            "开始时间": _local(r.activity.start),
            "姓名": r.name,
            "手机号码": r.phone,
            "状态": r.get_status_display(),
            "报名时间": _local(r.created_at),
            "签到时间": _local(r.checked_in_at),
        }
        for r in Registration.objects.filter(resident=user).select_related("activity").order_by("created_at")
    ]
    readers = list(Reader.objects.filter(account=user))
    family = [
        {"称呼": r.name, "年龄段": r.get_age_group_display(), "本人": "是" if r.is_self else ""}
        for r in readers
    ]
    reading = [
        {
            "读者": log.reader.name,
            "书名": log.book_title,
            "作者": log.book_author,
            "状态": log.get_status_display(),
            "读过遍数": log.times_read,
            "笔记": log.notes,
            "读完日期": "、".join(str(f.on) for f in log.finishes.all()),
        }
        for log in ReadingLog.objects.filter(reader__account=user)
        .select_related("reader", "book")
        .prefetch_related("finishes")
    ]
    essays = [
        {"征文": e.call.title, "题目": e.title, "正文": e.body, "提交时间": _local(e.submitted_at)}
        for e in Essay.objects.filter(account=user).select_related("call")
    ]
    profile = ReaderProfile.objects.filter(account=user).select_related("region").first()
    profiles = (
        [
            {
                "所在地区": profile.region.name if profile.region else "",
                "年龄段": profile.get_age_group_display(),
                "兴趣": profile.interests,
            }
        ]
        if profile
        else []
    )
    return {
        "账号": account,
        "同意记录": consents,
        "报名": registrations,
        "家庭成员": family,
        "阅读记录": reading,
        "阅读资料": profiles,
        "读后感": essays,
    }


class ResidentDataExporter(ListExporter):
    """The resident's data as one printable table (类别, 序号, 项目, 内容), through the exporter
    contract, so every cell is text and never a formula."""

    filename = "我的数据"

    def __init__(self, data: dict[str, list[dict[str, Any]]]) -> None:
        self.data = data

    def title(self) -> str:
        return "我的数据"

    def header(self) -> list[str]:
        return ["类别", "序号", "项目", "内容"]

    def rows(self) -> Iterator[list[Any]]:
        for section, rows in self.data.items():
            if not rows:
                yield [section, "", "", "（无）"]
            for number, row in enumerate(rows, start=1):
                for item, value in row.items():
                    yield [section, number, item, value]


def resident_export(*, user: User, request: HttpRequest | None = None) -> bytes:
    """A zip of the resident's data as 我的数据.json and 我的数据.xlsx; recorded in the audit log."""
    data = resident_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("我的数据.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("我的数据.xlsx", ResidentDataExporter(data).to_xlsx())
    audit_record(
        "privacy.export",
        actor=user,
        target=user,
        target_label=f"居民 {_masked(user.phone)}",
        detail={section: len(rows) for section, rows in data.items()},
        request=request,
    )
    return buffer.getvalue()


def _anonymise_registrations(queryset) -> int:
    """Give the registrations of ``queryset`` an anonymous phone (``anon<id>``), their history
    too; unique per registration, so the one-per-person rule holds."""
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    anon = Concat(Value(ANON_PREFIX), Cast("id", CharField()), output_field=CharField())
    Registration.objects.filter(pk__in=ids).update(phone=anon)
    Registration.history.filter(id__in=ids).update(phone=anon)
    return len(ids)


@transaction.atomic
def account_delete(*, user: User, request: HttpRequest | None = None) -> None:
    """Delete a resident's account: sign-ups for activities still to come are cancelled (their
    seats go to the waiting list); the account, its registrations, family members, reading notes
    and essays lose every personal field, kept anonymously so that the statistics keep their
    counts; the account can no longer sign in (the same number signs in as a new, empty account)."""
    if not is_resident(user):
        raise DomainError("只有居民账号可以在这里注销。", code="not_resident")
    user = User.objects.select_for_update().get(pk=user.pk)
    masked = _masked(user.phone)
    now = timezone.now()
    for registration in Registration.objects.filter(resident=user, status__in=ACTIVE, activity__end__gt=now):
        if registration.can_cancel():
            registration_cancel(resident=user, registration=registration)
    registrations = Registration.objects.filter(resident=user)
    ids = list(registrations.values_list("pk", flat=True))
    Registration.objects.filter(pk__in=ids).update(name=ANON_NAME)
    Registration.history.filter(id__in=ids).update(name=ANON_NAME)
    _anonymise_registrations(Registration.objects.filter(pk__in=ids))
    for reader in Reader.objects.filter(account=user):
        reader.name = f"读者{reader.pk}"  # unique on the account whatever the names were
        reader.save(update_fields=["name"])
    ReadingLog.objects.filter(reader__account=user).update(notes="")
    ReaderProfile.objects.filter(account=user).update(interests="")
    Essay.objects.filter(account=user).update(title="（已注销）", body="（作者已注销账号，内容已删除）")
    NoticeConsent.objects.filter(user=user).delete()
    user.api_tokens.all().delete()
    token = secrets.token_hex(8)
    user.username = f"deleted-{token}"
    user.full_name = ""
    user.phone = ""
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    User.history.filter(id=user.pk).update(
        username=f"deleted-{token}", full_name="", phone="", email="", first_name="", last_name=""
    )
    audit_record(
        "account.delete",
        actor=None,
        target=user,
        target_label=f"居民 {masked}（已注销）",
        detail={"registrations": len(ids)},
        request=request,
    )


# -- retention ----------------------------------------------------------------------------------


def codes_purge(*, now: datetime.datetime | None = None) -> int:
    """One-time codes older than a day are removed (they live ten minutes; a day keeps the
    per-day sending limit countable)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=1)
    removed, _ = OneTimeCode.objects.filter(created_at__lt=cutoff).delete()
    return removed


def registration_phones_anonymise(*, now: datetime.datetime | None = None) -> int:
    """Registrations' phone numbers PRIVACY_REGISTRATION_PHONE_MONTHS months after their activity
    ended become ``anon<id>``; names and counts stay for the activity's records."""
    months = settings.PRIVACY_REGISTRATION_PHONE_MONTHS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=round(months * 30.44))
    stale = Registration.objects.filter(activity__end__lt=cutoff).exclude(phone__startswith=ANON_PREFIX)
    with transaction.atomic():
        return _anonymise_registrations(stale)


def retention_run(*, now: datetime.datetime | None = None) -> dict[str, int]:
    return {"codes": codes_purge(now=now), "phones": registration_phones_anonymise(now=now)}
