from django.core.management.base import BaseCommand

from learnweek.accounts.demo import DEMO_PASSWORD, demo_load
from learnweek.activities.demo import demo_current_campaign
from learnweek.materials.demo import demo_materials
from learnweek.nominations.demo import demo_nominations
from learnweek.reading.demo import demo_reading


class Command(BaseCommand):
    help = "创建演示账号（每个层级一个）、几个演示机构、本年度的演示活动和几个推荐评选对象。需要先运行 load-divisions。"

    def handle(self, *args, **options):
        for user in demo_load():
            self.stdout.write(f"{user.username:<10} {user.unit.name}")
        self.stdout.write(f"演示账号密码：{DEMO_PASSWORD}")
        campaign = demo_current_campaign()
        self.stdout.write(f"本年度演示活动：{campaign.title}（{campaign.activities.count()} 项活动）")
        made = demo_nominations()
        if made:
            self.stdout.write(f"演示推荐评选：{made} 个推荐对象（先进单位、先进个人、百姓学习之星）")
        if demo_materials():
            self.stdout.write("演示成果展：长春市的展板素材（已通过）")
        if demo_reading():
            self.stdout.write("演示全民阅读：社长荐书、老年人阅读指导目录、一场讲座和一个读书征文")
