"""learnweek office-fonts"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from learnweek.core import office


class Command(BaseCommand):
    help = (
        "PDF 用哪些字体：列出公文和表格里写的每个字体名（方正小标宋简体、仿宋_GB2312、黑体……）"
        "在本机由 LibreOffice 实际使用的字体（fc-match，按 learnweek/core/fonts.conf），"
        "以及是否找到了 LibreOffice。"
    )

    def handle(self, *args, **options):
        program = office.soffice()
        self.stdout.write(f"LibreOffice：{program or '未安装（不能生成 PDF）'}")
        self.stdout.write(f"字体配置：{office.FONTS_CONF}")
        for name, resolved in office.font_report():
            self.stdout.write(f"{name} → {resolved or '（本机没有 fc-match，无法查询）'}")
