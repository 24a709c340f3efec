"""learnweek export-materials --campaign SLUG --unit CODE -o FILE.zip"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learnweek.campaigns.cli import campaign_and_unit
from learnweek.campaigns.packages import package_zip, packaged_submissions


class Command(BaseCommand):
    help = "把一个单位在某年度活动中报送的全部材料（工作方案、展板素材、工作总结、典型案例、宣传材料）打包为 zip：每项材料一个 Word 文档，照片按“序号-说明.jpg”命名。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="年度活动标识（slug）")
        parser.add_argument("--unit", required=True, help="单位代码")
        parser.add_argument("-o", "--output", required=True, help="输出的 zip 文件")

    def handle(self, *args, campaign: str, unit: str, output: str, **options):
        the_campaign, the_unit = campaign_and_unit(campaign, unit)
        materials = packaged_submissions(the_campaign, the_unit.pk)
        if not materials:
            raise CommandError(f"{the_unit.name}在“{the_campaign.title}”中没有报送材料。")
        target = Path(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(package_zip(the_campaign, the_unit.pk))
        self.stdout.write(f"已打包 {the_unit.name}的 {len(materials)} 项材料：{target}")
