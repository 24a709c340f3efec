"""learnweek backup -o FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learnweek.core.backup import backup
from learnweek.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "备份：全部数据行和它们引用的上传文件，写成一个 zip，附行数和摘要清单，"
        "并用 BACKUP_SIGNING_KEY 签名（恢复时需要同一把密钥）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="备份文件（.zip）")

    def handle(self, *args, output: str, **options):
        try:
            manifest = backup(Path(output))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"已备份 {rows} 行数据、{manifest['files']} 个文件到 {output}。"
            f"签名密钥指纹 {manifest['key']}：恢复时需要同一把 BACKUP_SIGNING_KEY，请与备份分开保管。"
        )
        if manifest["missing"]:
            shown = "、".join(manifest["missing"][:5])
            self.stderr.write(
                f"有 {len(manifest['missing'])} 个文件数据里引用了、存储里却没有，未备份：{shown}"
            )
