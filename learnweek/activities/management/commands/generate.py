import datetime

from django.core.management.base import BaseCommand, CommandError

from learnweek.activities.generate import generate
from learnweek.campaigns.models import Campaign


class Command(BaseCommand):
    help = "生成逼真的活动数据（分布在真实的单位树上，大城市更多），用于演示和性能测试。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--activities", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--if-empty", action="store_true", help="该年度活动已有活动时不再生成")
        parser.add_argument(
            "--from", dest="start", type=datetime.date.fromisoformat, help="起始日期（默认该年6月1日）"
        )
        parser.add_argument("--days", type=int, default=183, help="分布在多少天内（默认183）")

    def handle(
        self, *args, campaign: str, activities: int, seed: int, if_empty: bool, start, days, **options
    ):
        try:
            target = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist as exc:
            raise CommandError(f"没有标识为 {campaign} 的年度活动。") from exc
        if if_empty and target.activities.exists():
            self.stdout.write(f"{target.title} 已有活动，未再生成。")
            return
        made = generate(target, activities, seed=seed, start=start, days=days)
        self.stdout.write(f"已生成 {made} 项活动（{target.title}）。")
