"""The import contracts of `make lint` hold today, and each one fails when its arrow is broken."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "api", "web")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# For each contract (by the start of its name), one import that breaks it, and the module it is added to.
BREAKS = {
    "Layers: api and web over": ("domain/errors.py", "import projections.database"),
    "api imports web only": ("api/http/errors.py", "import web"),
    "web imports only api's": ("web/__init__.py", "import api.storage.settings"),
    "SQL only in projections": ("api/http/errors.py", "import sqlalchemy"),
}


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on a copy of the code, with the project's own contracts."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
        timeout=120,
    )


def copy_of_the_code(tmp_path: Path) -> Path:
    tree = tmp_path / "corral"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_code_keeps_every_import_contract(tmp_path: Path) -> None:
    result = lint_imports(copy_of_the_code(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("contract", list(BREAKS))
def test_an_import_against_a_contract_breaks_it(tmp_path: Path, contract: str) -> None:
    tree = copy_of_the_code(tmp_path)
    module, offending_import = BREAKS[contract]
    with (tree / module).open("a") as source:
        source.write(f"\n{offending_import}  # a deliberate break\n")

    result = lint_imports(tree)

    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert len(broken) == 1 and broken[0].startswith(contract), result.stdout


def test_every_module_of_api_http_is_either_meant_for_pages_or_forbidden_to_them() -> None:
    meant_for_pages = {"api.http.deps", "api.http.commands", "api.http.access", "api.http.params", "api.http.session"}
    meant_for_pages |= {"api.http.links", "api.http.imports", "api.http.setting_up", "api.http.client_credentials"}
    meant_for_pages |= {"api.http.paging", "api.http.routing"}
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    [pages] = [c for c in contracts if c["name"].startswith("web imports only api's")]
    modules = {f"api.http.{path.stem}" for path in (ROOT / "api" / "http").glob("*.py") if path.stem != "__init__"}

    assert modules - meant_for_pages == {m for m in pages["forbidden_modules"] if m.startswith("api.http.")} - {
        "api.http.routers"
    }
