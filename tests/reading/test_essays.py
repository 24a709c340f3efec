"""Essay calls (读书征文): one essay per resident, within the length limit and the deadline."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learnweek.core.errors import DomainError
from learnweek.reading import services
from learnweek.reading.models import Essay
from tests.helpers import PROVINCE, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(tree):
    return services.essay_call_create(
        actor=None,
        unit=unit(PROVINCE),
        title="我与一本书的故事",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        max_chars=200,
        published=True,
    )


def test_an_essay_at_the_limit_passes_and_one_over_is_refused(call, make_resident):
    resident = make_resident()
    with pytest.raises(DomainError, match="正文不超过 200 字（现有 201 字）"):
        services.essay_submit(account=resident, call=call, title="读《红楼梦》", body="读" * 201)
    assert not Essay.objects.exists()
    services.essay_submit(account=resident, call=call, title="读《红楼梦》", body="读 " * 200)
    services.essay_submit(account=resident, call=call, title="再读《红楼梦》", body="再读")
    assert Essay.objects.get().title == "再读《红楼梦》"  # sent again: replaced, still one


def test_a_closed_call_refuses(call, make_resident):
    call.deadline = timezone.localdate() - datetime.timedelta(days=1)
    call.save()
    with pytest.raises(DomainError, match="已于 .* 截止"):
        services.essay_submit(account=make_resident(), call=call, title="晚了", body="晚了")


def test_essays_through_the_page(client, call, make_resident, province_admin):
    page = reverse("public:essay_call", args=[call.pk])
    assert "登录后投稿" in client.get(page).content.decode()
    client.force_login(make_resident())
    refused = client.post(page, {"title": "", "body": "好" * 201})
    assert (
        refused.status_code == 400
        and "请填写题目；正文不超过 200 字（现有 201 字）" in refused.content.decode()
    )
    client.post(page, {"title": "我的书", "body": "好书"})
    assert Essay.objects.count() == 1
    client.force_login(province_admin)
    staff = client.get(reverse("backoffice:essay_call", args=[call.pk])).content.decode()
    assert "我的书" in staff and "138****" in staff
