from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "learnweek.materials"
    label = "materials"
    verbose_name = "报送材料"

    def ready(self) -> None:
        # The material kinds: answered on the material's page (photos, cases, documents, details),
        # checked as materials when handed in, and each a folder of its unit's package.
        from learnweek.campaigns.kinds import KindBehaviour, register
        from learnweek.materials.documents import material_files
        from learnweek.materials.rules import MATERIAL, MATERIAL_KINDS, edit_aid, material_problems

        for kind in MATERIAL_KINDS:
            register(
                KindBehaviour(
                    kind,
                    family=MATERIAL,
                    submit_check=material_problems,
                    package_files=material_files,
                    edit_aid=edit_aid(kind),
                )
            )
