from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learnweek.activities.exporters import Fubiao1Exporter
from learnweek.activities.models import Activity
from learnweek.campaigns.models import Campaign
from learnweek.core.errors import NotFound
from learnweek.orgs.selectors import unit_get_by_code, within


class Command(BaseCommand):
    help = "按附表1（示范活动汇总表）格式导出某单位及其下级的活动。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--unit", required=True)
        parser.add_argument("-o", "--output", required=True, type=Path)
        parser.add_argument("--demonstration", action="store_true", help="只导出示范活动")

    def handle(self, *args, campaign: str, unit: str, output: Path, demonstration: bool, **options):
        try:
            target = Campaign.objects.get(slug=campaign)
            root = unit_get_by_code(unit)
        except Campaign.DoesNotExist as exc:
            raise CommandError(f"没有标识为 {campaign} 的年度活动。") from exc
        except NotFound as exc:
            raise CommandError(exc.message) from exc
        activities = within(Activity.objects.filter(campaign=target), root, path_field="unit_path")
        if demonstration:
            activities = activities.filter(is_demonstration=True)
        output.write_bytes(Fubiao1Exporter(target, root, activities, demonstration=demonstration).to_xlsx())
        self.stdout.write(f"已导出 {activities.count()} 项活动到 {output}。")
