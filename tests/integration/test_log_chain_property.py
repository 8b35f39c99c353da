"""Every single-byte change to any stored event of the whole demo log, in any column, is found at that event's
position; each change is undone before the next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.storage.attachments import AttachmentStore
from api.cli.demo import load_demo
from api.storage.proof import verify
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.application import Corral
from tests.conftest import DATABASES, empty_store
from tests.integration.tampering import EVENT_COLUMNS, flipped, stored_row, write_row

EXAMPLES = settings(max_examples=20, deadline=None, database=None)


@pytest.fixture(scope="module", params=DATABASES)
def demo_log(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Corral, Settings, list[int]]]:
    """The demo loaded once per database, its chain checked whole, and its positions (PostgreSQL's may have gaps)."""
    with empty_store(request, Path(tmp_path_factory.mktemp("demo-chain"))) as store:
        app = build_application(store)
        load_demo(app, AttachmentStore.of(store))
        assert verify(app.recorder).broken is None
        yield app, store, [event.id for event in app.recorder.select_notifications(start=1, limit=100_000)]
        app.close()


@EXAMPLES
@given(
    fraction=st.floats(min_value=0, max_value=1, exclude_max=True),
    column=st.sampled_from(EVENT_COLUMNS),
    index=st.integers(min_value=0, max_value=10_000),
    mask=st.integers(min_value=1, max_value=255),
)
def test_any_changed_byte_of_any_event_is_found_at_its_position(
    demo_log: tuple[Corral, Settings, list[int]], fraction: float, column: str, index: int, mask: int
) -> None:
    app, store, positions = demo_log
    position = positions[int(fraction * len(positions))]
    original = stored_row(store, position)
    write_row(store, position, flipped(original, column, index, mask))
    try:
        broken = verify(app.recorder).broken
    finally:
        write_row(store, position, original)

    assert broken is not None and broken.position == position, (column, index, mask)
