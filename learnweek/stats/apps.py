from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "learnweek.stats"
    label = "stats"
    verbose_name = "活动开展情况统计"

    def ready(self) -> None:
        # The statistics table is filled from the live figures and handed in from its own page.
        from learnweek.campaigns.kinds import KindBehaviour, register
        from learnweek.campaigns.models import RequirementKind
        from learnweek.stats.kinds import STATISTICS, table_url

        register(KindBehaviour(RequirementKind.STATISTICS, family=STATISTICS, edit_url=table_url))
