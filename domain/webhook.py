"""Webhook endpoints: an organisation's own administrator registers an HTTPS address that is told of the event kinds
it chose, disables and enables it, and rotates its signing secret. The secret is never recorded: it is derived from
the server's secret key, the endpoint's id and its generation (api/storage/webhooks.py), so a rotation records only
the next generation."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from urllib.parse import urlsplit
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor
from domain.ids import CORRAL
from domain.limits import ENABLED_WEBHOOKS_PER_ORGANISATION, SHORT_TEXT, TextLimit, InvalidInputError
from domain.limits import require_reason
from domain.organisation import OrganisationKind
from domain.receiver_address import Network, written_host_refusal

URL = TextLimit(2000, one_line=True)
RECEIVER_PORTS_FROM = 1024  # below it only 443: the rest are other services' well-known ports


class WebhookKind(Enum):
    """What an endpoint may be told of."""

    SUBMISSION_RETURNED = "submission.returned"
    PACK_PRESENTED = "pack.presented"
    MILESTONE_ASSESSED = "milestone.assessed"  # an assessment, its revision on appeal, or a restatement
    QUARTER_CLOSED = "quarter.closed"
    STATEMENT_ISSUED = "statement.issued"


# Each kind has events both kinds of organisation may read (DOMAIN.md's who-may-do-what): a provider its own returned
# evidence (or, as lead, the scheme's), its part of a pack, its own assessments, the quarters of its schemes and its
# own statements. Which events of a kind reach an organisation is decided event by event (projections/webhooks).
KINDS_SEEN_BY: dict[OrganisationKind, frozenset[WebhookKind]] = {
    OrganisationKind.COMMISSIONER: frozenset(WebhookKind),
    OrganisationKind.PROVIDER: frozenset(WebhookKind),
}


def webhook_endpoint_id(organisation_id: UUID, url: str) -> UUID:
    """One organisation's endpoint at one address (the address as given: its path is case-sensitive)."""
    return uuid5(CORRAL, f"webhook/{organisation_id}/{url}")


def checked_url(url: str, allowed: Iterable[Network] = ()) -> str:
    """An absolute https:// address with a host and no credentials in it, on port 443 or one from 1024, not written
    as an address inside a network (unless in an `allowed` one) nor localhost; a refusal naming `url` otherwise."""
    url = URL.check(url, "url").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInputError("url", "give the address as https://host/path") from None
    if parts.scheme != "https":
        raise InvalidInputError("url", "a webhook is sent only to an https:// address")
    if not parts.hostname or parts.username is not None or parts.password is not None or port == 0:
        raise InvalidInputError("url", "give the address as https://host/path, with no user name or password in it")
    if port is not None and port != 443 and port < RECEIVER_PORTS_FROM:
        raise InvalidInputError(
            "url", f"a webhook goes to port 443 or a port from {RECEIVER_PORTS_FROM} to 65535, not {port}"
        )
    if refusal := written_host_refusal(parts.hostname, allowed):
        raise InvalidInputError("url", refusal)
    return url


def checked_kinds(kinds: Iterable[str], organisation: OrganisationKind) -> tuple[str, ...]:
    """The kinds named, each once, in the order of WebhookKind; a refusal naming `kinds` for none or an unknown."""
    named = set(kinds)
    known = {k.value for k in KINDS_SEEN_BY[organisation]}
    if not named:
        raise InvalidInputError("kinds", "choose at least one kind of event")
    if unknown := sorted(named - known):
        choices = ", ".join(k.value for k in WebhookKind)
        raise InvalidInputError("kinds", f"{', '.join(unknown)}: not a kind a {organisation.value} may see ({choices})")
    return tuple(k.value for k in WebhookKind if k.value in named)


def require_room_for_one_more(enabled_already: int) -> None:
    """A refusal naming `endpoints` when the organisation has as many endpoints enabled as it may."""
    if enabled_already >= ENABLED_WEBHOOKS_PER_ORGANISATION:
        raise InvalidInputError(
            "endpoints",
            f"an organisation may have at most {ENABLED_WEBHOOKS_PER_ORGANISATION} webhook endpoints enabled at once, "
            "and yours has that many: disable one you no longer use first",
        )


