from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "learnweek.registrations"
    label = "registrations"
    verbose_name = "报名与签到"
