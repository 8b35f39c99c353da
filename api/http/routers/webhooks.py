"""Webhooks: an organisation's administrator registers HTTPS endpoints for kinds of event, disables and enables them,
rotates their secret, and reads each one's delivery log. The secret is shown in the answers that make it, never kept."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_ADMINISTRATOR, CurrentActor, ServerSettings, ViewsAfter, ViewsAtHead, WebhooksReadings
from api.http.paging import Paged
from api.http.reads import json_read
from api.http.routing import api_router
from api.storage.webhooks import webhook_secret
from domain.limits import SHORT_TEXT
from domain.webhook import URL, WebhookKind
from domain.webhooks import Seed
from projections.webhooks.view import WebhooksView
from projections.webhooks.queries import deliveries_of, enabled_endpoints, endpoints_of

router = api_router("/webhooks", tags=["webhooks"])


class EndpointIn(BaseModel):
    url: str = Field(max_length=URL.cap, description="an https:// address")
    kinds: list[WebhookKind] = Field(min_length=1, max_length=len(WebhookKind))
    description: str = Field(default="", max_length=SHORT_TEXT.cap)


class WebhookDisablingIn(BaseModel):
    reason: str = Field(max_length=SHORT_TEXT.cap)


class SecretOut(RecordedOut):
    secret: str = Field(description="whsec_ and base64: shown in this answer only")
    generation: int


def _with_secret(answer: JSONResponse, act: Act, settings: ServerSettings) -> JSONResponse:
    """The answer with the endpoint's secret of the generation it recorded; kept nowhere, not even with the
    Idempotency-Key's answer (a replay derives it again, from the endpoint as that answer left it)."""
    if answer.status_code >= 400:
        return answer
    body = json.loads(bytes(answer.body))
    generation = act.corral.webhook_endpoint(UUID(body["id"]), body["version"]).generation
    secret = webhook_secret(settings.signing_key(), body["id"], generation)
    body["generation"] = generation
    headers = {k: v for k, v in answer.headers.items() if k.lower() in ("etag", "idempotent-replayed")}
    return JSONResponse(body | {"secret": secret}, status_code=answer.status_code, headers=headers)


def enabled_of(act: Act, view: WebhooksView) -> Seed:
    """The organisation's enabled endpoints as the views say, once they include every event recorded (ViewsAtHead):
    read only to begin its roster, which counts them from then on."""
    return lambda: enabled_endpoints(view, act.actor.organisation_id)


@router.post("", status_code=201, response_model=SecretOut, dependencies=[BY_ADMINISTRATOR, ViewsAtHead])
def register_webhook(body: EndpointIn, act: Act, settings: ServerSettings, view: WebhooksReadings) -> JSONResponse:
    """Register an HTTPS endpoint of your organisation for kinds of event; the answer shows its secret, once."""
    kinds = [k.value for k in body.kinds]
    answer = act.run(
        f"register webhook {described(body)}",
        lambda: act.corral.register_webhook(act.actor, body.url, kinds, body.description, enabled_of(act, view)),
        201,
    )
    return _with_secret(answer, act, settings)


@router.get("", dependencies=[BY_ADMINISTRATOR])
def list_webhooks(actor: CurrentActor, view: WebhooksReadings, _: ViewsAfter, paging: Paged) -> Any:
    """Your organisation's endpoints, in order of address, a page at a time (never their secrets)."""
    page = paging.page(endpoints_of(view, actor.organisation_id), lambda e: (e.url, e.id))
    return paging.read([asdict(e) for e in page.rows], page.next_cursor)


@router.post("/{endpoint_id}/disablement", response_model=RecordedOut, dependencies=[BY_ADMINISTRATOR, ViewsAtHead])
def disable_webhook(endpoint_id: UUID, body: WebhookDisablingIn, act: Act, view: WebhooksReadings) -> JSONResponse:
    """Stop posting to the endpoint, saying why: nothing new is queued for it, and what is queued already waits."""
    enabled = enabled_of(act, view)
    return act.run(
        f"disable webhook {endpoint_id} {body.reason}",
        lambda: act.corral.disable_webhook(act.actor, endpoint_id, body.reason, act.expected_version, enabled),
    )


@router.post("/{endpoint_id}/enablement", response_model=RecordedOut, dependencies=[BY_ADMINISTRATOR, ViewsAtHead])
def enable_webhook(endpoint_id: UUID, act: Act, view: WebhooksReadings) -> JSONResponse:
    """Post to the endpoint again, starting with what waited."""
    enabled = enabled_of(act, view)
    return act.run(
        f"enable webhook {endpoint_id}",
        lambda: act.corral.enable_webhook(act.actor, endpoint_id, act.expected_version, enabled),
    )


@router.post("/{endpoint_id}/secret-rotation", response_model=SecretOut, dependencies=[BY_ADMINISTRATOR])
def rotate_webhook_secret(endpoint_id: UUID, act: Act, settings: ServerSettings) -> JSONResponse:
    """Sign with a new secret from now on (deliveries waiting too); the answer shows it, once."""
    answer = act.run(
        f"rotate webhook secret {endpoint_id}",
        lambda: act.corral.rotate_webhook_secret(act.actor, endpoint_id, act.expected_version),
    )
    return _with_secret(answer, act, settings)


@router.get("/{endpoint_id}/deliveries")
def webhook_deliveries(
    endpoint_id: UUID,
    actor: CurrentActor,
    view: WebhooksReadings,
    _: ViewsAfter,
    before: Annotated[int | None, Query(ge=1, description="only deliveries of events before this log position")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    """Your organisation's endpoint's deliveries, newest first: kind, attempts, status, the last answer's status and
    error, times. The administrator's only: to anyone else the endpoint does not exist."""
    log = deliveries_of(view, actor, endpoint_id, before, limit)
    return json_read([asdict(d) | {"status": d.status} for d in log])
