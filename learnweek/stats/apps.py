from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "learnweek.stats"
    label = "stats"
    verbose_name = "活动开展情况统计"

    def ready(self) -> None:
        # The statistics table is filled from the live figures and handed in from its own page.
        from learnweek.campaigns.kinds import KindBehaviour, register
        from learnweek.campaigns.models import RequirementKind
        from learnweek.campaigns.selectors import LIAISON_SOURCES
        from learnweek.stats.kinds import STATISTICS, table_url
        from learnweek.stats.selectors import header_liaisons

        register(KindBehaviour(RequirementKind.STATISTICS, family=STATISTICS, edit_url=table_url))
        # A board names whom to call; the table's header is where a unit writes its liaison.
        LIAISON_SOURCES.append(header_liaisons)
