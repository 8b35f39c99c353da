"""The layout is the architecture: the domain knows nothing of the web or SQL."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ALLOWED = set(sys.stdlib_module_names) | {"eventsourcing", "domain"}


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_domain_imports_only_the_standard_library_and_eventsourcing() -> None:
    offenders = {
        str(path.relative_to(DOMAIN)): sorted(imported_top_level_modules(path) - ALLOWED)
        for path in DOMAIN.rglob("*.py")
    }

    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_domain_uses_only_the_eventsourcing_domain_application_and_persistence_modules() -> None:
    used = set()
    for path in DOMAIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("eventsourcing"):
                used.add(node.module)

    assert used <= {"eventsourcing.domain", "eventsourcing.application", "eventsourcing.persistence"}


def test_no_module_is_over_300_lines() -> None:
    root = DOMAIN.parent
    lengths = {
        str(path.relative_to(root)): len(path.read_text().splitlines())
        for package in ("domain", "projections", "api", "web", "bench")
        for path in (root / package).rglob("*.py")
    }

    assert {module: lines for module, lines in lengths.items() if lines > 300} == {}
