"""learnweek restore FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learnweek.core.backup import restore
from learnweek.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "从备份恢复：先检查整个备份（签名、条目名称和大小、清单与数据），"
        "再在一个事务里替换全部数据和上传文件；任何一步失败，数据和文件都保持原样。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="learnweek backup 写出的 zip")
        parser.add_argument("--yes", action="store_true", help="不再确认，直接替换现有数据")

    def handle(self, *args, file: str, yes: bool, **options):
        if not yes and input("恢复将替换现有的全部数据，继续吗？输入 yes 确认：").strip() != "yes":
            raise CommandError("已取消，未作任何改动。")
        try:
            manifest = restore(Path(file))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已恢复 {sum(manifest['rows'].values())} 行数据、{manifest['files']} 个文件（备份于 {manifest['created']}）。"
        )
