import json

from django.core.management.base import BaseCommand, CommandError

from learnweek.core.errors import NotFound
from learnweek.orgs.selectors import unit_children, unit_get_by_code


class Command(BaseCommand):
    help = "显示一个单位及其直接下级。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="单位代码，如 220000（吉林省）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, code, **options):
        try:
            unit = unit_get_by_code(code.strip())
        except NotFound as exc:
            raise CommandError(exc.message) from exc
        parent = unit.get_parent()
        children = [{"code": c.code, "name": c.name, "kind": c.kind} for c in unit_children(unit)]
        if options["json"]:
            data = {
                "code": unit.code,
                "name": unit.name,
                "kind": unit.kind,
                "parent": parent.code if parent else None,
                "children": children,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{unit.code} {unit.name}（{unit.kind_label}）")
        if parent:
            self.stdout.write(f"上级：{parent.code} {parent.name}")
        self.stdout.write(f"下级 {len(children)} 个：")
        for child in children:
            self.stdout.write(f"  {child['code']} {child['name']}")
