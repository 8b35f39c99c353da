"""One organisation's slow or dead receiver does not hold up anyone else's, on both databases: the whole of a POST,
the host's lookup included, fits the timeout; at most a few of the addresses a name resolves to are tried; an
endpoint that fails is tried no more that round, its other deliveries waiting with it, untried; endpoints take turns;
and a round stops as soon as its process no longer holds the projector's lock."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID

import pytest
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.webhooks import WebhookDeliverer
from domain.application import Corral
from domain.webhook import webhook_endpoint_id
from projections.registry import view_of
from projections.webhooks import WebhooksView
from projections.webhooks.outbox import delivery_log, due
from tests.builders import ACUTE, ACUTE_ID, COMMUNITY, COMMUNITY_ID, administrator_of, narrative
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of
from tests.integration.test_webhook_receivers import Answers
from tests.webhook_receiver import RECEIVERS_NAME, RECEIVERS_NETWORK, Receiver

RETURNED = ["submission.returned"]


@pytest.fixture
def hooking(settings: Settings, receiver: Receiver) -> Settings:
    update = {
        "secret_key": SecretStr("k" * 48),
        "webhook_ca_file": receiver.ca_file,
        "webhook_timeout_seconds": 1.0,
        "webhook_allowed_networks": [RECEIVERS_NETWORK],
    }
    return settings.model_copy(update=update)


@pytest.fixture
def views(hooking: Settings) -> Iterator[Views]:
    with views_of(hooking) as views:
        yield views


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def registered(app: Corral, organisation_id: UUID, url: str) -> str:
    """The organisation's administrator registers `url` for returned evidence; the endpoint's id."""
    return str(app.register_webhook(administrator_of(organisation_id), url, RETURNED, "EPR").id)


class Returns:
    """The community's evidence for M1 of an agreed scheme, returned by the lead, revised, returned again, …"""

    def __init__(self, app: Corral) -> None:
        self.app, self.scheme_id = app, agreed_scheme(app).scheme_id
        self.submission_id: UUID | None = None

    def again(self, times: int = 1) -> None:
        for _ in range(times):
            if self.submission_id is None:
                self.submission_id = self.app.submit_evidence(COMMUNITY, self.scheme_id, "M1", narrative("Ours")).id
            else:
                self.app.revise_evidence(COMMUNITY, self.submission_id, narrative("Ours, again"), "As asked")
            self.app.return_evidence(ACUTE, self.submission_id, "Attach the audit.")


def deliverer(
    views: Views, settings: Settings, resolve: Answers, active: threading.Event | None = None
) -> WebhookDeliverer:
    return WebhookDeliverer(view_of(views.projections, WebhooksView), settings, active, resolve=resolve)


def test_a_dead_endpoint_is_tried_once_a_round_its_other_deliveries_wait_untried_and_another_organisation_is_served(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver, closed_port: int
) -> None:
    returns = Returns(app)
    dead = registered(app, COMMUNITY_ID, f"https://dead.{RECEIVERS_NAME}:{closed_port}/corral")
    served = registered(app, ACUTE_ID, receiver.named())
    returns.again(3)
    views.caught_up(app)
    answers = Answers("127.0.0.1")

    assert deliverer(views, hooking, answers).run_once() == 3

    view = view_of(views.projections, WebhooksView)
    assert len(receiver.inbox.received) == 3 and {d.status for d in delivery_log(view, served)} == {"delivered"}
    assert answers.asked.count(f"dead.{RECEIVERS_NAME}") == 1  # one try, one timeout at most, for the dead one
    tried, *waiting = reversed(delivery_log(view, dead))  # oldest first
    assert (tried.status, tried.attempts, tried.last_error) == ("failing", 1, "could not connect")
    assert [(d.status, d.attempts, d.next_attempt_at) for d in waiting] == [("pending", 0, tried.next_attempt_at)] * 2
    assert deliverer(views, hooking, answers).run_once() == 0 and answers.asked.count(f"dead.{RECEIVERS_NAME}") == 1


def test_endpoints_take_turns_so_one_with_much_waiting_does_not_fill_a_round(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver
) -> None:
    returns = Returns(app)
    busy = registered(app, COMMUNITY_ID, receiver.named("busy.test"))
    returns.again(3)
    other = registered(app, ACUTE_ID, receiver.named())
    returns.again()
    views.caught_up(app)

    first_two = due(view_of(views.projections, WebhooksView), datetime.now(UTC), limit=2)

    assert [row.endpoint_id for row in first_two] == [busy, other]


def test_a_lookup_that_never_answers_costs_no_more_than_the_timeout(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver
) -> None:
    returns = Returns(app)
    registered(app, COMMUNITY_ID, receiver.named())
    returns.again()
    views.caught_up(app)
    answered = threading.Event()

    class Stalling(Answers):
        def __call__(self, host: str, port: int) -> list[str]:
            answered.wait(30)
            return super().__call__(host, port)

    started = time.monotonic()
    try:
        assert deliverer(views, hooking, Stalling("127.0.0.1")).run_once() == 0
        elapsed = time.monotonic() - started
    finally:
        answered.set()

    (failed,) = delivery_log(view_of(views.projections, WebhooksView), registered_id(app, receiver))
    assert (failed.status, failed.last_error) == ("failing", "timed out") and receiver.inbox.received == []
    assert elapsed < 10 * hooking.webhook_timeout_seconds


def registered_id(app: Corral, receiver: Receiver) -> str:
    return str(webhook_endpoint_id(COMMUNITY_ID, receiver.named()))


@pytest.mark.parametrize(
    ("addresses", "delivered"),
    [(["127.0.0.2", "127.0.0.3", "127.0.0.1"], 1), (["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.1"], 0)],
    ids=["the receiver third", "the receiver fourth"],
)
def test_at_most_three_of_the_addresses_a_name_resolves_to_are_tried(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver, addresses: list[str], delivered: int
) -> None:
    returns = Returns(app)
    registered(app, COMMUNITY_ID, receiver.named())
    returns.again()
    views.caught_up(app)

    assert deliverer(views, hooking, Answers(*addresses)).run_once() == delivered

    assert len(receiver.inbox.received) == delivered


def test_a_round_stops_posting_as_soon_as_the_projectors_lock_is_lost(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver
) -> None:
    returns = Returns(app)
    registered(app, COMMUNITY_ID, receiver.named())
    returns.again(3)
    views.caught_up(app)
    active = threading.Event()
    active.set()

    class LosingTheLock(Answers):
        def __call__(self, host: str, port: int) -> list[str]:
            active.clear()  # another process takes the lock over while the first POST is under way
            return super().__call__(host, port)

    assert deliverer(views, hooking, LosingTheLock("127.0.0.1"), active).run_once() == 1

    log = delivery_log(view_of(views.projections, WebhooksView), registered_id(app, receiver))
    assert len(receiver.inbox.received) == 1
    assert sorted((d.status, d.attempts) for d in log) == [("delivered", 1), ("pending", 0), ("pending", 0)]
