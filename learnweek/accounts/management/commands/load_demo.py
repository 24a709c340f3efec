from django.core.management.base import BaseCommand

from learnweek.accounts.demo import DEMO_PASSWORD, demo_load
from learnweek.activities.demo import demo_current_campaign


class Command(BaseCommand):
    help = "创建演示账号（每个层级一个）、几个演示机构和本年度的演示活动。需要先运行 load-divisions。"

    def handle(self, *args, **options):
        for user in demo_load():
            self.stdout.write(f"{user.username:<10} {user.unit.name}")
        self.stdout.write(f"演示账号密码：{DEMO_PASSWORD}")
        campaign = demo_current_campaign()
        self.stdout.write(f"本年度演示活动：{campaign.title}（{campaign.activities.count()} 项活动）")
