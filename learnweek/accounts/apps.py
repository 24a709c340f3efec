from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "learnweek.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from learnweek.accounts import auth_events

        auth_events.connect()
