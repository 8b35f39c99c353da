"""Organisations: the commissioners and providers whose staff use Corral."""

from __future__ import annotations

from enum import Enum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.actors import Actor
from domain.errors import DomainError
from domain.limits import NAME, ORGANISATION_CODE, require_reason


class OrganisationKind(Enum):
    COMMISSIONER = "commissioner"
    PROVIDER = "provider"


class InvalidOrganisationError(DomainError):
    """An organisation needs a code and a name."""


class WrongKindOfOrganisationError(DomainError):
    """A provider was named where a commissioner is needed, or the other way round."""


class Organisation(Aggregate):
    """A commissioner or a provider; users belong to exactly one."""

    class Registered(Aggregate.Created):
        code: str
        name: str
        kind: OrganisationKind
        actor: Actor

    class Renamed(Aggregate.Event):
        name: str
        reason: str
        actor: Actor

    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return ids.organisation_id(code)

    @classmethod
    def register(cls, actor: Actor, code: str, name: str, kind: OrganisationKind) -> Organisation:
        """The platform operator registers an organisation under its code."""
        actor.require_operator()
        code, name = ORGANISATION_CODE.check(code, "code"), NAME.check(name, "name")
        if not code.strip() or not name.strip():
            raise InvalidOrganisationError("an organisation needs a code and a name")
        created: Organisation = cls(code=code.strip(), name=name.strip(), kind=kind, actor=actor)
        return created

    @event(Registered)
    def __init__(self, code: str, name: str, kind: OrganisationKind, actor: Actor) -> None:
        self.code = code
        self.name = name
        self.kind = kind

    def rename(self, actor: Actor, name: str, reason: str) -> None:
        """The organisation's own administrator (or the platform operator) records a new name, e.g. after a merger."""
        actor.require_administrator_of(self.id)
        name = NAME.check(name, "name")
        if not name.strip():
            raise InvalidOrganisationError("an organisation needs a name")
        self._renamed(name=name.strip(), reason=require_reason(reason, "a rename"), actor=actor)

    def require_kind(self, kind: OrganisationKind) -> None:
        """Raise unless this organisation is of the given kind."""
        if self.kind is not kind:
            raise WrongKindOfOrganisationError(f"{self.name} is not a {kind.value}")

    @event(Renamed)
    def _renamed(self, name: str, reason: str, actor: Actor) -> None:
        self.name = name
