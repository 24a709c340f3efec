from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "learnweek.activities"
    label = "activities"
    verbose_name = "活动"

    def ready(self) -> None:
        # The 附表1 is answered on the unit's live table of demonstration activities, checked for
        # a contact and a row when handed in, and its frozen table is the unit's package file.
        from learnweek.activities.demo_table import DEMO_TABLE, package_files, submit_problems, table_url
        from learnweek.campaigns.kinds import KindBehaviour, register
        from learnweek.campaigns.models import RequirementKind

        register(
            KindBehaviour(
                RequirementKind.DEMO_TABLE,
                family=DEMO_TABLE,
                edit_url=table_url,
                submit_check=submit_problems,
                package_files=package_files,
            )
        )
