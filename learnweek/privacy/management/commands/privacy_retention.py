"""`learnweek privacy-retention`: remove one-time codes older than a day and anonymise the phone
numbers of registrations PRIVACY_REGISTRATION_PHONE_MONTHS months after their activity (also run
daily by Celery beat, ``privacy.tasks.privacy_retention``)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from learnweek.privacy.services import retention_run


class Command(BaseCommand):
    help = "个人信息保存期限：清理超过 1 天的验证码，匿名化活动结束后超过期限的报名手机号。"

    def handle(self, *args, **options):
        done = retention_run()
        months = settings.PRIVACY_REGISTRATION_PHONE_MONTHS
        self.stdout.write(
            f"已清理 {done['codes']} 条验证码；已匿名化 {done['phones']} 条活动结束超过 {months} 个月的报名手机号。"
        )
