from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "learnweek.nominations"
    label = "nominations"
    verbose_name = "推荐评选"

    def ready(self) -> None:
        # The completeness board of a nomination requirement counts nominations, not a text.
        from learnweek.campaigns.selectors import register_board_source
        from learnweek.nominations.kinds import NOMINATION_KINDS
        from learnweek.nominations.selectors import board_states

        for kind in NOMINATION_KINDS:
            register_board_source(kind, board_states)