class WebhookEndpoint(Aggregate):
    """An address an organisation's events of the chosen kinds are posted to, signed with the endpoint's secret."""

    class EndpointRegistered(Aggregate.Created):
        organisation_id: UUID
        url: str
        kinds: tuple[str, ...]
        description: str
        actor: Actor

    class Disabled(Aggregate.Event):
        reason: str
        actor: Actor

    class Enabled(Aggregate.Event):
        actor: Actor

    class SecretRotated(Aggregate.Event):
        generation: int
        actor: Actor

    @staticmethod
    def create_id(organisation_id: UUID, url: str, **_: object) -> UUID:
        return webhook_endpoint_id(organisation_id, url)

    @classmethod
    def register(
        cls,
        actor: Actor,
        organisation_id: UUID,
        kind: OrganisationKind,
        url: str,
        kinds: Iterable[str],
        description: str,
        allowed: Iterable[Network] = (),
        enabled_already: int = 0,
    ) -> WebhookEndpoint:
        """The organisation's own administrator registers an HTTPS address for event kinds the organisation may see,
        while it has fewer than the most endpoints enabled; an address inside a network only if in an `allowed` one."""
        actor.require_administrator_of(organisation_id)
        require_room_for_one_more(enabled_already)
        url, chosen = checked_url(url, allowed), checked_kinds(kinds, kind)
        described = SHORT_TEXT.check(description, "description").strip()
        created: WebhookEndpoint = cls(
            organisation_id=organisation_id, url=url, kinds=chosen, description=described, actor=actor
        )
        return created

    @event(EndpointRegistered)
    def __init__(self, organisation_id: UUID, url: str, kinds: tuple[str, ...], description: str, actor: Actor) -> None:
        self.organisation_id = organisation_id
        self.url = url
        self.kinds = tuple(kinds)
        self.description = description
        self.enabled = True
        self.generation = 1

    def disable(self, actor: Actor, reason: str) -> None:
        """Stop posting to the endpoint (nothing new is queued; what is queued waits); nothing recorded if disabled."""
        actor.require_administrator_of(self.organisation_id)
        reason = require_reason(reason, "disabling a webhook")
        if self.enabled:
            self._disabled(reason=reason, actor=actor)

    @event(Disabled)
    def _disabled(self, reason: str, actor: Actor) -> None:
        self.enabled = False

    def enable(self, actor: Actor, enabled_already: int = 0) -> None:
        """Send to the endpoint again, what waited included, if its organisation has room for one more enabled
        endpoint; nothing to record if it is enabled."""
        actor.require_administrator_of(self.organisation_id)
        if not self.enabled:
            require_room_for_one_more(enabled_already)
            self._enabled(actor=actor)

    @event(Enabled)
    def _enabled(self, actor: Actor) -> None:
        self.enabled = True

    def rotate_secret(self, actor: Actor) -> None:
        """A new secret, of the next generation; the old one stops signing at once."""
        actor.require_administrator_of(self.organisation_id)
        self._secret_rotated(generation=self.generation + 1, actor=actor)

    @event(SecretRotated)
    def _secret_rotated(self, generation: int, actor: Actor) -> None:
        self.generation = generation


class WebhookRoster(Aggregate):
    """Which of an organisation's endpoints are enabled, as one aggregate per organisation: each registering,
    enabling and disabling records the roster anew in the same transaction as the endpoint's event, so two at once
    (both read the same version) cannot both be saved, and the most enabled at once holds under concurrency."""

    class Started(Aggregate.Created):
        organisation_id: UUID
        enabled: tuple[str, ...]
        actor: Actor

    class Changed(Aggregate.Event):
        enabled: tuple[str, ...]
        actor: Actor

    @staticmethod
    def create_id(organisation_id: UUID, **_: object) -> UUID:
        return uuid5(CORRAL, f"webhook-roster/{organisation_id}")

    @classmethod
    def start(cls, actor: Actor, organisation_id: UUID, enabled: Iterable[str]) -> WebhookRoster:
        """An organisation's roster, begun with the endpoints it has enabled already (those enabled before rosters
        were kept, read from the views once they include every event recorded)."""
        started: WebhookRoster = cls(organisation_id=organisation_id, enabled=tuple(sorted(set(enabled))), actor=actor)
        return started

    @event(Started)
    def __init__(self, organisation_id: UUID, enabled: tuple[str, ...], actor: Actor) -> None:
        self.organisation_id = organisation_id
        self.enabled = tuple(enabled)

    def others_than(self, endpoint_id: UUID) -> int:
        """How many endpoints other than this one are enabled."""
        return len(set(self.enabled) - {str(endpoint_id)})

    def record(self, actor: Actor, endpoint: WebhookEndpoint) -> None:
        """The endpoint as it now is, enabled or not: the roster's version moves on, so a concurrent change of the
        same organisation's endpoints is refused."""
        enabled = set(self.enabled) - {str(endpoint.id)} | ({str(endpoint.id)} if endpoint.enabled else set())
        self._changed(enabled=tuple(sorted(enabled)), actor=actor)

    @event(Changed)
    def _changed(self, enabled: tuple[str, ...], actor: Actor) -> None:
        self.enabled = tuple(enabled)
