from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "learnweek.activities"
    label = "activities"
    verbose_name = "活动"
