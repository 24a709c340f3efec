from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "learnweek.campaigns"
    label = "campaigns"
    verbose_name = "年度活动"
