"""`learnweek sms-templates`: the text-message templates as they are filed with a provider — name,
type, text, variables with their longest length, purpose — and which have a code configured."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from learnweek.core.sms import TEMPLATES


class Command(BaseCommand):
    help = "列出短信模板（用于向短信服务商报备）：名称、类型、内容、变量及其最大长度、用途。"

    def handle(self, *args, **options):
        self.stdout.write(f"短信签名：{settings.SMS_SIGNATURE}\n")
        for template in TEMPLATES.values():
            code = settings.SMS_TEMPLATE_CODES.get(template.key, "（未配置）")
            variables = "，".join(
                f"{name}（{'仅数字' if name in template.digits else '文本'}，≤{size} 字）"
                for name, size in template.variables.items()
            )
            self.stdout.write(
                f"{template.key}  模板代码：{code}\n  名称：{template.name}\n  类型：{template.kind}\n"
                f"  内容：{template.text}\n  变量：{variables}\n  用途：{template.purpose}\n"
            )
