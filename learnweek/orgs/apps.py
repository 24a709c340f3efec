from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "learnweek.orgs"
    label = "orgs"
    verbose_name = "单位"
