from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from learnweek.accounts.models import ApiToken, PersonalDataExport, User
from learnweek.audit.models import AuditEntry
from learnweek.core.errors import Unauthenticated
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import get_in_scope, scope_filter, within_q


def staff_visible_to(user: User) -> QuerySet[User]:
    """Staff accounts of the units in the user's subtree."""
    staff = User.objects.filter(unit__isnull=False).select_related("unit")
    return scope_filter(staff, user, unit_field="unit").order_by("unit__path", "username")


def staff_get_visible(user: User, pk: int) -> User:
    return get_in_scope(User.objects.filter(unit__isnull=False), user, unit_field="unit", pk=pk)


def api_token_check(raw: str) -> ApiToken:
    """The token ``raw``, with its user, if it may still be used; ``Unauthenticated`` saying why
    not otherwise: unknown, its account deactivated, its password changed since, or expired."""
    token = (
        ApiToken.objects.select_related("user", "user__unit").filter(digest=ApiToken.digest_of(raw)).first()
    )
    if token is None:
        raise Unauthenticated("令牌无效，请重新换取令牌。", code="token_invalid")
    now = timezone.now()
    refusal = token.refusal(now)
    if refusal is not None:
        code, message = refusal
        raise Unauthenticated(message, code=code)
    if token.last_used is None or (now - token.last_used).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (each user sees and revokes only its own)."""
    return ApiToken.objects.filter(user=user).select_related("user").order_by("-created", "-pk")


def personal_exports_visible_to(user: User) -> QuerySet[PersonalDataExport]:
    """Exports holding personal data taken by staff of the administrator's subtree."""
    if not user.has_role(Role.ADMIN):
        return PersonalDataExport.objects.none()
    return scope_filter(PersonalDataExport.objects.select_related("actor", "unit"), user, unit_field="unit")


def audit_entries_visible_to(user: User) -> QuerySet[AuditEntry]:
    """The audit log is read by the 审计管理员 only (and the superuser), each its unit's subtree;
    an auditor of a top-level unit also reads the entries that belong to no unit (residents, the
    system, the superuser). Everyone else reads nothing."""
    if not user.is_active:
        return AuditEntry.objects.none()
    if user.is_superuser:
        return AuditEntry.objects.all()
    if not user.is_auditor or user.unit is None:
        return AuditEntry.objects.none()
    scope = within_q(user.unit, path_field="unit_path")
    if user.unit.depth == 1:
        scope |= Q(unit_path="")
    return AuditEntry.objects.filter(scope)


# -- the accounts page: activation state, last sign-in, unused accounts --------------------------

STAFF_STATES = {
    "": "全部",
    "inactive": "未激活",
    "unused": "久未使用",
    "disabled": "已停用",
}


def unused_q(since: datetime.datetime) -> Q:
    """Accounts not signed in since ``since``; one never signed in counts from its creation."""
    return Q(last_login__lt=since) | Q(last_login__isnull=True, date_joined__lt=since)


def staff_filtered(staff: QuerySet[User], *, state: str = "", query: str = "") -> QuerySet[User]:
    """``staff`` (already in scope) narrowed to a state of ``STAFF_STATES`` and a search of the
    username, name, mobile or unit name; each account marked ``is_unused`` and ``is_activated``."""
    since = timezone.now() - datetime.timedelta(days=settings.ACCOUNT_UNUSED_DAYS)
    staff = staff.annotate(
        is_unused=Case(When(unused_q(since), then=Value(True)), default=Value(False)),
        is_activated=Case(
            When(password__startswith=UNUSABLE_PASSWORD_PREFIX, then=Value(False)), default=Value(True)
        ),
    )
    if state == "inactive":
        staff = staff.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX, is_active=True)
    elif state == "unused":
        staff = staff.filter(unused_q(since), is_active=True)
    elif state == "disabled":
        staff = staff.filter(is_active=False)
    if query:
        staff = staff.filter(
            Q(username__icontains=query)
            | Q(full_name__contains=query)
            | Q(phone__startswith=query)
            | Q(unit__name__contains=query)
        )
    return staff
