"""The subtree rule has one spelling: ``learnweek.orgs.selectors`` (``within``, ``within_q``,
``is_within``). Everywhere else — the other apps and the tests — asks those helpers, so a change
to how the tree is stored, or to what "below" means, is made in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from learnweek.orgs.models import Unit
from learnweek.orgs.selectors import is_within, within, within_q

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "learnweek"
TESTS = ROOT / "tests"
OWNER = PACKAGE / "orgs"  # the app that owns the rule spells it
LOOKUP = re.compile(r"path__startswith")


def _sources() -> list[Path]:
    files = [
        path
        for path in PACKAGE.rglob("*.py")
        if not path.is_relative_to(OWNER) and "migrations" not in path.relative_to(PACKAGE).parts
    ]
    files += [path for path in TESTS.rglob("*.py") if path != Path(__file__).resolve()]
    return sorted(files)


def _is_path(node: ast.expr) -> bool:
    """A unit's path, or a copy of it kept on a row: ``….path``, ``….unit_path``, ``unit_path``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "path" or node.attr.endswith("_path")
    return isinstance(node, ast.Name) and node.id.endswith("_path")


def _is_literal(node: ast.expr) -> bool:
    """A prefix written in the code (``"/api/"``): a URL or file name, not a place in the tree."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return True
    return isinstance(node, ast.Tuple) and all(_is_literal(e) for e in node.elts)


def _prefix_tests(tree: ast.AST) -> list[int]:
    """Lines where a path is tested with ``startswith`` against something other than a literal.
    Read from the syntax alone, so ``request.path.startswith(PREFIX)`` counts too: write a URL
    prefix as a literal, or test it on a local name."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "startswith"
        and _is_path(node.func.value)
        and not (node.args and _is_literal(node.args[0]))
    ]


def hand_spelled(text: str, name: str) -> list[str]:
    """``name:line`` of every subtree test written out by hand in the source ``text``."""
    lines = {number for number, line in enumerate(text.splitlines(), start=1) if LOOKUP.search(line)}
    lines.update(_prefix_tests(ast.parse(text, filename=name)))
    return [f"{name}:{number}" for number in sorted(lines)]


def test_the_subtree_rule_is_spelled_only_in_orgs():
    found = [
        hit
        for path in _sources()
        for hit in hand_spelled(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert not found, (
        "the subtree rule written out by hand; use learnweek.orgs.selectors within / within_q / is_within:\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("source", "hit"),
    [
        ("qs.filter(unit__path__startswith=root.path)", True),
        ("Q(path__startswith=below.path)", True),
        ('qs.filter(**{"unit__path__startswith": x})', True),
        ("ok = unit.path.startswith(parent.issuing_unit.path)", True),
        ("ok = [a for a in rows if a.unit_path.startswith(root.path)]", True),
        ("ok = unit_path.startswith(prefix)", True),
        ('ok = case.path.startswith("/api/v1/auth")', False),  # a URL
        ("ok = path.startswith(PUBLIC_API) or name.startswith(prefix)", False),  # not a unit's path
        ("ok = is_within(root, unit)", False),
    ],
)
def test_the_check_sees_a_hand_spelled_rule(source, hit):
    assert bool(hand_spelled(source, "probe.py")) is hit


@pytest.mark.django_db
def test_within_is_one_prefix_filter_on_the_indexed_path(tree):
    jilin = Unit.objects.get(code="220000")
    sql = str(within(Unit.objects.all(), jilin).query)
    # PostgreSQL's SQL casts the column (``"path"::text LIKE``), SQLite's does not.
    assert sql.count(" LIKE ") == 1 and re.search(r'"orgs_unit"\."path"(::text)? LIKE', sql)
    assert str(Unit.objects.filter(within_q(jilin)).query) == sql
    assert within(Unit.objects.all(), None).count() == Unit.objects.count()  # ALL_UNITS
    changchun, beijing = Unit.objects.get(code="220100"), Unit.objects.get(code="110000")
    assert is_within(jilin, changchun) and is_within(jilin, jilin) and not is_within(jilin, beijing)
    assert is_within(None, beijing) and not is_within(changchun, jilin)  # not upwards
