"""Keep the endpoints and the facts that decide who may read an event; for each event of a kind an enabled endpoint
chose, whose organisation may read it, one delivery in the outbox, in the event's own transaction."""

from __future__ import annotations

import json
from functools import singledispatchmethod
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.persistence import Tracking
from sqlalchemy import select

from domain.organisation import Organisation
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme
from domain.submission import Submission
from domain.webhook import WebhookEndpoint
from projections.facts import review_row, submission_row
from projections.projection import ViewProjection
from projections.webhooks.known import ViewFacts
from projections.webhooks.payloads import TELLERS, Told, told
from projections.webhooks.view import WebhooksView


def delivery_id(endpoint_id: str, position: int) -> str:
    """The webhook-id of an event's delivery to an endpoint: the same on every try, and after any rebuild."""
    return f"msg_{uuid5(UUID(endpoint_id), str(position)).hex}"


def body(delivery: str, kind: str, occurred_at: Any, data: dict[str, Any]) -> str:
    """The JSON posted: its id, its kind, when the event happened, and what the organisation may read of it."""
    document = {"id": delivery, "type": kind, "timestamp": occurred_at.isoformat(), "data": data}
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


class WebhooksProjection(ViewProjection[WebhooksView]):
    """Endpoints and facts from their events; deliveries from the events `payloads` tells of."""

    def __init__(self, view: WebhooksView) -> None:
        super().__init__(view)
        self.facts = ViewFacts(view)

    @classmethod
    def default_acts_on(cls) -> tuple[type, ...]:
        """The events some webhook tells of."""
        return TELLERS.classes

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Queue the deliveries the event makes, if any."""
        if self.view.delivers:
            self._deliver(domain_event, tracking)

    @process_event.register
    def _(self, e: WebhookEndpoint.EndpointRegistered, tracking: Tracking) -> None:
        row = {
            "id": str(e.originator_id),
            "organisation_id": str(e.organisation_id),
            "url": e.url,
            "kinds": " ".join(e.kinds),
            "description": e.description,
            "enabled": True,
            "generation": 1,
            "version": e.originator_version,
            "registered_at": e.timestamp,
        }
        self.view.stage(self.view.endpoints, row)
        self.facts.forget(("endpoints", row["organisation_id"]))

    @process_event.register(WebhookEndpoint.Disabled)
    @process_event.register(WebhookEndpoint.Enabled)
    def _(self, e: WebhookEndpoint.Disabled | WebhookEndpoint.Enabled, tracking: Tracking) -> None:
        enabled = isinstance(e, WebhookEndpoint.Enabled)
        self._endpoint(e, enabled=enabled)
        self.facts.forget_endpoints_of(e.originator_id)

    @process_event.register
    def _(self, e: WebhookEndpoint.SecretRotated, tracking: Tracking) -> None:
        self._endpoint(e, generation=e.generation)

    def _endpoint(self, e: Any, **values: Any) -> None:
        self.view.stage_update(
            self.view.endpoints, {"id": str(e.originator_id)}, version=e.originator_version, **values
        )

    @process_event.register
    def _(self, e: Organisation.Registered, tracking: Tracking) -> None:
        self.view.stage(self.view.organisations, {"id": str(e.originator_id), "name": e.name})
        self.facts.forget(("organisation", e.originator_id))

    @process_event.register
    def _(self, e: Organisation.Renamed, tracking: Tracking) -> None:
        self.view.stage_update(self.view.organisations, {"id": str(e.originator_id)}, name=e.name)
        self.facts.forget(("organisation", e.originator_id))

    @process_event.register
    def _(self, e: Programme.SetUp, tracking: Tracking) -> None:
        row = {"id": str(e.originator_id), "commissioner_id": str(e.commissioner_id)}
        self.view.stage(self.view.programmes, row)
        self.facts.forget(("programme", e.originator_id))

    @process_event.register
    def _(self, e: Scheme.Drafted, tracking: Tracking) -> None:
        row = {
            "id": str(e.originator_id),
            "programme_id": str(e.programme_id),
            "commissioner_id": str(e.commissioner_id),
            "title": e.terms.title,
            "terms_version": 1,
        }
        self.view.stage(self.view.schemes, row)
        self._participants(e.originator_id, 1, e)
        self.facts.forget(("scheme", e.originator_id))

    @process_event.register(Scheme.DraftAmended)
    @process_event.register(Scheme.VariationProposed)
    def _(self, e: Scheme.DraftAmended | Scheme.VariationProposed, tracking: Tracking) -> None:
        t = self.view.schemes
        version = self.view.reader.execute(select(t.c.terms_version).where(t.c.id == str(e.originator_id))).scalar_one()
        self.view.stage_update(t, {"id": str(e.originator_id)}, title=e.terms.title, terms_version=version + 1)
        self._participants(e.originator_id, version + 1, e)
        self.facts.forget(("scheme", e.originator_id))

    def _participants(self, scheme_id: UUID, version: int, e: Any) -> None:
        for p in e.terms.participants:
            row = {"scheme_id": str(scheme_id), "terms_version": version, "provider_id": str(p.provider_id)}
            self.view.stage(self.view.participants, row)

    @process_event.register
    def _(self, e: Scheme.Agreed, tracking: Tracking) -> None:
        self.view.stage_update(self.view.schemes, {"id": str(e.originator_id)}, agreed_version=e.terms_version)
        self.facts.forget(("scheme", e.originator_id))

    @process_event.register(Programme.LeadProviderDesignated)
    @process_event.register(Programme.LeadProviderRedesignated)
    def _(self, e: Programme.LeadProviderDesignated | Programme.LeadProviderRedesignated, tracking: Tracking) -> None:
        self.view.stage_update(self.view.schemes, {"id": str(e.scheme_id)}, lead_id=str(e.provider_id))
        self.facts.forget(("scheme", e.scheme_id))

    @process_event.register
    def _(self, e: Submission.EvidenceSubmitted, tracking: Tracking) -> None:
        row = submission_row(e)
        self.view.stage(self.view.submissions, row)
        self.facts.learn_submission(e.originator_id, row)

    @process_event.register
    def _(self, e: QuarterReview.Opened, tracking: Tracking) -> None:
        row = review_row(e)
        self.view.stage(self.view.reviews, row)
        self.facts.learn_review(e.originator_id, row)

    def _deliver(self, e: Any, tracking: Tracking) -> None:
        tellings = told(e, self.facts)
        if not tellings:
            return
        rows = []
        for telling in tellings:
            for endpoint in self.facts.endpoints(str(telling.organisation_id)):
                if _wants(endpoint.kinds, telling):
                    rows.append(self._row(endpoint.id, telling, e, tracking.notification_id))
        self.view.stage_new(self.view.outbox, rows)

    @staticmethod
    def _row(endpoint_id: str, telling: Told, e: Any, position: int) -> dict[str, Any]:
        delivery = delivery_id(endpoint_id, position)
        return {
            "delivery_id": delivery,
            "position": position,
            "endpoint_id": endpoint_id,
            "kind": telling.kind.value,
            "body": body(delivery, telling.kind.value, e.timestamp, telling.data),
            "created_at": e.timestamp,
            "attempts": 0,
        }


def _wants(kinds: str, telling: Told) -> bool:
    return telling.kind.value in kinds.split()
