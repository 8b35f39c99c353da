"""Webhook endpoint events in plain English: whose endpoint, where, for what, and each change to it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from domain.webhook import WebhookEndpoint, WebhookRoster
from projections.audit.context import Context, Lookup
from projections.audit.describe import Described, about, describes
from projections.audit.phrasing import name_of, who


def _endpoint(e: Any) -> str:
    return f"webhook endpoint {e.originator_id}"


@describes(WebhookEndpoint.EndpointRegistered)
def _registered(e: WebhookEndpoint.EndpointRegistered, lookup: Lookup) -> Described:
    kinds = ", ".join(e.kinds)
    text = f"{who(e, lookup)} registered {_endpoint(e)} at {_address(e.url)} for {kinds}"
    return about(Context(), text + (f" ({e.description})" if e.description else ""))


@describes(WebhookEndpoint.Disabled)
def _disabled(e: WebhookEndpoint.Disabled, lookup: Lookup) -> Described:
    return about(Context(), f"{who(e, lookup)} disabled {_endpoint(e)}: {e.reason}", e.reason)


@describes(WebhookEndpoint.Enabled)
def _enabled(e: WebhookEndpoint.Enabled, lookup: Lookup) -> Described:
    return about(Context(), f"{who(e, lookup)} enabled {_endpoint(e)} again")


@describes(WebhookEndpoint.SecretRotated)
def _secret_rotated(e: WebhookEndpoint.SecretRotated, lookup: Lookup) -> Described:
    return about(Context(), f"{who(e, lookup)} rotated the secret of {_endpoint(e)} (generation {e.generation})")


def _roster(e: WebhookRoster.Started | WebhookRoster.Changed, lookup: Lookup) -> Described:
    name = name_of(lookup, e.actor.organisation_id)
    return about(Context(), f"{who(e, lookup)} counted {len(e.enabled)} enabled webhook endpoints of {name}")


describes(WebhookRoster.Started)(_roster)
describes(WebhookRoster.Changed)(_roster)


def _address(url: str) -> str:
    """Where an endpoint is, without its query or fragment: a receiver may take a token there, and the trail is read
    more widely than the endpoint's own settings."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
