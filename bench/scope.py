"""The scope rule: every unit in a province's subtree, through scope_filter, against a raw SQL
LIKE on the same index."""

from django.db import connection

from learnweek.accounts.models import User
from learnweek.orgs.models import Unit
from learnweek.orgs.selectors import units_visible_to


def run(median_ms, report) -> None:
    province = Unit.objects.get(code="510000")  # 四川省: the most counties
    user = User.objects.filter(username="bench-sichuan").first() or User.objects.create(
        username="bench-sichuan", unit=province, is_unit_admin=True
    )
    user.unit = province

    def ours():
        return list(units_visible_to(user).values_list("code", flat=True))

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute("SELECT code FROM orgs_unit WHERE path LIKE %s", [province.path + "%"])
            return [row[0] for row in cursor.fetchall()]

    assert sorted(ours()) == sorted(baseline())
    report(f"scope: codes of {len(baseline())} units under 四川省", median_ms(ours), median_ms(baseline))
