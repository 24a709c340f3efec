from django.core.management.base import BaseCommand

from learnweek.campaigns.services import reminders_send


class Command(BaseCommand):
    help = "给截止日期在 N 天内或已逾期、仍未提交的单位发送提醒邮件。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="提醒截止日期在几天之内的事项（默认 3）")

    def handle(self, *args, days: int, **options):
        result = reminders_send(within_days=days)
        self.stdout.write(
            f"待提醒单位 {result['units']} 个，已发送 {result['sent']} 封，"
            f"{result['unreachable']} 个单位没有可用的邮箱。"
        )
