import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learnweek.campaigns.cli import campaign_and_unit
from learnweek.stats.exporters import StatsExporter
from learnweek.stats.selectors import asks_platform, header_for, stats_table


class Command(BaseCommand):
    help = "输出某单位的活动开展情况统计表（实时计算）：JSON，或官方格式的 xlsx / docx。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="年度活动标识，如 2023-jilin")
        parser.add_argument("--unit", required=True, help="单位代码，如 220000")
        parser.add_argument("--format", choices=["json", "xlsx", "docx"], default="json")
        parser.add_argument("-o", "--output", type=Path, help="输出文件；JSON 不给则写到标准输出")
        parser.add_argument("--by-child", action="store_true", help="同时给出每个下级单位的表")

    def handle(
        self, *args, campaign: str, unit: str, format: str, output: Path | None, by_child: bool, **options
    ):
        target, root = campaign_and_unit(campaign, unit)
        table = stats_table(target, root, by_child=by_child)
        if format == "json":
            text = json.dumps(table.as_json(), ensure_ascii=False, indent=2)
            if output is None:
                self.stdout.write(text)
            else:
                output.write_text(text + "\n", encoding="utf-8")
            return
        if output is None:
            raise CommandError(f"导出 {format} 时请用 -o 指定输出文件。")
        exporter = StatsExporter(table, header_for(target, root), with_platform=asks_platform(target, root))
        output.write_bytes(exporter.render(format).content)
        self.stdout.write(f"已导出 {root.name} 的统计表到 {output}。")
