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
from domain.limits import SHORT_TEXT, TextLimit, InvalidInputError, require_reason
from domain.organisation import OrganisationKind

URL = TextLimit(2000, one_line=True)


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


def checked_url(url: str) -> str:
    """An absolute https:// address with a host and no credentials in it; a refusal naming `url` otherwise."""
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
    ) -> WebhookEndpoint:
        """The organisation's own administrator registers an HTTPS address for event kinds the organisation may see."""
        actor.require_administrator_of(organisation_id)
        url, chosen = checked_url(url), checked_kinds(kinds, kind)
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

    def enable(self, actor: Actor) -> None:
        """Send to the endpoint again, what waited included; nothing to record if it is enabled."""
        actor.require_administrator_of(self.organisation_id)
        if not self.enabled:
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
