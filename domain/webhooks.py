"""Use cases of an organisation's webhook endpoints: register, disable, enable, rotate the secret."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from uuid import UUID

from domain.actors import Actor
from domain.clock import Clock
from domain.errors import AlreadyExistsError, NotFoundError
from domain.organisation import Organisation
from domain.receiver_address import Network
from domain.service import EventSourcedService, Recorded, require_version
from domain.webhook import WebhookEndpoint, WebhookRoster

Seed = Callable[[], Iterable[str]]  # the ids of an organisation's enabled endpoints, read once for its new roster


def none_yet() -> tuple[str, ...]:
    """No endpoint enabled yet (an organisation that had none before rosters were kept)."""
    return ()


UNKNOWN_ENDPOINT = "no webhook endpoint with that id is yours to see"


class WebhookService(EventSourcedService):
    """An organisation's administrator looking after where its events are posted. Receivers may be inside the
    `webhook_networks` the deployment allows; anywhere else inside a network is refused."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        webhook_networks: Iterable[Network] = (),
    ) -> None:
        super().__init__(env, clock)
        self.webhook_networks = tuple(webhook_networks)

    def register_webhook(
        self, actor: Actor, url: str, kinds: Iterable[str], description: str = "", enabled: Seed = none_yet
    ) -> Recorded:
        """Register an HTTPS endpoint of the actor's organisation for the kinds of event it chose, if it has room for
        one more enabled (counted on its roster, begun with `enabled` if it has none yet)."""
        organisation = self._get(Organisation, actor.organisation_id)
        roster = self._roster(actor, organisation.id, enabled)
        endpoint = WebhookEndpoint.register(
            *(actor, organisation.id, organisation.kind, url, kinds, description),
            *(self.webhook_networks, len(roster.enabled)),
        )
        if self._find(WebhookEndpoint, endpoint.id) is not None:
            raise AlreadyExistsError("this organisation has an endpoint at that address already")
        roster.record(actor, endpoint)
        return self._save(endpoint, roster)

    def disable_webhook(
        self,
        actor: Actor,
        endpoint_id: UUID,
        reason: str,
        expected_version: int | None = None,
        enabled: Seed = none_yet,
    ) -> Recorded:
        """Stop posting to the endpoint: nothing new is queued for it, and what is queued already waits."""
        endpoint = self.webhook_to_manage(actor, endpoint_id, expected_version)
        endpoint.disable(actor, reason)
        return self._save_if_changed(actor, endpoint, lambda: self._roster(actor, endpoint.organisation_id, enabled))

    def enable_webhook(
        self, actor: Actor, endpoint_id: UUID, expected_version: int | None = None, enabled: Seed = none_yet
    ) -> Recorded:
        """Post to the endpoint again, starting with what waited, if its organisation has room for one more enabled
        (counted on its roster, begun with `enabled` if it has none yet)."""
        endpoint = self.webhook_to_manage(actor, endpoint_id, expected_version)
        roster = self._roster(actor, endpoint.organisation_id, enabled)
        endpoint.enable(actor, roster.others_than(endpoint.id))
        return self._save_if_changed(actor, endpoint, lambda: roster)

    def _roster(self, actor: Actor, organisation_id: UUID, enabled: Seed) -> WebhookRoster:
        """The organisation's roster of enabled endpoints; one begun with `enabled()` if it has none yet."""
        roster = self._find(WebhookRoster, WebhookRoster.create_id(organisation_id))
        return roster or WebhookRoster.start(actor, organisation_id, enabled())

    def rotate_webhook_secret(self, actor: Actor, endpoint_id: UUID, expected_version: int | None = None) -> Recorded:
        """Sign with a new secret from now on."""
        endpoint = self.webhook_to_manage(actor, endpoint_id, expected_version)
        endpoint.rotate_secret(actor)
        return self._save(endpoint)

    def webhook_endpoint(self, endpoint_id: UUID, version: int | None = None) -> WebhookEndpoint:
        """An endpoint (as it was at a version), or NotFoundError."""
        return self._get(WebhookEndpoint, endpoint_id, version)

    def webhook_to_manage(
        self, actor: Actor, endpoint_id: UUID, expected_version: int | None = None
    ) -> WebhookEndpoint:
        """The endpoint, if the actor administers its organisation; another's reads exactly like an unknown one."""
        endpoint = self._find(WebhookEndpoint, endpoint_id)
        if endpoint is None or not actor.administers(endpoint.organisation_id):
            raise NotFoundError(UNKNOWN_ENDPOINT)
        require_version(endpoint, expected_version)
        return endpoint

    def _save_if_changed(
        self, actor: Actor, endpoint: WebhookEndpoint, roster_of: Callable[[], WebhookRoster]
    ) -> Recorded:
        """Save what the command recorded, with the organisation's roster anew (a concurrent change of its endpoints
        is refused); one that recorded nothing (it was so already) answers as things stand."""
        if not endpoint.pending_events:
            return Recorded(endpoint.id, endpoint.version, self.recorder.max_notification_id() or 0)
        roster = roster_of()
        roster.record(actor, endpoint)
        return self._save(endpoint, roster)
