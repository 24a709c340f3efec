from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "learnweek.stats"
    label = "stats"
    verbose_name = "活动开展情况统计"
