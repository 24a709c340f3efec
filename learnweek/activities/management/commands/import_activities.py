from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learnweek.activities.services import activities_import
from learnweek.campaigns.models import Campaign
from learnweek.core.errors import DomainError, RowErrors
from learnweek.orgs.selectors import unit_get_by_code


class Command(BaseCommand):
    help = "导入附表1（示范活动汇总表）格式的 xlsx。任何一行有误则整表不写入，并列出每个错误行。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--campaign", required=True, help="年度活动标识，如 2023-jilin")
        parser.add_argument("--unit", required=True, help="填报单位代码；主办单位在其下级中按名称匹配")
        parser.add_argument("--demonstration", action="store_true", help="标记为示范活动")

    def handle(self, *args, file: Path, campaign: str, unit: str, demonstration: bool, **options):
        if not file.exists():
            raise CommandError(f"找不到文件：{file}")
        try:
            target = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist as exc:
            raise CommandError(f"没有标识为 {campaign} 的年度活动。") from exc
        try:
            with file.open("rb") as source:
                report = activities_import(
                    actor=None,
                    campaign=target,
                    unit=unit_get_by_code(unit),
                    source=source,
                    demonstration=demonstration,
                )
        except RowErrors as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"导入失败，未写入任何数据（{exc.count_text()}）。") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(report.summary())
