"""The record proves itself: every save chains its events, and changing, deleting, reordering or inserting an event
behind Corral's back breaks the chain at that event's position (DOMAIN.md)."""

from __future__ import annotations


from uuid import uuid4

import pytest
from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import StoredEvent
from pydantic import SecretStr

from api.storage.chain import GENESIS, link_hash
from api.storage.proof import UnchainedLogError, chain_log, verify
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.application import Corral
from domain.errors import AlreadyExistsError
from domain.organisation import OrganisationKind
from tests.builders import OPERATOR
from tests.integration.given import agreed_scheme
from tests.integration.tampering import delete, execute, flipped, move, stored_row, table, write_row


@pytest.fixture
def logged(app: Corral) -> Corral:
    """A log of a few dozen events: a programme with a scheme agreed."""
    agreed_scheme(app)
    return app


def head(app: Corral) -> int:
    position = app.recorder.max_notification_id()
    assert position is not None
    return position


def test_a_log_written_through_corral_holds(logged: Corral) -> None:
    walk = verify(logged.recorder)

    assert walk.broken is None and walk.unchained == 0
    assert walk.events == head(logged) and walk.head_position == head(logged)


def test_each_events_hash_chains_on_from_the_one_before(logged: Corral) -> None:
    computed = GENESIS
    for event in logged.recorder.select_notifications(start=1, limit=1000):
        computed = link_hash(
            computed, event.id, event.originator_id, event.originator_version, event.topic, event.state
        )
        link = logged.record.link(event.originator_id, event.originator_version)
        assert link is not None and link.position == event.id and link.hash == computed.hex()


def test_the_link_of_an_event_that_does_not_exist_is_none(logged: Corral) -> None:
    event = logged.recorder.select_notifications(start=1, limit=1)[0]

    assert logged.record.link(event.originator_id, 999) is None


def test_a_changed_event_breaks_the_chain_at_its_position(logged: Corral, settings: Settings) -> None:
    row = stored_row(settings, 5)
    write_row(settings, 5, flipped(row, "state", 10, 0x01))

    broken = verify(logged.recorder).broken

    assert broken is not None and broken.position == 5 and "does not match its hash" in broken.what


def test_a_deleted_event_breaks_the_chain(logged: Corral, settings: Settings) -> None:
    delete(settings, "corral_events", "id", 7)

    broken = verify(logged.recorder).broken

    assert broken is not None and broken.position == 7 and "missing" in broken.what


def test_a_deleted_event_and_its_hash_break_the_chain_at_the_next_event(logged: Corral, settings: Settings) -> None:
    delete(settings, "corral_events", "id", 7)
    delete(settings, "corral_chain", "position", 7)

    broken = verify(logged.recorder).broken

    assert broken is not None and broken.position == 8


def test_two_events_swapped_break_the_chain_at_the_first(logged: Corral, settings: Settings) -> None:
    move(settings, "corral_events", "id", 4, -1)
    move(settings, "corral_events", "id", 9, 4)
    move(settings, "corral_events", "id", -1, 9)

    broken = verify(logged.recorder).broken

    assert broken is not None and broken.position == 4


def test_an_event_inserted_behind_corrals_back_is_found(logged: Corral, settings: Settings) -> None:
    inserted = head(logged) + 1
    copy = stored_row(settings, 3)
    columns = ", ".join(copy)
    values = {**copy, "originator_version": 1_000_000}
    execute(settings, f"INSERT INTO {table(settings, 'corral_events')} ({columns}) VALUES "
            f"({', '.join(':' + c for c in copy)})", **values)  # fmt: skip

    at_the_end = verify(logged.recorder)
    logged.register_organisation(OPERATOR, "LATER", "A later provider", OrganisationKind.PROVIDER)  # chained on
    in_the_middle = verify(logged.recorder).broken

    assert at_the_end.broken is None and at_the_end.unchained == 1 and at_the_end.first_unchained == inserted
    assert in_the_middle is not None and in_the_middle.position == inserted and "outside Corral" in in_the_middle.what


def test_a_log_written_before_the_chain_is_refused_until_it_is_chained_once(logged: Corral, settings: Settings) -> None:
    events = head(logged)
    execute(settings, f"DELETE FROM {table(settings, 'corral_chain')}")  # as a database from before the chain

    with pytest.raises(UnchainedLogError, match="corral log chain"):
        build_application(settings)
    unchained = verify(logged.recorder)
    first, second = chain_log(logged.recorder), chain_log(logged.recorder)

    assert unchained.unchained == events and unchained.first_unchained == 1
    assert (first, second) == (events, 0)
    assert verify(logged.recorder).broken is None
    build_application(settings).close()


def test_with_encryption_and_compression_the_chain_covers_the_stored_bytes(settings: Settings) -> None:
    sealed = settings.model_copy(update={"cipher_key": SecretStr(AESCipher.create_key(16)), "compress_events": True})
    app = build_application(sealed)
    try:
        agreed_scheme(app)
        holds = verify(app.recorder)
        write_row(sealed, 3, flipped(stored_row(sealed, 3), "state", 20, 0x80))
        broken = verify(app.recorder).broken
    finally:
        app.close()

    assert holds.broken is None and holds.events > 3
    assert broken is not None and broken.position == 3


def test_a_refused_save_leaves_no_hash_and_the_chain_steps_over_its_gap(logged: Corral, settings: Settings) -> None:
    logged.register_organisation(OPERATOR, "TWICE", "Registered twice", OrganisationKind.PROVIDER)
    with pytest.raises(AlreadyExistsError):  # its save rolled back: on PostgreSQL its position is never used
        logged.register_organisation(OPERATOR, "TWICE", "Registered twice", OrganisationKind.PROVIDER)
    logged.register_organisation(OPERATOR, "AFTER", "Registered after", OrganisationKind.PROVIDER)

    walk = verify(logged.recorder)

    assert walk.broken is None and walk.unchained == 0 and walk.head_position == head(logged)
    gaps = 1 if settings.database_url.startswith("postgresql") else 0  # SQLite reuses the position
    assert walk.events == walk.head_position - gaps


@pytest.mark.parametrize("events", [1, 2, 7, 120])
def test_saves_of_any_size_chain_as_the_walk_recomputes_them(logged: Corral, events: int) -> None:
    originator = uuid4()
    topic = "domain.quarter_review:QuarterReview.ProviderNudgedByLead"
    states = [f'{{"message": "Rappel n°{n} ✓", "n": {n}}}'.encode() for n in range(events)]
    logged.recorder.insert_events([StoredEvent(originator, n + 1, topic, states[n]) for n in range(events)])

    walk = verify(logged.recorder)

    assert walk.broken is None and walk.unchained == 0 and walk.head_position == head(logged)
