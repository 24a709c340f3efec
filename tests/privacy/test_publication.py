"""Publishing a person on the public showcase needs the person's own consent (个人信息保护法
art. 25): a signed form uploaded (checked by content) or a text-message code the nominee reads
out to the staff member. Without it the selection that publishes is refused with the reason and
the showcase leaves the person out."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learnweek.audit.models import AuditEntry
from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.services import campaign_create, campaign_set_status, requirement_create
from learnweek.core.errors import DomainError
from learnweek.nominations import services
from learnweek.nominations.models import DecisionAction, NominationState
from learnweek.orgs.models import UnitKind
from learnweek.privacy.models import PublicationConsent
from learnweek.privacy.services import publication_consent_form
from tests.factories import StaffFactory
from tests.helpers import PROVINCE, YEAR, pdf_file, photo_file, unit
from tests.nominations.helpers import PERSON_VALUES, UNIT_VALUES

pytestmark = pytest.mark.django_db
REFUSAL = "未取得被推荐人同意公开的书面或短信确认，不能公开展示"


@pytest.fixture
def national(tree):
    campaign = campaign_create(
        actor=None, issuing_unit=unit("000000"), year=YEAR, slug="cn-nom", title="全国活动"
    )
    campaign_set_status(actor=None, campaign=campaign, status="published")
    return campaign


def _requirement(campaign, kind):
    return requirement_create(
        actor=None,
        campaign=campaign,
        kind=kind,
        title=f"全国{kind}",
        applies_to=[UnitKind.PROVINCE],
        deadline=datetime.date(YEAR, 12, 31),
        quota_per_unit=5,
        publish_winners=True,
    )


@pytest.fixture
def reporter(tree):
    return StaffFactory(unit=unit(PROVINCE), roles=["reporter"])


@pytest.fixture
def star(national, reporter):
    nomination = services.nomination_create(
        actor=reporter,
        requirement=_requirement(national, RequirementKind.LEARNING_STAR),
        unit=unit(PROVINCE),
        **(PERSON_VALUES | {"name": "刘桂芳"}),
    )
    services.nomination_submit(actor=reporter, nomination=nomination)
    return nomination


def _showcase(client) -> str:
    return client.get(reverse("public:showcase") + f"?year={YEAR}").content.decode()


def test_without_consent_the_selection_is_refused_and_nothing_is_shown(client, star, ministry_admin):
    with pytest.raises(DomainError, match=REFUSAL):
        services.nomination_decide(actor=ministry_admin, nomination=star, action=DecisionAction.RECOMMEND)
    star.refresh_from_db()
    assert star.state == NominationState.IN_REVIEW
    assert "刘桂芳" not in _showcase(client)
    # One selected before the rule (or by any other path) stays off the showcase too.
    type(star).objects.filter(pk=star.pk).update(state=NominationState.APPROVED, at_unit=None)
    assert "刘桂芳" not in _showcase(client)
    assert client.get(reverse("public:showcase_item", args=[star.pk])).status_code == 404


def test_the_back_office_shows_the_reason_on_the_refused_selection(client, star, ministry_admin):
    client.force_login(ministry_admin)
    response = client.post(
        reverse("backoffice:nomination_act", args=[star.pk]),
        {"action": "recommend", "comment": "同意"},
        follow=True,
    )
    assert REFUSAL in response.content.decode()
    page = client.get(reverse("backoffice:nomination", args=[star.pk])).content.decode()
    assert "未取得，评定后不能公开展示" in page


def test_a_signed_form_lets_the_person_be_published(client, star, reporter, ministry_admin):
    client.force_login(reporter)
    url = reverse("backoffice:nomination_consent", args=[star.pk])
    fake = SimpleUploadedFile("同意书.pdf", b"just text, not a PDF", "application/pdf")
    refused = client.post(url, {"action": "upload", "document": fake})
    assert "同意书须为 PDF 或照片" in refused.content.decode()
    assert not PublicationConsent.objects.exists()
    client.post(url, {"action": "upload", "document": photo_file("签字同意书.jpg")})
    consent = PublicationConsent.objects.get(nomination=star)
    assert consent.method == "form" and consent.document_name == "签字同意书.jpg"
    assert AuditEntry.objects.filter(action="privacy.publication_consent", target_id=str(star.pk)).exists()
    assert client.get(reverse("backoffice:nomination_consent_document", args=[star.pk])).status_code == 200
    services.nomination_decide(actor=ministry_admin, nomination=star, action=DecisionAction.RECOMMEND)
    assert "刘桂芳" in _showcase(client)


def test_a_text_message_code_read_out_by_the_nominee_is_consent(
    client, star, reporter, ministry_admin, texts
):
    client.force_login(reporter)
    url = reverse("backoffice:nomination_consent", args=[star.pk])
    sent = texts.sent(client.post, url, {"action": "send", "phone": "13804310001"}).content.decode()
    assert "验证码已发送至 138****0001" in sent
    phone, text = texts.outbox[-1]
    assert phone == "13804310001" and "拟公开您的姓名、照片和事迹" in text
    wrong = client.post(url, {"action": "confirm", "phone": "13804310001", "code": "000000"})
    assert "验证码" in wrong.content.decode() and not PublicationConsent.objects.exists()
    client.post(url, {"action": "confirm", "phone": "13804310001", "code": texts.last_code()})
    consent = PublicationConsent.objects.get(nomination=star)
    assert consent.method == "sms" and consent.phone_masked == "138****0001"
    services.nomination_decide(actor=ministry_admin, nomination=star, action=DecisionAction.RECOMMEND)
    assert "刘桂芳" in _showcase(client)
    assert "已取得同意：短信验证码确认" in client.get(url).content.decode()


def test_a_unit_needs_no_personal_consent(client, national, reporter, ministry_admin):
    nomination = services.nomination_create(
        actor=reporter,
        requirement=_requirement(national, RequirementKind.ADVANCED_UNIT),
        unit=unit(PROVINCE),
        **(UNIT_VALUES | {"name": "吉林省社区教育学院"}),
    )
    services.nomination_submit(actor=reporter, nomination=nomination)
    services.nomination_decide(actor=ministry_admin, nomination=nomination, action=DecisionAction.RECOMMEND)
    nomination.refresh_from_db()
    assert nomination.state == NominationState.APPROVED
    client.force_login(reporter)
    assert client.get(reverse("backoffice:nomination_consent", args=[nomination.pk])).status_code == 404


def test_another_unit_cannot_record_a_consent(client, star, tree):
    other = StaffFactory(unit=unit("110000"), roles=["reporter"])
    client.force_login(other)
    url = reverse("backoffice:nomination_consent", args=[star.pk])
    assert client.get(url).status_code == 404
    with pytest.raises(DomainError):
        publication_consent_form(actor=other, nomination=star, upload=pdf_file())
    assert client.post(url, {"action": "upload", "document": pdf_file()}).status_code == 404
    assert not PublicationConsent.objects.exists()
