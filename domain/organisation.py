"""Organisations: the commissioners and providers whose staff use Corral."""

from __future__ import annotations

from enum import Enum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.actors import Actor
from domain.errors import DomainError, NotPermittedError
from domain.limits import NAME, ORGANISATION_CODE, InvalidInputError, require_reason


class OrganisationKind(Enum):
    COMMISSIONER = "commissioner"
    PROVIDER = "provider"


class Sector(Enum):
    """The part of the health service an organisation belongs to (seed 004 names one provider of each)."""

    ACUTE = "acute"
    COMMUNITY = "community"
    AMBULANCE = "ambulance"
    MENTAL_HEALTH = "mental-health"
    THIRD_SECTOR = "third-sector"
    INDEPENDENT_SECTOR = "independent-sector"
    ICB = "icb"
    NHS_ENGLAND = "nhs-england"

    @property
    def label(self) -> str:
        """As a person reads it: `mental health`, `CCG or ICB`, `NHS England`."""
        return {Sector.ICB: "CCG or ICB", Sector.NHS_ENGLAND: "NHS England"}.get(self, self.value.replace("-", " "))

    @property
    def kind(self) -> OrganisationKind:
        """Commissioners are CCGs (now ICBs) or NHS England; every other sector is a provider's."""
        commissioning = self in (Sector.ICB, Sector.NHS_ENGLAND)
        return OrganisationKind.COMMISSIONER if commissioning else OrganisationKind.PROVIDER

    def require_of(self, kind: OrganisationKind) -> Sector:
        """This sector, if an organisation of `kind` can be in it; a refusal naming the field otherwise."""
        if self.kind is not kind:
            choices = ", ".join(s.value for s in Sector if s.kind is kind)
            raise InvalidInputError("sector", f"a {kind.value}'s sector is one of {choices}")
        return self


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
        sector: Sector | None = None  # registrations before sectors were kept have none

    class SectorChanged(Aggregate.Event):
        sector: Sector
        reason: str
        actor: Actor

    class Renamed(Aggregate.Event):
        name: str
        reason: str
        actor: Actor

    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return ids.organisation_id(code)

    @classmethod
    def register(
        cls, actor: Actor, code: str, name: str, kind: OrganisationKind, sector: Sector | None = None
    ) -> Organisation:
        """The platform operator registers an organisation under its code, with its sector when known."""
        actor.require_operator()
        code, name = ORGANISATION_CODE.check(code, "code"), NAME.check(name, "name")
        if not code.strip() or not name.strip():
            raise InvalidOrganisationError("an organisation needs a code and a name")
        if sector is not None:
            sector.require_of(kind)
        created: Organisation = cls(code=code.strip(), name=name.strip(), kind=kind, actor=actor, sector=sector)
        return created

    @event(Registered)
    def __init__(
        self, code: str, name: str, kind: OrganisationKind, actor: Actor, sector: Sector | None = None
    ) -> None:
        self.code = code
        self.name = name
        self.kind = kind
        self.sector = sector

    def rename(self, actor: Actor, name: str, reason: str) -> None:
        """The organisation's own administrator (or the platform operator) records a new name, e.g. after a merger."""
        actor.require_administrator_of(self.id)
        name = NAME.check(name, "name")
        if not name.strip():
            raise InvalidOrganisationError("an organisation needs a name")
        self._renamed(name=name.strip(), reason=require_reason(reason, "a rename"), actor=actor)

    def change_sector(self, actor: Actor, sector: Sector, reason: str) -> None:
        """The organisation's own administrator (or the platform operator) records its sector, saying why."""
        actor.require_administrator_of(self.id)
        if sector.require_of(self.kind) is self.sector:
            raise InvalidInputError("sector", f"{self.name} is already recorded as {sector.label}")
        self._sector_changed(sector=sector, reason=require_reason(reason, "changing the sector"), actor=actor)

    @event(SectorChanged)
    def _sector_changed(self, sector: Sector, reason: str, actor: Actor) -> None:
        self.sector = sector

    def require_kind(self, kind: OrganisationKind) -> None:
        """Raise unless this organisation is of the given kind."""
        if self.kind is not kind:
            raise WrongKindOfOrganisationError(f"{self.name} is not a {kind.value}")

    @event(Renamed)
    def _renamed(self, name: str, reason: str, actor: Actor) -> None:
        self.name = name

    class SignInChosen(Aggregate.Event):
        password_sign_in: bool
        match_verified_email: bool
        actor: Actor

    def choose_sign_in(self, actor: Actor, password_sign_in: bool, match_verified_email: bool) -> None:
        """The organisation's own administrator chooses whether its users may sign in with a password, and whether an
        identity provider's verified email may link a first single sign-on to one of its accounts."""
        actor.require_administrator_of(self.id)
        if (password_sign_in, match_verified_email) == (self.password_sign_in, self.match_verified_email):
            raise SignInUnchangedError(f"{self.name} signs in that way already")
        self._sign_in_chosen(password_sign_in=password_sign_in, match_verified_email=match_verified_email, actor=actor)

    @event(SignInChosen)
    def _sign_in_chosen(self, password_sign_in: bool, match_verified_email: bool, actor: Actor) -> None:
        self.password_sign_in = password_sign_in
        self.match_verified_email = match_verified_email

    def require_password_sign_in(self) -> None:
        """Raise unless this organisation's users may sign in with a password."""
        if not self.password_sign_in:
            raise PasswordSignInOffError(
                f"{self.name} has switched password sign-in off: sign in with your organisation's single sign-on"
            )


class SignInUnchangedError(DomainError):
    """The organisation already signs in the way chosen."""


class PasswordSignInOffError(NotPermittedError):
    """The organisation's administrator switched password sign-in off: its users sign in with an identity provider."""


# What a snapshot taken before sectors were kept reads. Set on the class, not annotated in its body: an annotation
# would make the aggregate a dataclass.
Organisation.sector = None
# Until its administrator chooses otherwise, an organisation's users sign in with passwords, and a first single sign-on
# is linked to an account only by its administrator.
Organisation.password_sign_in = True
Organisation.match_verified_email = False
