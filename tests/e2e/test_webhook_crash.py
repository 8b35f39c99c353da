"""Exactly once across a crash, over real HTTPS: with deliveries pending (some delivered, the rest refused by a
receiver that is down), the `corral projector` process is killed with SIGKILL and started again, and every webhook
arrives once, signed with its endpoint's secret; no organisation is told what it may not read."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest

from api.storage.settings import Settings
from api.storage.webhooks import verify, webhook_secret
from api.storage.wiring import build_application, build_views
from bench.servers import corral, corral_env, services
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.milestones import Quarter
from domain.webhook import WebhookKind
from projections.registry import view_of
from projections.webhooks import WebhooksView
from projections.webhooks.outbox import WebhookOutboxStatus, webhook_outbox_status
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID, PRIVATE_ID
from tests.builders import administrator_of, narrative
from tests.e2e.test_mail_crash import eventually
from tests.integration.given import agreed_scheme
from tests.webhook_receiver import RECEIVERS_NETWORK, Receiver, https_receiver

SERVER_KEY = "a server key for webhook tests, long enough to be one"
PRIVATE_WORDS = "Community's private narrative: 41 of 57 patients"
DELIVERED_BEFORE_THE_CRASH = 3
ALL_KINDS = [k.value for k in WebhookKind]


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    with https_receiver(tmp_path) as started:
        yield started


def registered(app: Corral, receiver: Receiver, organisation_id: UUID) -> str:
    """The organisation's administrator registers the receiver for every kind; the endpoint's id."""
    path = f"{receiver.url}/{organisation_id}"
    return str(app.register_webhook(administrator_of(organisation_id), path, ALL_KINDS, "our EPR").id)


def a_quarter_played(app: Corral, receiver: Receiver) -> dict[str, str]:
    """The commissioner, the community trust and the private hospital (in the programme, not the scheme) each have an
    endpoint; the lead returns the community's evidence, then accepts it, presents the pack, and the commissioner
    assesses both providers and closes the quarter. The endpoints' organisations by id."""
    scheme_id = agreed_scheme(app).scheme_id
    endpoints = {registered(app, receiver, o): str(o) for o in (COMMISSIONER_ID, COMMUNITY_ID, PRIVATE_ID)}
    submitted = app.submit_evidence(COMMUNITY, scheme_id, "M1", narrative(PRIVATE_WORDS)).id
    app.return_evidence(ACUTE, submitted, "Attach the audit itself.")
    app.revise_evidence(COMMUNITY, submitted, narrative(PRIVATE_WORDS + ", audit attached"), "as asked")
    app.accept_evidence(ACUTE, submitted)
    own = app.submit_evidence(ACUTE, scheme_id, "M1", narrative("Acute's own narrative")).id
    app.accept_evidence(ACUTE, own)
    app.present_pack(ACUTE, scheme_id, Quarter.Q1)
    for provider_id in (ACUTE_ID, COMMUNITY_ID):
        app.assess_milestone(COMMISSIONER, scheme_id, Quarter.Q1, provider_id, "M1", AssessmentStatus.MET, "Shown.")
    app.close_quarter(COMMISSIONER, scheme_id, Quarter.Q1)
    return endpoints


# The commissioner hears of all five; the community trust of its returned evidence, its part of the pack, its own
# assessment and the close; the private hospital, in the programme but not the scheme, of none.
EXPECTED = {
    str(COMMISSIONER_ID): [
        "submission.returned",
        "pack.presented",
        "milestone.assessed",
        "milestone.assessed",
        "quarter.closed",
    ],
    str(COMMUNITY_ID): ["submission.returned", "pack.presented", "milestone.assessed", "quarter.closed"],
}


def test_a_projector_killed_with_webhooks_pending_delivers_each_exactly_once_signed_and_only_what_each_may_read(
    settings: Settings, receiver: Receiver, tmp_path: Path
) -> None:
    app = build_application(settings.model_copy(update={"webhook_allowed_networks": [RECEIVERS_NETWORK]}))
    endpoints = a_quarter_played(app, receiver)
    app.close()
    database, projections = build_views(settings)
    view = view_of(projections, WebhooksView)
    env = corral_env(
        settings,
        secret_key=SERVER_KEY,
        webhook_ca_file=str(receiver.ca_file),
        webhook_allowed_networks=[str(RECEIVERS_NETWORK)],
        webhook_poll_seconds=0.05,
        webhook_retry_seconds=0.1,
        webhook_retry_max_seconds=0.2,
    )
    expected = sum(len(kinds) for kinds in EXPECTED.values())
    receiver.inbox.at_most = DELIVERED_BEFORE_THE_CRASH

    def status() -> WebhookOutboxStatus:
        return webhook_outbox_status(view)

    try:
        first = corral(env, "projector", log=tmp_path / "projector.log")
        with services(first.start()):
            eventually(lambda: status().delivered == DELIVERED_BEFORE_THE_CRASH and bool(status().failing), "part sent")
            first.kill()
        assert status().pending == expected - DELIVERED_BEFORE_THE_CRASH and receiver.inbox.refused > 0
        assert all(f.last_status == 503 and f.last_error for f in status().failing)
        receiver.inbox.at_most = None
        again = corral(env, "projector", log=tmp_path / "projector.log")
        with services(again.start()):
            eventually(lambda: status().delivered == expected, "every webhook delivered")
            time.sleep(0.5)  # a webhook posted twice would have arrived by now
        assert status().pending == 0
    finally:
        database.close()

    received = receiver.inbox.received
    assert len(received) == expected and set(Counter(r.webhook_id for r in received).values()) == {1}
    told: dict[str, list[str]] = {}
    for request in received:
        organisation_id = request.path.rsplit("/", 1)[-1]  # each endpoint's address ends with its organisation
        secret = webhook_secret(SERVER_KEY, _endpoint_id(endpoints, organisation_id), 1)
        verify(secret, request.headers, request.body, datetime.now(UTC))
        document = json.loads(request.body)
        assert document["id"] == request.webhook_id
        assert PRIVATE_WORDS not in request.body.decode() and "Attach the audit" not in request.body.decode()
        told.setdefault(organisation_id, []).append(document["type"])
    assert told == EXPECTED


def _endpoint_id(endpoints: dict[str, str], organisation_id: str) -> str:
    return next(endpoint for endpoint, organisation in endpoints.items() if organisation == organisation_id)
