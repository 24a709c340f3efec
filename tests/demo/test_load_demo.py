"""`learnweek load-demo` (what `make demo` runs) loads every domain app's demo data."""

import io

from django.core.management import call_command

from learnweek.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from learnweek.accounts.models import User


def test_load_demo_makes_the_accounts_and_says_so(tree, monkeypatch):
    monkeypatch.setattr("learnweek.activities.demo.DEMO_ACTIVITIES", 20)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    assert f"演示账号密码：{DEMO_PASSWORD}" in printed
    assert "本年度演示活动：" in printed and "（20 项活动）" in printed
    for account in DEMO_ACCOUNTS:
        assert User.objects.filter(username=account.username).exists()
        assert account.username in printed
