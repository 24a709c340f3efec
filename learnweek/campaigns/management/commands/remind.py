from django.core.management.base import BaseCommand

from learnweek.campaigns.services import DEADLINE_THRESHOLDS, deadline_notices_send


class Command(BaseCommand):
    help = "通知截止日期在 7 天、1 天之内仍未提交的单位（站内通知，有邮箱的同时发邮件）；每个阈值只通知一次。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            action="append",
            help="提前几天通知（可重复，默认 7 和 1）",
        )

    def handle(self, *args, days: list[int] | None, **options):
        result = deadline_notices_send(thresholds=tuple(days or DEADLINE_THRESHOLDS))
        self.stdout.write(result.message())
