from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "learnweek.nominations"
    label = "nominations"
    verbose_name = "推荐评选"

    def ready(self) -> None:
        # The nomination kinds: several nominees a unit, each with its own form and review on the
        # level's lists, so the board counts nominations, not a text; a unit's forms are their
        # own package (nominations.documents).
        from learnweek.campaigns.inbox import register_source
        from learnweek.campaigns.kinds import KindBehaviour, Link, register
        from learnweek.nominations.inbox import inbox_part
        from learnweek.nominations.kinds import NOMINATION, NOMINATION_KINDS, lists_url, package_url
        from learnweek.nominations.selectors import board_states

        for kind in NOMINATION_KINDS:
            register(
                KindBehaviour(
                    kind,
                    family=NOMINATION,
                    edit_url=lists_url,
                    board_states=board_states,
                    board_link=Link("推荐名单与审核", lists_url),
                    campaign_link=Link("推荐评选", lists_url),
                    unit_package=Link("下载本单位推荐评选材料（zip）", package_url),
                )
            )
        # Nominations awaiting the user's level, and the unit's returned ones, on 工作台.
        register_source("nominations", inbox_part)
