"""`corral log …`: verify the event log's hash chain, export signed checkpoints of its head, print the verify key, and
chain a log written before the chain (once, on upgrade). Plain words for a commissioner's IT person."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from api.storage.chain import Walk
from api.storage.checkpoints import CheckpointRefusedError, check, load_public_key, public_pem, signing_key
from api.storage.proof import CHAIN_COMMAND, chain_log, take_checkpoint, verify
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.record import Checkpoint

BROKEN = 1  # the chain does not hold, or events are not chained yet
REFUSED = 2  # a checkpoint file or key that cannot be trusted


def run(console: Console, args: argparse.Namespace, settings: Settings) -> int:
    """Run one `corral log` action."""
    try:
        return _run(console, args, settings)
    except CheckpointRefusedError as error:
        console.print(f"Refused: {error}.", markup=False)
        return REFUSED


def _run(console: Console, args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "key":
        console.print(public_pem(_key(console, settings).public_key()), end="", markup=False, highlight=False)
        return 0
    app = build_application(settings, chained=False)
    try:
        if args.action == "chain":
            return _chain(console, app.recorder)
        if args.action == "checkpoint":
            return _checkpoint(console, app.recorder, settings, args.out)
        return _verify(console, app.recorder, settings, args.checkpoint, args.key)
    finally:
        app.close()


def _key(console: Console, settings: Settings) -> Any:
    path = settings.log_signing_key_path()
    if not path.exists():
        console.print(f"(made a new signing key in {path}, readable by its owner only: keep it safe)", markup=False)
    return signing_key(path)


def _chain(console: Console, recorder: Any) -> int:
    count = chain_log(recorder)
    if count == 0:
        console.print("Nothing to chain: every event in the log is chained.")
    else:
        console.print(f"Chained {count:,} events recorded before the chain. Check it with `corral log verify`.")
    return 0


def _checkpoint(console: Console, recorder: Any, settings: Settings, out: Path | None) -> int:
    taken = take_checkpoint(recorder, _key(console, settings), datetime.now(UTC))
    if isinstance(taken, Walk):
        if taken.events == 0 and taken.broken is None and not taken.unchained:
            console.print("Nothing to checkpoint: the log is empty.")
            return BROKEN
        console.print("No checkpoint taken:", markup=False)
        return _report(console, taken, None)
    path = out or Path(f"corral-checkpoint-{taken.position}.json")
    path.write_text(taken.document)
    console.print(
        f"Checkpoint of position {taken.position:,} (hash {taken.hash[:16]}…) written to {path}. Keep it outside "
        "Corral; `corral log verify --checkpoint FILE` later proves nothing up to it was rewritten.",
        markup=False,
    )
    return 0


def _verify(console: Console, recorder: Any, settings: Settings, file: Path | None, key_file: Path | None) -> int:
    checkpoint = None
    if file is not None:
        try:
            key = load_public_key(key_file.read_text()) if key_file else _key(console, settings).public_key()
            checkpoint = check(file.read_text(), key)
        except (CheckpointRefusedError, OSError, UnicodeDecodeError) as error:
            console.print(f"The checkpoint {file} is refused: {error}.", markup=False)
            return REFUSED
    return _report(console, verify(recorder, checkpoint), checkpoint)


def _report(console: Console, walk: Walk, checkpoint: Checkpoint | None) -> int:
    if walk.broken is not None:
        console.print(f"The chain breaks at position {walk.broken.position:,}: {walk.broken.what}.", markup=False)
        return BROKEN
    if walk.unchained:
        console.print(
            f"{walk.unchained:,} events, from position {walk.first_unchained:,}, are not chained. If this database "
            f"was written before the chain, run `{CHAIN_COMMAND}` once; otherwise they were inserted outside Corral.",
            markup=False,
        )
        return BROKEN
    console.print(
        f"The log holds: {walk.events:,} events chained, head {walk.head_position:,} {walk.head_hash.hex()[:16]}…",
        markup=False,
    )
    if checkpoint is not None:
        console.print(
            f"It matches the checkpoint of position {checkpoint.position:,} taken {checkpoint.taken_at:%Y-%m-%d %H:%M} "
            f"UTC (key {checkpoint.key_id}): nothing up to it was rewritten.",
            markup=False,
        )
    return 0
