from django.core.management.base import BaseCommand, CommandError

from learnweek.campaigns.seeds import campaigns_seed
from learnweek.core.errors import DomainError


class Command(BaseCommand):
    help = "按五份通知创建示例年度活动（2023-national、2023-jilin、2023-shanxi、2023-guangdong、2021-jilin、2022-changchun 等）。可重复运行。"

    def handle(self, *args, **options):
        try:
            created = campaigns_seed()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for campaign in created:
            self.stdout.write(
                f"{campaign.slug:<16} {campaign.title}（{campaign.requirements.count()} 项报送事项）"
            )
        self.stdout.write(f"新建 {len(created)} 个年度活动。")
