"""Round trips to PostgreSQL, counted on the wire. A chained save costs the round trips an unchained one does: one, the
lock, the NOTIFY, the INSERT and the chain (hashed by the server) sent as one batch that the server commits as one
transaction. A command whose aggregates are cached costs two: one read of the log's newer events, and the save; and
the projector's wake-up after it two: the log read, and every view's batch with its commit. Counted on the wire, by a proxy in front of the server (SQLAlchemy's cursor events
miss BEGIN, COMMIT and NOTIFY)."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator

import pytest
from eventsourcing.persistence import StoredEvent

from api.storage.event_store import JoiningRecorder
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from domain.milestones import Quarter
from projections.faults import Fault
from projections.runner import catch_up
from tests.builders import ACUTE, COMMUNITY_ID
from tests.conftest import POSTGRES_URL, fresh_schema
from tests.integration.given import agreed_scheme

pytestmark = pytest.mark.postgres
SAVES = 20


class CountingProxy:
    """Forwards connections to PostgreSQL and counts the client's writes (one a round trip)."""

    def __init__(self, host: str, port: int) -> None:
        self.target, self.writes = (host, port), 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(65536):
                self.writes += counted
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()


@pytest.fixture
def proxied(postgres_available: bool) -> Iterator[tuple[CountingProxy, Settings]]:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    proxy = CountingProxy("127.0.0.1", 5432)
    url = POSTGRES_URL.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    with fresh_schema() as schema:
        yield proxy, Settings(database_url=url, database_schema=schema)
    proxy.listener.close()


def round_trips_per_save(proxy: CountingProxy, recorder: JoiningRecorder) -> float:
    def save() -> None:
        recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "a.topic:Event", b"{}")])

    save()  # the connection opened
    before = proxy.writes
    for _ in range(SAVES):
        save()
    return (proxy.writes - before) / SAVES


def test_a_chained_save_costs_the_round_trips_of_an_unchained_one(proxied: tuple[CountingProxy, Settings]) -> None:
    proxy, settings = proxied
    app = build_application(settings)
    try:
        assert isinstance(app.recorder, JoiningRecorder)
        chained = round_trips_per_save(proxy, app.recorder)
        app.recorder.chained = False
        unchained = round_trips_per_save(proxy, app.recorder)
    finally:
        app.close()

    assert chained == unchained == 1  # LOCK, NOTIFY, INSERT and the chain: one batch, committed by the server


def test_a_command_on_cached_aggregates_reads_the_log_once_and_saves_in_one_round_trip(
    proxied: tuple[CountingProxy, Settings],
) -> None:
    proxy, settings = proxied
    app = build_application(settings)
    try:
        agreed = agreed_scheme(app)
        for warming in ("Your evidence is due.", "It is due on Friday."):  # opens the review, then loads it
            app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, warming)
        before = proxy.writes
        for day in range(SAVES):
            app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, f"Reminder {day}.")
        per_nudge = (proxy.writes - before) / SAVES
    finally:
        app.close()

    assert per_nudge == 2  # the scheme, its programme and the review brought up to date by one read; the save


def test_a_projector_wake_up_after_a_command_reads_the_log_once_and_writes_every_view_in_one_round_trip(
    proxied: tuple[CountingProxy, Settings],
) -> None:
    proxy, settings = proxied
    app = build_application(settings)
    database, projections = build_views(settings)
    try:
        agreed = agreed_scheme(app)
        positions: dict[str, int] = {}
        faults: dict[str, Fault] = {}  # kept from one wake-up to the next, as the projector keeps them
        app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due.")  # opens it
        catch_up(app, projections, known=positions, faults=faults)
        per_wake_up = []
        for day in range(SAVES):
            app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, f"Reminder {day}.")
            before = proxy.writes
            catch_up(app, projections, known=positions, faults=faults)
            per_wake_up.append(proxy.writes - before)
    finally:
        database.close()
        app.close()

    # the log read; then the views' rows, their positions (checked by the server) and the commit in one message
    assert per_wake_up == [2] * SAVES
