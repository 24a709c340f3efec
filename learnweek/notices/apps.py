from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "learnweek.notices"
    label = "notices"
    verbose_name = "通知"
