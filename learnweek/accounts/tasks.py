from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from learnweek.accounts.models import User
from learnweek.accounts.tokens import link_path

SUBJECTS = {"activate": "激活您的工作台账号", "reset": "重置您的工作台密码"}
INTROS = {
    "activate": "已为您开通全民终身学习活动周工作台账号（{unit}）。请打开下面的链接，自己设定密码后即可登录：",
    "reset": "有人（可能是您本人或上级单位管理员）为您的工作台账号（{unit}）申请了重置密码。请打开下面的链接设定新密码：",
}
FOOTER = "链接只能使用一次，{days} 天内有效。登录用户名：{username}。如非本人操作，请忽略本邮件；请勿把链接转给他人。"


@shared_task
def account_link_emails(user_ids: list[int], purpose: str) -> int:
    """E-mail each account its one-time link for ``purpose`` ("activate" or "reset"), made when the
    mail is sent. An account that has meanwhile set its password (activation) gets nothing.
    Returns how many went out."""
    users = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").select_related("unit")
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    base = settings.LEARNWEEK_SITE_URL.rstrip("/")
    messages = []
    for user in users:
        if purpose == "activate" and user.has_usable_password():
            continue
        lines = [
            f"{user.full_name or user.username}：",
            "",
            INTROS[purpose].format(unit=user.unit.name if user.unit else ""),
            base + link_path(user, purpose),
            "",
            FOOTER.format(days=days, username=user.username),
        ]
        messages.append(EmailMessage(subject=SUBJECTS[purpose], body="\n".join(lines), to=[user.email]))
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
