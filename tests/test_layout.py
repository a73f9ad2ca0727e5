"""The layout DESIGN.md promises, kept: services split by object stay readable (at most
500 lines a module), and the apps' layering holds (import-linter's contracts in
pyproject.toml, run here too so a plain `pytest` checks them)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "merchants", "payments", "disputes", "refunds", "billing", "webhooks")


def test_no_services_module_is_over_500_lines():
    modules = [path for app in APPS for path in [*(ROOT / app).glob("services.py"),
                                                 *(ROOT / app).glob("services/*.py")]]
    assert modules, "no services modules found: the layout moved"
    too_long = {str(path.relative_to(ROOT)): n for path in modules
                if (n := len(path.read_text().splitlines())) > 500}
    assert too_long == {}


def test_the_apps_layering_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT,  # noqa: S603 - our own tool
                            capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "BROKEN" not in result.stdout
