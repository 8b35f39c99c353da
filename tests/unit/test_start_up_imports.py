"""What starting a process imports: the `corral` command line leaves out what only some commands use (FastAPI,
openpyxl, the demo), and a server loads WeasyPrint only when it renders a pack. Each start of `corral` pays for what
it imports, and the suite starts it a few hundred times."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported(module: str, wanted: tuple[str, ...]) -> list[str]:
    """Those of `wanted` that importing `module` in a fresh interpreter brings in."""
    check = f"import sys, {module}; print(' '.join(m for m in {wanted!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_command_line_starts_without_the_web_framework_the_spreadsheets_or_the_demo() -> None:
    heavy = ("fastapi", "openpyxl", "weasyprint", "zxcvbn", "api.cli.demo", "api.cli.users", "api.cli.payments")

    assert imported("api.cli.main", heavy) == []


@pytest.mark.parametrize("module", ["api.main", "web.packs.routes"])
def test_a_server_starts_without_weasyprint_until_it_renders_a_pack(module: str) -> None:
    assert imported(module, ("weasyprint",)) == []
