"""The installed `corral` command, as a person at a terminal would use it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from api.http.links import token_hash
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.set_password_links import SetPasswordLinkError

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


def test_the_operator_registers_an_organisation_with_its_sector(run) -> None:  # type: ignore[no-untyped-def]
    added = run(
        "organisations",
        "add",
        "MSH",
        "--name",
        "Mount Stuart Hospital",
        "--kind",
        "provider",
        "--sector",
        "independent-sector",
    )
    mismatched = run("organisations", "add", "CCG", "--name", "A CCG", "--kind", "commissioner", "--sector", "acute")
    missing = run("organisations", "add", "DPT", "--name", "Devon Partnership NHS Trust", "--kind", "provider")

    assert added.returncode == 0, added.stdout + added.stderr
    assert "registered provider Mount Stuart Hospital (independent sector; code MSH" in added.stdout
    assert (
        mismatched.returncode == 2 and "Sector: a commissioner's sector is one of icb, nhs-england" in mismatched.stdout
    )
    assert missing.returncode == 2 and "--sector" in missing.stderr


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


def test_the_operator_invites_a_user_without_smtp_and_is_given_the_link_which_works_once(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run(
        "organisations",
        "add",
        "RA9",
        "--name",
        "Torbay and South Devon NHS Foundation Trust",
        "--kind",
        "provider",
        "--sector",
        "acute",
    )
    invited = run("users", "invite", "nina.shah", "--organisation", "RA9", "--role", "provider", "--name", "Nina Shah")
    again = run("users", "invite", "nina.shah", "--organisation", "RA9", "--role", "provider")
    address = re.search(r"http://127\.0\.0\.1:8000/set-password\?\S+", invited.stdout)
    assert address is not None, invited.stdout + invited.stderr
    link = {name: values[0] for name, values in parse_qs(urlsplit(address.group()).query).items()}
    app = build_application(Settings(database_url=f"sqlite:///{tmp_path / 'corral.sqlite3'}"))
    try:
        app.set_password_by_link("nina.shah", token_hash(link["token"]), "an argon2 hash", datetime.now(UTC))
        with pytest.raises(SetPasswordLinkError):
            app.set_password_by_link("nina.shah", token_hash(link["token"]), "another", datetime.now(UTC))
    finally:
        app.close()

    assert invited.returncode == 0 and "Nina Shah (nina.shah) is invited as provider" in invited.stdout
    assert "no SMTP server is configured" in invited.stdout and link["username"] == "nina.shah"
    assert again.returncode == 2 and "taken" in again.stdout
