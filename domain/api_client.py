"""API clients: another system acting for one organisation, with a role a person of it could hold and the scopes
its administrator chose. Its secret is held only as an argon2 hash; the caller makes the id and the secret."""

from __future__ import annotations

import re
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.account_rules import ROLES_BY_KIND, RoleNotForOrganisationError
from domain.actors import CLIENT_PREFIX, Actor, Role
from domain.errors import DomainError, NotPermittedError, listed
from domain.limits import NAME, InvalidInputError, require_reason
from domain.organisation import OrganisationKind

CLIENT_ID = re.compile(r"^[a-z0-9]{16,64}$")
# What a client may be allowed, one scope a kind of act; every API route names the scope it needs, or refuses clients.
SCOPES = {
    "progress:read": "read programmes, schemes, progress, dashboards, boards, reviews and assessments",
    "evidence:read": "read evidence, its attachments and the evidence packs",
    "evidence:submit": "upload attachments, and submit, revise and withdraw evidence",
    "reviews:write": "as a scheme's lead: accept and return evidence, nudge, present the pack",
    "assessments:write": "as the commissioner: query packs, assess, appeal, call in, close and restate",
    "schemes:write": "as the commissioner: set up programmes and schemes; as a party: sign them",
    "payments:read": "read payments, forecasts, what-ifs, statements and payment rules",
    "payments:write": "set the on-account basis, adopt payment rules and issue statements",
    "audit:read": "read the audit trail",
}

NEVER_A_CLIENTS = (Role.ADMINISTRATOR, Role.OPERATOR, Role.SYSTEM)  # roles no staff of an organisation act with


def client_roles(kind: OrganisationKind) -> list[Role]:
    """The roles a client of an organisation of this kind may act with: its staff's, but administrator and auditor."""
    return [role for role in ROLES_BY_KIND[kind] if role not in (*NEVER_A_CLIENTS, Role.AUDITOR)]


class ClientRoleError(DomainError):
    """A client acts with a role a person of its organisation could hold, and never as its administrator."""

    field = "role"


class UnknownScopeError(DomainError):
    """A client's scopes come from Corral's vocabulary of scopes, and it has at least one."""

    field = "scopes"


class ClientRevokedError(DomainError):
    """A revoked client acts no more, and is revoked only once."""


def scopes_named(scopes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The scopes, each once and in order; UnknownScopeError for none, or for one that is not Corral's."""
    unknown = sorted({s for s in scopes if s not in SCOPES})
    choose = f"choose from {listed(sorted(SCOPES))}"
    if unknown:
        named = listed([repr(s) for s in unknown], "or")
        raise UnknownScopeError(f"a client may not have the scope {named}, which Corral does not know: {choose}")
    if not scopes:
        raise UnknownScopeError(f"a client needs at least one scope: {choose}")
    return tuple(sorted(set(scopes)))


class ApiClient(Aggregate):
    """Another system's way in: its organisation, role and scopes, and its secret's hash; revoked, it acts no more."""

    revoked = False

    class Registered(Aggregate.Created):
        client_id: str
        organisation_id: UUID
        name: str
        role: Role
        scopes: tuple[str, ...]
        secret_hash: str
        actor: Actor

    class Revoked(Aggregate.Event):
        reason: str
        actor: Actor

    @staticmethod
    def create_id(client_id: str, **_: object) -> UUID:
        return ids.api_client_id(client_id)

    @classmethod
    def register(
        cls,
        actor: Actor,
        client_id: str,
        organisation_id: UUID,
        organisation_kind: OrganisationKind,
        name: str,
        role: Role,
        scopes: tuple[str, ...] | list[str],
        secret_hash: str,
    ) -> ApiClient:
        """The organisation's own administrator registers a client to act for it with `role`, within `scopes`."""
        if actor.role is not Role.ADMINISTRATOR or actor.organisation_id != organisation_id:
            raise NotPermittedError("only the organisation's own administrator registers its API clients")
        if not CLIENT_ID.match(client_id):
            raise InvalidInputError("client_id", "must be 16 to 64 lower-case letters and digits")
        if role is Role.AUDITOR:  # an auditor reads only the programmes granted to its account; no client has any
            raise ClientRoleError("a client may not act as auditor, which reads only programmes granted to a person")
        if role is Role.ADMINISTRATOR or role not in ROLES_BY_KIND[organisation_kind]:
            if role in NEVER_A_CLIENTS:
                raise ClientRoleError(f"a client may not act as {role.value}: choose a role staff hold")
            raise RoleNotForOrganisationError(f"a {organisation_kind.value} has no {role.value} staff")
        name = NAME.check(name, "name").strip()
        if not name:
            raise InvalidInputError("name", "a client needs a name, such as the system it is")
        registered: ApiClient = cls(
            client_id=client_id,
            organisation_id=organisation_id,
            name=name,
            role=role,
            scopes=scopes_named(scopes),
            secret_hash=secret_hash,
            actor=actor,
        )
        return registered

    @event(Registered)
    def __init__(
        self,
        client_id: str,
        organisation_id: UUID,
        name: str,
        role: Role,
        scopes: tuple[str, ...],
        secret_hash: str,
        actor: Actor,
    ) -> None:
        self.client_id = client_id
        self.organisation_id = organisation_id
        self.name = name
        self.role = role
        self.scopes = tuple(scopes)
        self.secret_hash = secret_hash

    def revoke(self, actor: Actor, reason: str) -> None:
        """The organisation's administrator stops the client at once, saying why; its history stays."""
        actor.require_administrator_of(self.organisation_id)
        if self.revoked:
            raise ClientRevokedError(f"the client {self.name} was revoked already")
        self._revoked(reason=require_reason(reason, "revoking a client"), actor=actor)

    @event(Revoked)
    def _revoked(self, reason: str, actor: Actor) -> None:
        self.revoked = True

    def is_visible_to(self, actor: Actor) -> bool:
        """Whether the actor may know of this client: its organisation's own administrator, or the operator."""
        return actor.administers(self.organisation_id)

    def as_actor(self) -> Actor:
        """The actor this client acts as: `client:<client id>` of its organisation, with its role."""
        if self.revoked:
            raise ClientRevokedError("this client was revoked")
        return Actor(f"{CLIENT_PREFIX}{self.client_id}", self.organisation_id, self.role)


class ScopeMissingError(NotPermittedError):
    """A client acts only within the scopes its token carries; what no scope names is for people only."""

    def __init__(self, needed: str | None) -> None:
        if needed is None:
            super().__init__("this is for people only: no API client may do it, whatever its scopes")
        else:
            super().__init__(f"this needs the scope {needed}, which the client's token does not carry")
        self.scope = needed


def require_scope(granted: frozenset[str], needed: str | None) -> None:
    """Raise unless `needed` is a scope and among those `granted` (None: the act is for people only)."""
    if needed is None or needed not in granted:
        raise ScopeMissingError(needed)
