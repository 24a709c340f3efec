from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from learnweek.accounts.models import ApiToken, PersonalDataExport, Role, User
from learnweek.orgs.selectors import get_in_scope, scope_filter


def staff_visible_to(user: User) -> QuerySet[User]:
    """Staff accounts of the units in the user's subtree."""
    staff = User.objects.filter(unit__isnull=False).select_related("unit")
    return scope_filter(staff, user, unit_field="unit").order_by("unit__path", "username")


def staff_get_visible(user: User, pk: int) -> User:
    return get_in_scope(User.objects.filter(unit__isnull=False), user, unit_field="unit", pk=pk)


def user_for_api_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(digest=ApiToken.digest_of(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or (now - token.last_used).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


def personal_exports_visible_to(user: User) -> QuerySet[PersonalDataExport]:
    """Exports holding personal data taken by staff of the administrator's subtree."""
    if not user.has_role(Role.ADMIN):
        return PersonalDataExport.objects.none()
    return scope_filter(PersonalDataExport.objects.select_related("actor", "unit"), user, unit_field="unit")
