from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "learnweek.accounts"
    label = "accounts"
    verbose_name = "账号"
