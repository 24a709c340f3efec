"""Reads of the privacy records."""

from __future__ import annotations

from django.conf import settings

from learnweek.accounts.models import User
from learnweek.core.errors import DomainError
from learnweek.nominations.kinds import spec_for
from learnweek.nominations.models import Nomination
from learnweek.privacy.models import NoticeConsent, PublicationConsent
from learnweek.privacy.notice import current_version
from learnweek.reading.models import Reader

NO_CONSENT = "未取得被推荐人同意公开的书面或短信确认，不能公开展示"


def is_resident(user) -> bool:
    return bool(user.is_authenticated and user.unit_id is None and not user.is_superuser and user.phone)


def needs_consent(user: User) -> bool:
    """A resident who has not agreed to the notice's current version."""
    if not settings.PRIVACY_CONSENT_REQUIRED or not is_resident(user):
        return False
    return not NoticeConsent.objects.filter(user=user, version=current_version()).exists()


def publication_consent_of(nomination: Nomination) -> PublicationConsent | None:
    return PublicationConsent.objects.filter(nomination=nomination).select_related("recorded_by").first()


def publication_refusal(nomination: Nomination) -> DomainError | None:
    """Why ``nomination`` may not be shown on the public showcase, or None: a person needs its
    own consent (个人信息保护法 art. 25)."""
    if spec_for(nomination.requirement).person and publication_consent_of(nomination) is None:
        return DomainError(f"“{nomination.name}”{NO_CONSENT}。", code="publication_consent_missing")
    return None


def family_members(user: User) -> list[str]:
    """The names of the family members on a resident's account (the reading log's readers other
    than the resident): a guardian signs them up with its own phone."""
    return list(Reader.objects.filter(account=user, is_self=False).values_list("name", flat=True))
