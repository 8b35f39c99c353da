"""Webhooks reach only receivers outside Corral's network, on both databases: the deliverer looks the host up once,
refuses (as a failed delivery, tried again later, never posted) a name that resolves to an address inside a network,
connects to the very address it checked while TLS still checks the certificate against the name, lets a receiver in
a network the deployment allows through, and says what went wrong coarsely, never in the network stack's words."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.webhooks import WebhookDeliverer
from domain.application import Corral
from projections.registry import view_of
from projections.webhooks import WebhooksView
from projections.webhooks.outbox import Delivery, delivery_log
from tests.integration.read_models import Views, views_of
from tests.integration.test_webhooks import returned_evidence_told_to
from tests.webhook_receiver import RECEIVERS_NAME, RECEIVERS_NETWORK, Receiver, self_signed


class Answers:
    """A resolver that gives these addresses for any name (or fails to find it), and keeps the names it was asked."""

    def __init__(self, *addresses: str) -> None:
        self.addresses, self.asked = list(addresses), list[str]()

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if not self.addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.addresses


@pytest.fixture
def hooking(settings: Settings, receiver: Receiver) -> Settings:
    update = {"secret_key": SecretStr("k" * 48), "webhook_ca_file": receiver.ca_file, "webhook_timeout_seconds": 1.0}
    return settings.model_copy(update=update)


@pytest.fixture
def views(hooking: Settings) -> Iterator[Views]:
    with views_of(hooking) as views:
        yield views


def delivered_to(app: Corral, views: Views, settings: Settings, url: str, answers: Answers) -> tuple[int, Delivery]:
    """The community registers `url` for returned evidence, evidence of its is returned, and the deliverer (with this
    resolver) runs once: how many it delivered, and the delivery as the endpoint's log shows it."""
    endpoint_id = returned_evidence_told_to(app, url)
    views.caught_up(app)
    view = view_of(views.projections, WebhooksView)
    count = WebhookDeliverer(view, settings, resolve=answers).run_once()
    (delivery,) = delivery_log(view, endpoint_id)
    return count, delivery


def allowing_the_receivers_network(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allowed_networks": [RECEIVERS_NETWORK]})


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["203.0.113.9", "10.0.0.1"], ["::ffff:127.0.0.1"], ["169.254.169.254"], ["fd00::1"]],
    ids=["loopback", "a public and a private address", "IPv4-mapped loopback", "metadata service", "unique-local"],
)
def test_a_name_resolving_inside_a_network_is_refused_and_tried_again_later_never_posted(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver, addresses: list[str]
) -> None:
    count, refused = delivered_to(app, views, hooking, receiver.named(), Answers(*addresses))

    assert count == 0 and receiver.inbox.received == []
    assert (refused.status, refused.attempts, refused.last_status) == ("failing", 1, None)
    assert refused.last_error == f"{RECEIVERS_NAME} resolves to an address inside a private network: refused"
    assert refused.next_attempt_at is not None and refused.last_attempt_at is not None
    assert refused.next_attempt_at - refused.last_attempt_at == timedelta(seconds=hooking.webhook_retry_seconds)


def test_in_a_network_the_deployment_allows_the_receiver_gets_it_at_the_address_looked_up_once_by_name(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver
) -> None:
    answers = Answers("127.0.0.1")  # no resolver but this one knows the name: only the pinned address reaches it

    count, delivered = delivered_to(app, views, allowing_the_receivers_network(hooking), receiver.named(), answers)

    assert count == 1 and (delivered.status, delivered.last_status, delivered.last_error) == ("delivered", 204, None)
    (request,) = receiver.inbox.received
    assert answers.asked == [RECEIVERS_NAME] and request.headers["host"] == f"{RECEIVERS_NAME}:{receiver.port}"


def test_a_pinned_address_still_needs_a_certificate_for_the_name(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver
) -> None:
    allowed = allowing_the_receivers_network(hooking)

    count, refused = delivered_to(app, views, allowed, receiver.named("elsewhere.test"), Answers("127.0.0.1"))

    assert count == 0 and receiver.inbox.received == []
    assert (refused.status, refused.last_error) == ("failing", "TLS certificate not trusted")


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 that takes connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield int(listener.getsockname()[1])


@pytest.mark.parametrize(
    ("where", "said"),
    [("closed", "could not connect"), ("silent", "timed out"), ("unknown", "the host name could not be found")],
)
def test_what_went_wrong_is_said_coarsely_never_in_the_network_stacks_words(
    app: Corral,
    views: Views,
    hooking: Settings,
    closed_port: int,
    silent_port: int,
    where: str,
    said: str,
) -> None:
    port = {"closed": closed_port, "silent": silent_port, "unknown": 8443}[where]
    answers = Answers() if where == "unknown" else Answers("127.0.0.1")
    url = f"https://{RECEIVERS_NAME}:{port}/corral"

    count, failed = delivered_to(app, views, allowing_the_receivers_network(hooking), url, answers)

    assert count == 0 and (failed.status, failed.last_status, failed.last_error) == ("failing", None, said)


@pytest.fixture
def trickling(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A TLS port on 127.0.0.1 that answers a header a byte at a time, for ever; and its certificate's file."""
    (folder := tmp_path / "trickling").mkdir()
    certificate, key = self_signed(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    listener, stopping = socket.create_server(("127.0.0.1", 0)), threading.Event()

    def answer_slowly() -> None:
        try:
            connection, _ = listener.accept()
            with context.wrap_socket(connection, server_side=True) as tls:
                tls.recv(65536)
                tls.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stopping.wait(0.2):
                    tls.sendall(b"x")
        except OSError:
            pass  # cut off by the deliverer, or stopped

    threading.Thread(target=answer_slowly, daemon=True).start()
    yield int(listener.getsockname()[1]), certificate
    stopping.set()
    listener.close()


def test_a_receiver_answering_a_byte_at_a_time_is_cut_off_when_the_timeout_has_passed(
    app: Corral, views: Views, hooking: Settings, trickling: tuple[int, Path]
) -> None:
    port, certificate = trickling
    settings = allowing_the_receivers_network(hooking).model_copy(update={"webhook_ca_file": certificate})
    started = time.monotonic()

    count, failed = delivered_to(app, views, settings, f"https://{RECEIVERS_NAME}:{port}/corral", Answers("127.0.0.1"))

    assert count == 0 and (failed.status, failed.last_error) == ("failing", "timed out")
    assert time.monotonic() - started < 10 * hooking.webhook_timeout_seconds
