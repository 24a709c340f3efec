from django.core.management.base import BaseCommand

from learnweek.accounts.demo import DEMO_PASSWORD
from learnweek.demo.load import demo_load_all


class Command(BaseCommand):
    help = "创建演示账号（每个层级一个）、几个演示机构、本年度的演示活动和几个推荐评选对象。需要先运行 load-divisions。"

    def handle(self, *args, **options):
        loaded = demo_load_all()
        for user in loaded.accounts:
            self.stdout.write(f"{user.username:<10} {user.unit.name}")
        self.stdout.write(f"演示账号密码：{DEMO_PASSWORD}")
        campaign = loaded.campaign
        self.stdout.write(f"本年度演示活动：{campaign.title}（{campaign.activities.count()} 项活动）")
        if loaded.nominations:
            self.stdout.write(
                f"演示推荐评选：{loaded.nominations} 个推荐对象（先进单位、先进个人、百姓学习之星）"
            )
        if loaded.materials:
            self.stdout.write("演示成果展：长春市的展板素材（已通过）")
        if loaded.reading:
            self.stdout.write("演示全民阅读：社长荐书、老年人阅读指导目录、一场讲座和一个读书征文")
