"""Disputes sit below refunds (core ← merchants ← ledger ← payments ← disputes ← refunds):
refunds may ask disputes, never the other way round; disputes book their money in the
ledger below them; payments learns nothing of disputes (it tells
them through its outcome hooks)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The apps above disputes.
ABOVE = {"refunds", "billing", "checkout", "dashboard"}


def imported_apps(app: str) -> dict[str, set[str]]:
    """Each module of `app` (migrations aside) → the top-level packages it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_disputes_import_no_app_above_them():
    modules = imported_apps("disputes")
    assert "disputes/funds.py" in modules
    assert {module: names & ABOVE for module, names in modules.items() if names & ABOVE} == {}


@pytest.mark.parametrize("app", ["core", "merchants", "payments"])
def test_the_apps_below_import_no_disputes(app):
    assert [module for module, names in imported_apps(app).items() if "disputes" in names] == []
