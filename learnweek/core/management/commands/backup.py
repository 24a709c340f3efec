"""learnweek backup -o FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from learnweek.core.backup import backup


class Command(BaseCommand):
    help = "备份：全部数据行和它们引用的上传文件，写成一个 zip（附行数清单，恢复时核对）。"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="备份文件（.zip）")

    def handle(self, *args, output: str, **options):
        manifest = backup(Path(output))
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"已备份 {rows} 行数据、{manifest['files']} 个文件到 {output}。")
