from django.core.management.base import BaseCommand, CommandError

from learnweek.activities.generate import generate
from learnweek.campaigns.models import Campaign


class Command(BaseCommand):
    help = "生成逼真的活动数据（分布在真实的单位树上，大城市更多），用于演示和性能测试。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--activities", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args, campaign: str, activities: int, seed: int, **options):
        try:
            target = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist as exc:
            raise CommandError(f"没有标识为 {campaign} 的年度活动。") from exc
        made = generate(target, activities, seed=seed)
        self.stdout.write(f"已生成 {made} 项活动（{target.title}）。")
