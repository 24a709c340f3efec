"""The `learnweek` console script, run in-process against the test database."""

import json

import pytest

from learnweek import cli

pytestmark = pytest.mark.usefixtures("tree")


def run(monkeypatch, *args):
    monkeypatch.setattr("sys.argv", ["learnweek", *args])
    try:
        cli.main()
    except SystemExit as exc:
        return exc.code or 0
    return 0


@pytest.mark.parametrize("args", [["units", "999999", "--json"], ["units", "999999"]])
def test_unknown_code_exits_1_with_a_chinese_message(monkeypatch, capsys, args):
    assert run(monkeypatch, *args) == 1
    assert "没有代码为 999999 的单位" in capsys.readouterr().err


def test_units_accepts_the_hyphen_free_and_json_forms(monkeypatch, capsys):
    assert run(monkeypatch, "units", "000000", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["parent"] is None and len(data["children"]) == 31


def test_hyphenated_subcommand_runs(monkeypatch, capsys):
    assert run(monkeypatch, "load-divisions") == 0
    assert "县级" in capsys.readouterr().out
