from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "learnweek.reading"
    label = "reading"
    verbose_name = "全民阅读与学习"
