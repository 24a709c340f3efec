"""learnweek export-nominations --campaign SLUG --unit CODE -o DIR"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learnweek.campaigns.cli import campaign_and_unit
from learnweek.nominations.documents import package_files, package_name, package_zip


class Command(BaseCommand):
    help = "写出一个单位在某年度活动中的全部推荐评选材料：汇总表、申报表（docx/xlsx）、盖章扫描件、照片，以及它们的 zip。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="年度活动标识（slug）")
        parser.add_argument("--unit", required=True, help="单位代码")
        parser.add_argument("-o", "--output", required=True, help="输出目录")

    def handle(self, *args, campaign: str, unit: str, output: str, **options):
        the_campaign, the_unit = campaign_and_unit(campaign, unit)
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for item in package_files(the_campaign, the_unit):
            target = folder / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.content)
            count += 1
        if not count:
            raise CommandError(f"{the_unit.name}在“{the_campaign.title}”中没有推荐评选材料。")
        archive = folder / package_name(the_campaign, the_unit)
        archive.write_bytes(package_zip(the_campaign, the_unit))
        self.stdout.write(f"已写出 {count} 个文件到 {folder}，打包为 {archive.name}。")
