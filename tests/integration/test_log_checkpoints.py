"""Signed checkpoints of the chain's head: kept outside Corral, they prove nothing before them was rewritten, even by
someone who recomputed every hash after changing an event."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.storage.checkpoints import CheckpointRefusedError, check, load_public_key, public_pem, signing_key
from api.storage.proof import chain_log, take_checkpoint, verify
from api.storage.settings import Settings
from domain.application import Corral
from domain.organisation import OrganisationKind
from domain.record import Checkpoint
from tests.builders import OPERATOR
from tests.integration.given import agreed_scheme
from tests.integration.tampering import execute, flipped, stored_row, table, write_row

KEY = Ed25519PrivateKey.generate()


def checkpoint_of(app: Corral, minute: int = 30) -> Checkpoint:
    taken = take_checkpoint(app.recorder, KEY, datetime(2026, 12, 4, 9, minute, tzinfo=UTC))
    assert isinstance(taken, Checkpoint)
    return taken


@pytest.fixture
def checkpointed(app: Corral) -> tuple[Corral, Checkpoint]:
    """A log of a few dozen events, and a checkpoint of its head."""
    agreed_scheme(app)
    return app, checkpoint_of(app)


def test_a_checkpoint_signs_the_head_and_checks_with_the_published_key(checkpointed: tuple[Corral, Checkpoint]) -> None:
    app, checkpoint = checkpointed
    published = load_public_key(public_pem(KEY.public_key()))

    walk = verify(app.recorder, check(checkpoint.document, published))

    assert checkpoint.position == app.recorder.max_notification_id()
    assert walk.broken is None and walk.head_hash.hex() == checkpoint.hash


def test_a_rewrite_with_every_hash_recomputed_passes_the_chain_but_not_the_checkpoint(
    checkpointed: tuple[Corral, Checkpoint], settings: Settings
) -> None:
    app, checkpoint = checkpointed
    write_row(settings, 6, flipped(stored_row(settings, 6), "state", 3, 0x20))
    execute(settings, f"DELETE FROM {table(settings, 'corral_chain')}")
    chain_log(app.recorder)  # the attacker recomputes every hash after the change

    plain = verify(app.recorder)
    against_checkpoint = verify(app.recorder, checkpoint).broken

    assert plain.broken is None
    assert against_checkpoint is not None and against_checkpoint.position == checkpoint.position
    assert "rewritten since the checkpoint" in against_checkpoint.what


def test_a_checkpoint_still_holds_as_the_log_grows(checkpointed: tuple[Corral, Checkpoint]) -> None:
    app, checkpoint = checkpointed
    app.register_organisation(OPERATOR, "LATER", "A later provider", OrganisationKind.PROVIDER)

    walk = verify(app.recorder, checkpoint)

    assert walk.broken is None and walk.head_position > checkpoint.position


def test_a_log_cut_short_before_the_checkpoint_fails_it(
    checkpointed: tuple[Corral, Checkpoint], settings: Settings
) -> None:
    app, checkpoint = checkpointed
    for name, key in (("corral_events", "id"), ("corral_chain", "position")):
        execute(settings, f"DELETE FROM {table(settings, name)} WHERE {key} >= :p", p=checkpoint.position - 2)

    broken = verify(app.recorder, checkpoint).broken

    assert broken is not None and broken.position == checkpoint.position and "removed" in broken.what


def test_a_checkpoint_with_a_changed_field_is_refused(checkpointed: tuple[Corral, Checkpoint]) -> None:
    _, checkpoint = checkpointed
    fields = json.loads(checkpoint.document)
    fields["position"] -= 1

    with pytest.raises(CheckpointRefusedError, match="signature does not match"):
        check(json.dumps(fields), KEY.public_key())


def test_a_checkpoint_signed_with_another_key_is_refused(checkpointed: tuple[Corral, Checkpoint]) -> None:
    _, checkpoint = checkpointed

    with pytest.raises(CheckpointRefusedError, match="another key"):
        check(checkpoint.document, Ed25519PrivateKey.generate().public_key())


def test_a_file_that_is_not_a_checkpoint_is_refused() -> None:
    with pytest.raises(CheckpointRefusedError, match="not a Corral checkpoint"):
        check('{"position": 3}', KEY.public_key())


def test_the_first_checkpoint_at_or_after_a_position_covers_it(checkpointed: tuple[Corral, Checkpoint]) -> None:
    app, first = checkpointed
    app.register_organisation(OPERATOR, "LATER", "A later provider", OrganisationKind.PROVIDER)
    second = checkpoint_of(app, minute=40)
    again = checkpoint_of(app, minute=50)  # the same head again: the first taken of it still covers it

    assert app.record.checkpoint_covering(1) == first
    assert app.record.checkpoint_covering(first.position) == first
    assert app.record.checkpoint_covering(first.position + 1) == second != again
    assert app.record.checkpoint_covering(second.position + 1) is None


def test_the_signing_key_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "log-signing.pem"

    made, read_again = signing_key(path), signing_key(path)

    assert path.stat().st_mode & 0o777 == 0o600
    assert public_pem(made.public_key()) == public_pem(read_again.public_key())
