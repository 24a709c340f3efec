from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from learnweek.notices.models import Notice

FOOTER = "此邮件由全民终身学习活动周系统发出；请登录系统查看和办理。"


def _subject(notice: Notice) -> str:
    """One line, whatever the title held: no header can be injected through it."""
    return " ".join(f"【{notice.get_kind_display()}】{notice.title}".split())[:200]


@shared_task
def send_notice_emails(notice_ids: list[int]) -> int:
    """E-mail the notices not yet e-mailed (plain text, one message per account). Running twice
    sends nothing twice. Returns how many went out."""
    notices = list(
        Notice.objects.filter(pk__in=notice_ids, emailed_at=None).exclude(email="").select_related("unit")
    )
    if not notices:
        return 0
    messages = []
    for notice in notices:
        lines = [f"{notice.unit.name}：", "", notice.body or notice.title]
        if notice.link:
            lines += ["", f"系统内位置：{notice.link}"]
        lines += ["", FOOTER]
        messages.append(EmailMessage(subject=_subject(notice), body="\n".join(lines), to=[notice.email]))
    sent = get_connection().send_messages(messages) or 0
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
    return sent
