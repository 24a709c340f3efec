from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "learnweek.core"
    label = "core"
