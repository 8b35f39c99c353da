"""The installed `corral` command, as a person at a terminal would use it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CORRAL = Path(sys.executable).parent / "corral"


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "CORRAL_DATABASE_URL": f"sqlite:///{tmp_path / 'corral.sqlite3'}", "COLUMNS": "200"}

    def corral(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CORRAL), *args], env=env, capture_output=True, text=True, timeout=120)

    return corral


def test_a_fresh_store_loads_the_demo_once_and_shows_the_trust_table(run) -> None:  # type: ignore[no-untyped-def]
    first = run("demo")
    second = run("demo")
    trust = run("show", "trust")

    assert first.returncode == 0, first.stderr
    assert first.stdout.count("loaded:") == 4 and "already" not in first.stdout
    assert second.stdout.count("already loaded:") == 4
    assert trust.returncode == 0, trust.stderr
    assert "2017/18 CQUIN and Trust Quality Priorities Indicators" in trust.stdout
    assert "│ Improvement of staff health and wellbeing" in trust.stdout
    assert "│ N/A │ N/A │ N/A           │ Not Met" in trust.stdout


def test_after_the_demo_the_trusts_2018_19_shows_its_agreed_indicators_and_the_seeds_goals(run) -> None:  # type: ignore[no-untyped-def]
    before = run("show", "trust", "--year", "2018")
    run("demo")

    shown = run("show", "trust", "--year", "2018")

    assert before.returncode == 1 and "run `corral demo` first" in before.stdout
    assert shown.returncode == 0, shown.stderr
    assert "2018/19 CQUIN and Trust Quality Priorities Indicators" in shown.stdout
    assert "2018/19 CQUIN goals, agreed and not yet assessed" in shown.stdout
    assert "Uptake of flu vaccinations by frontline clinical staff of 75%" in shown.stdout
    assert "Reduce by 20% the A&E attendances of a selected cohort of frequent attenders" in shown.stdout
    assert "justice pathway" not in shown.stdout  # not among the seed's 2018/19 CQUINs


def test_show_before_demo_says_what_to_do(run) -> None:  # type: ignore[no-untyped-def]
    shown = run("show", "programme")

    assert shown.returncode == 1
    assert "run `corral demo` first" in shown.stdout


def test_the_default_store_is_a_sqlite_file_under_var(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CORRAL_DATABASE_URL"}

    done = subprocess.run([str(CORRAL), "show", "trust"], cwd=tmp_path, env=env, capture_output=True, text=True)

    assert done.returncode == 1
    assert (tmp_path / "var" / "corral.sqlite3").exists()
