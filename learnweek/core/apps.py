from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "learnweek.core"
    label = "core"

    def ready(self) -> None:
        from learnweek.core import checks  # noqa: F401  (registers the system checks)
