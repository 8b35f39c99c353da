"""Webhooks to a real HTTPS receiver, on both databases: retried with a doubling wait while the receiver fails and
delivered once it recovers, with every try in the endpoint's delivery log; held while the endpoint is disabled;
signed with the newest secret after a rotation; and each organisation told only what it may read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from api.cli import main as cli
from api.storage.settings import Settings
from api.storage.wiring import build_application
from api.storage.webhooks import UnverifiedError, WebhookDeliverer, verify, webhook_secret
from domain.application import Corral
from domain.milestones import Quarter
from projections.registry import view_of
from projections.webhooks import WebhooksView
from projections.webhooks.outbox import delivery_log
from tests.builders import ACUTE, ACUTE_ID, COMMUNITY, COMMUNITY_ID, PROVIDERS, administrator_of, narrative
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of
from tests.webhook_receiver import RECEIVERS_NETWORK, Receiver

SERVER_KEY = "the server's secret key, for webhook tests"


@pytest.fixture
def hooking(settings: Settings, receiver: Receiver) -> Settings:
    update = {"secret_key": SecretStr(SERVER_KEY), "webhook_ca_file": receiver.ca_file, "webhook_retry_seconds": 30.0}
    return settings.model_copy(update=update | {"webhook_allowed_networks": [RECEIVERS_NETWORK]})


@pytest.fixture
def app(hooking: Settings) -> Iterator[Corral]:
    application = build_application(hooking)
    yield application
    application.close()


@pytest.fixture
def views(hooking: Settings) -> Iterator[Views]:
    with views_of(hooking) as views:
        yield views


def deliverer(views: Views, settings: Settings) -> WebhookDeliverer:
    return WebhookDeliverer(view_of(views.projections, WebhooksView), settings)


def community_returned_to(app: Corral, receiver: Receiver) -> str:
    """The community trust's administrator registers the receiver for returned evidence; ACUTE, the lead, returns
    the community's evidence. The endpoint's id."""
    return returned_evidence_told_to(app, receiver.url)


def returned_evidence_told_to(app: Corral, url: str) -> str:
    """The community trust's administrator registers `url` for returned evidence; ACUTE, the lead, returns the
    community's evidence. The endpoint's id."""
    scheme_id = agreed_scheme(app).scheme_id
    kinds = ["submission.returned"]
    endpoint_id = str(app.register_webhook(administrator_of(COMMUNITY_ID), url, kinds, "EPR").id)
    submitted = app.submit_evidence(COMMUNITY, scheme_id, "M1", narrative("Our own words")).id
    app.return_evidence(ACUTE, submitted, "Attach the audit.")
    return endpoint_id


def test_a_failing_receiver_is_tried_again_after_a_doubling_wait_and_each_try_is_in_the_delivery_log(
    app: Corral,
    views: Views,
    hooking: Settings,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    endpoint_id = community_returned_to(app, receiver)
    views.caught_up(app)
    webhooks = deliverer(views, hooking)
    view = view_of(views.projections, WebhooksView)
    receiver.inbox.at_most = 0

    assert webhooks.run_once() == 0
    assert webhooks.run_once() == 0  # not due again yet
    (first,) = delivery_log(view, endpoint_id)
    assert (first.status, first.attempts, first.last_status, first.last_error) == (
        "failing",
        1,
        503,
        "HTTP 503 Service Unavailable",
    )
    assert first.next_attempt_at is not None and first.last_attempt_at is not None
    assert first.next_attempt_at - first.last_attempt_at == timedelta(seconds=30)
    later = first.next_attempt_at + timedelta(seconds=1)
    assert webhooks.run_once(later) == 0
    (second,) = delivery_log(view, endpoint_id)
    assert second.attempts == 2 and second.next_attempt_at is not None and second.last_attempt_at is not None
    assert second.next_attempt_at - second.last_attempt_at == timedelta(seconds=60)
    for name, value in (
        ("CORRAL_DATABASE_URL", hooking.database_url),
        ("CORRAL_DATABASE_SCHEMA", hooking.database_schema),
    ):
        if value:
            monkeypatch.setenv(name, value)
    cli.main(["projections", "status"])
    shown = capsys.readouterr().out
    assert "Webhook outbox: 1 pending, 0 delivered, 1 failing" in shown and "Failing webhooks" in shown
    assert "HTTP 503" in shown and "Unavailable" in shown

    receiver.inbox.at_most = None
    assert webhooks.run_once(second.next_attempt_at + timedelta(seconds=1)) == 1

    (delivered,) = delivery_log(view, endpoint_id)
    assert (delivered.status, delivered.attempts, delivered.last_status, delivered.last_error) == (
        "delivered",
        3,
        204,
        None,
    )
    (request,) = receiver.inbox.received
    assert request.webhook_id == delivered.delivery_id
    verify(webhook_secret(SERVER_KEY, endpoint_id, 1), request.headers, request.body, datetime.now(UTC))
    document = json.loads(request.body)
    assert document["type"] == "submission.returned" and document["data"]["status"] == "returned"
    assert document["data"]["provider_name"] == "Devon Community Care Trust" and document["data"]["quarter"] == "Q1"
    assert "Our own words" not in request.body.decode() and "Attach the audit" not in request.body.decode()
    assert webhooks.run_once(datetime.now(UTC) + timedelta(days=1)) == 0  # delivered: never posted again


def test_a_disabled_endpoint_is_sent_nothing_until_enabled_and_a_rotated_secret_signs_what_waited(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver
) -> None:
    endpoint_id = community_returned_to(app, receiver)
    administrator = administrator_of(COMMUNITY_ID)
    app.disable_webhook(administrator, endpoint_id, "moving the receiver")
    views.caught_up(app)
    webhooks = deliverer(views, hooking)

    assert webhooks.run_once() == 0 and receiver.inbox.received == []

    app.rotate_webhook_secret(administrator, endpoint_id)
    app.enable_webhook(administrator, endpoint_id)
    views.caught_up(app)
    assert webhooks.run_once() == 1

    (request,) = receiver.inbox.received
    verify(webhook_secret(SERVER_KEY, endpoint_id, 2), request.headers, request.body, datetime.now(UTC))
    with pytest.raises(UnverifiedError):
        verify(webhook_secret(SERVER_KEY, endpoint_id, 1), request.headers, request.body, datetime.now(UTC))


def test_a_participant_is_told_of_its_own_part_of_a_pack_and_a_provider_outside_the_scheme_of_nothing(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver
) -> None:
    scheme_id = agreed_scheme(app).scheme_id
    for organisation, organisation_id in PROVIDERS.items():
        url = f"{receiver.url}/{organisation}"
        app.register_webhook(administrator_of(organisation_id), url, ["pack.presented", "quarter.closed"])
    for provider in (ACUTE, COMMUNITY):
        submitted = app.submit_evidence(provider, scheme_id, "M1", narrative(f"{provider.user_id}'s private words")).id
        app.accept_evidence(ACUTE, submitted)
    app.present_pack(ACUTE, scheme_id, Quarter.Q1)
    views.caught_up(app)

    assert deliverer(views, hooking).run_once() == 2

    told = {r.path.rsplit("/", 1)[-1]: json.loads(r.body)["data"] for r in receiver.inbox.received}
    assert sorted(told) == ["ACUTE", "COMMUNITY"]
    assert {e["provider_id"] for e in told["ACUTE"]["entries"]} == {str(ACUTE_ID), str(COMMUNITY_ID)}
    assert {e["provider_id"] for e in told["COMMUNITY"]["entries"]} == {str(COMMUNITY_ID)}
    assert all("private words" not in r.body.decode() for r in receiver.inbox.received)


def test_a_receiver_rejects_a_replayed_or_altered_webhook(
    app: Corral, views: Views, hooking: Settings, receiver: Receiver
) -> None:
    endpoint_id = community_returned_to(app, receiver)
    views.caught_up(app)
    deliverer(views, hooking).run_once()
    (request,) = receiver.inbox.received
    secret, sent_at = webhook_secret(SERVER_KEY, endpoint_id, 1), int(request.headers["webhook-timestamp"])

    verify(secret, request.headers, request.body, datetime.fromtimestamp(sent_at + 299, UTC))
    with pytest.raises(UnverifiedError, match="too old"):
        verify(secret, request.headers, request.body, datetime.fromtimestamp(sent_at + 301, UTC))
    with pytest.raises(UnverifiedError, match="no signature"):
        verify(secret, request.headers, request.body.replace(b"returned", b"accepted"), datetime.now(UTC))
    with pytest.raises(UnverifiedError, match="no signature"):
        verify(webhook_secret("another server's key", endpoint_id, 1), request.headers, request.body, datetime.now(UTC))
