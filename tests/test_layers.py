"""The import order of the package, read from the source: a lower app never imports a higher one,
at the top of a module or inside a function (a lazy import hides a cycle, it does not remove it);
imports under ``TYPE_CHECKING`` are types only and do not count. And every uploaded spreadsheet is
read by one reader, ``core.tabular``. And the tests import helpers, never a conftest."""

import ast
from pathlib import Path

import learnweek

PACKAGE = Path(learnweek.__file__).parent

# Lower first. The domain apps of one layer may use each other; the front doors only the layers
# below them; the demo loads every domain app and nothing imports it. ``config`` (settings, urls,
# the Celery app) wires the project together and stands outside the order.
LAYERS = [
    {"core", "audit"},
    {"orgs"},
    {"accounts"},
    {"notices"},
    {"campaigns"},
    {"activities", "stats", "registrations", "materials", "nominations", "reading", "privacy"},
    {"backoffice", "public", "api"},
    {"demo"},
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}

# Known upward imports, each to be removed by moving the name it imports down: (module, import).
KNOWN: set[tuple[str, str]] = set()

# Only these modules may open a spreadsheet; openpyxl elsewhere writes xlsx, it never loads one.
READERS = {"python_calamine", "xlrd"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) > 1 and "migrations" not in relative.parts:
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """(line, module, names) of every import that runs; ``names`` of a ``from`` import."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (item for child in node.orelse for item in _imports(child))
            continue
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module, tuple(alias.name for alias in node.names)
        yield from _imports(node)


def test_no_app_imports_a_higher_one():
    upward = []
    for relative, tree in _modules():
        app = relative.parts[0]
        if app not in RANK:
            continue
        for line, module, _ in _imports(tree):
            parts = module.split(".")
            if parts[0] != "learnweek" or len(parts) < 2 or parts[1] not in RANK:
                continue
            if RANK[parts[1]] > RANK[app] and (relative.as_posix(), module) not in KNOWN:
                upward.append(f"learnweek/{relative}:{line} imports {module}")
    assert not upward, "a lower app imports a higher one:\n" + "\n".join(sorted(set(upward)))


def test_every_spreadsheet_import_goes_through_core_tabular():
    elsewhere = []
    for relative, tree in _modules():
        if relative.as_posix() == "core/tabular.py":
            continue
        for line, module, names in _imports(tree):
            if module.split(".")[0] in READERS or "load_workbook" in (*names, module.rsplit(".")[-1]):
                elsewhere.append(f"learnweek/{relative}:{line} imports {module}")
    assert not elsewhere, "read a spreadsheet with learnweek.core.tabular:\n" + "\n".join(elsewhere)


def test_no_test_imports_from_a_conftest():
    """A conftest holds fixtures, which pytest hands to the tests that name them; what a test
    imports (unit codes, ``unit()``, files to upload, form values) lives in ``tests/helpers.py``
    or its app's ``tests/<app>/helpers.py``."""
    here = Path(__file__).parent
    found = []
    for path in sorted([*here.rglob("*.py"), *(here.parent / "bench").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            if any(module.rsplit(".", 1)[-1] == "conftest" for module in modules):
                found.append(f"{path.relative_to(here.parent)}:{node.lineno}")
    assert not found, "import helpers from a helpers module, not a conftest:\n" + "\n".join(found)
