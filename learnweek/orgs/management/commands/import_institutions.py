from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learnweek.core.errors import DomainError
from learnweek.core.tabular import pictures_sentence, read_table
from learnweek.orgs.selectors import unit_get_by_code
from learnweek.orgs.services import INSTITUTION_COLUMNS, INSTITUTION_OPTIONAL_COLUMNS, institutions_import


class Command(BaseCommand):
    help = (
        "从 CSV 或 xlsx 导入机构。必需列："
        + "、".join(INSTITUTION_COLUMNS.values())
        + "；可选列："
        + "、".join(INSTITUTION_OPTIONAL_COLUMNS.values())
        + "。任何一行有误则整表不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--under", required=True, help="机构所属的行政区划代码（缺省的上级）")

    def handle(self, *args, file: Path, under: str, **options):
        if not file.exists():
            raise CommandError(f"找不到文件：{file}")
        try:
            parent = unit_get_by_code(under.strip())
            table = read_table(file)
            created = institutions_import(actor=None, under=parent, table=table)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已导入 {len(created)} 个机构到 {parent.name}（{parent.code}）之下。")
        if pictures := table.rows.pictures():
            self.stdout.write(pictures_sentence(pictures))
