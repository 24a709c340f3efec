from pathlib import Path

from django.core.management.base import BaseCommand

from learnweek.activities.exporters import Fubiao1Exporter
from learnweek.activities.models import Activity
from learnweek.campaigns.cli import campaign_and_unit
from learnweek.orgs.selectors import within


class Command(BaseCommand):
    help = "按附表1（示范活动汇总表）格式导出某单位及其下级的活动。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--unit", required=True)
        parser.add_argument("-o", "--output", required=True, type=Path)
        parser.add_argument("--demonstration", action="store_true", help="只导出示范活动")

    def handle(self, *args, campaign: str, unit: str, output: Path, demonstration: bool, **options):
        target, root = campaign_and_unit(campaign, unit)
        activities = within(Activity.objects.filter(campaign=target), root, path_field="unit_path")
        if demonstration:
            activities = activities.filter(is_demonstration=True)
        output.write_bytes(
            Fubiao1Exporter(target, root, activities, demonstration=demonstration).render("xlsx").content
        )
        self.stdout.write(f"已导出 {activities.count()} 项活动到 {output}。")
