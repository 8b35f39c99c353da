"""`corral log …` at a terminal: verify, checkpoint, key, and the one-time chaining of a log from before the chain."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CORRAL = Path(sys.executable).parent / "corral"
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    env = {**os.environ, "CORRAL_DATABASE_URL": f"sqlite:///{tmp_path / 'corral.sqlite3'}", "COLUMNS": "300"}

    def corral(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CORRAL), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)

    return corral


def sql(folder: Path, statement: str) -> None:
    with sqlite3.connect(folder / "corral.sqlite3") as connection:
        connection.execute(statement)


def events(folder: Path) -> int:
    """How many events the demo recorded (its log has no gaps: one process wrote it)."""
    with sqlite3.connect(folder / "corral.sqlite3") as connection:
        count: int = connection.execute("SELECT count(*) FROM corral_events").fetchone()[0]
        return count


def test_a_commissioner_checkpoints_the_log_and_later_finds_it_changed(run: Run, tmp_path: Path) -> None:
    assert run("demo").returncode == 0
    logged = events(tmp_path)
    holds = run("log", "verify")
    taken = run("log", "checkpoint", "--out", "kept.json")
    (tmp_path / "verify-key.pem").write_text(run("log", "key").stdout)
    matches = run("log", "verify", "--checkpoint", "kept.json", "--key", "verify-key.pem")
    sql(tmp_path, "UPDATE corral_events SET state = CAST(substr(state, 2) AS BLOB) WHERE id = 300")
    changed = run("log", "verify", "--checkpoint", "kept.json", "--key", "verify-key.pem")
    forged = json.loads((tmp_path / "kept.json").read_text()) | {"position": 5}
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    refused = run("log", "verify", "--checkpoint", "forged.json", "--key", "verify-key.pem")

    assert holds.returncode == 0 and f"The log holds: {logged:,} events chained, head {logged:,}" in holds.stdout, (
        holds.stderr
    )
    assert taken.returncode == 0 and "made a new signing key" in taken.stdout
    assert matches.returncode == 0 and f"It matches the checkpoint of position {logged:,}" in matches.stdout
    assert changed.returncode == 1 and "The chain breaks at position 300: its event does not match" in changed.stdout
    assert refused.returncode == 2 and "signature does not match" in refused.stdout


def test_a_log_from_before_the_chain_is_chained_once_before_anything_starts(run: Run, tmp_path: Path) -> None:
    assert run("demo").returncode == 0
    logged = events(tmp_path)
    sql(tmp_path, "DROP TABLE corral_chain")  # as a database written before the chain (made again, empty)

    demo, serve, projector = run("demo"), run("serve", "--port", "1"), run("projector")
    unchained = run("log", "verify")
    first, second = run("log", "chain"), run("log", "chain")
    holds = run("log", "verify")

    for refused in (demo, serve, projector):
        assert refused.returncode == 2 and "Run `corral log chain` once" in refused.stdout, refused.stdout
    assert unchained.returncode == 1 and f"{logged:,} events, from position 1, are not chained" in unchained.stdout
    assert first.returncode == 0 and f"Chained {logged:,} events" in first.stdout
    assert second.returncode == 0 and "Nothing to chain" in second.stdout
    assert holds.returncode == 0, holds.stdout
