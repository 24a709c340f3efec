from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "learnweek.materials"
    label = "materials"
    verbose_name = "报送材料"

    def ready(self) -> None:
        # A material's photos, cases, document and links are checked when it is submitted.
        from learnweek.campaigns.rules import register_submit_check
        from learnweek.materials.rules import MATERIAL_KINDS, material_problems

        for kind in MATERIAL_KINDS:
            register_submit_check(kind, material_problems)
