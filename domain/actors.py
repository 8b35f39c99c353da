"""Who acts: a user, the organisation they act for, and their role; or the platform operator, at the server."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from uuid import UUID

from domain import ids
from domain.errors import NotPermittedError
from domain.limits import USER_ID

PLATFORM_ID = ids.platform_id()
# A value object's field marked so is never written into an event (domain/transcoding.py): it is read afresh.
UNRECORDED = {"recorded": False}
OPERATOR_PREFIX = "operator:"
SYSTEM_PREFIX = "corral:"
CLIENT_PREFIX = "client:"  # an API client acting for its organisation (domain/api_client.py)


class Role(Enum):
    COMMISSIONER = "commissioner"
    # Reads what commissioner staff read, changes nothing but payment statements, which it alone may issue above the
    # programme's approval threshold.
    FINANCE_APPROVER = "finance approver"
    PROVIDER = "provider"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"
    # No user account holds this role (user_account.ROLES_BY_KIND), so no token can carry it: only the server's
    # command line acts as the operator.
    OPERATOR = "operator"
    # Nor this: only Corral itself acts as the system, e.g. the projector's reminders.
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """The acting user and the one organisation they belong to."""

    user_id: str
    organisation_id: UUID
    role: Role
    # The programmes an auditor is granted, as their account holds them now; never recorded, and not part of who
    # acted (so an event's actor still equals the actor that recorded it).
    programmes: frozenset[UUID] = field(default=frozenset(), compare=False, metadata=UNRECORDED)

    def __post_init__(self) -> None:
        USER_ID.check(self.user_id, "user_id")

    @property
    def is_client(self) -> bool:
        """True for another system acting through an API client, rather than a person."""
        return self.user_id.startswith(CLIENT_PREFIX)

    @classmethod
    def operator(cls, login: str) -> Actor:
        """The platform operator, named by the login they run the server's command line as."""
        return cls(f"{OPERATOR_PREFIX}{login}", PLATFORM_ID, Role.OPERATOR)

    @classmethod
    def system(cls, duty: str) -> Actor:
        """Corral itself, doing a duty no person asked for at that moment (e.g. `reminders`)."""
        return cls(f"{SYSTEM_PREFIX}{duty}", PLATFORM_ID, Role.SYSTEM)

    def require_system(self) -> None:
        """Raise unless this is Corral itself acting."""
        if self.role is not Role.SYSTEM:
            raise NotPermittedError("only Corral itself sends reminders")

    def require_commissioner_of(self, commissioner_id: UUID) -> None:
        """Raise unless this actor is staff of the given commissioner."""
        if self.role is not Role.COMMISSIONER or self.organisation_id != commissioner_id:
            raise NotPermittedError("only staff of this programme's commissioner may do this")

    def require_provider(self, provider_id: UUID) -> None:
        """Raise unless this actor is staff of the given provider."""
        if self.role is not Role.PROVIDER or self.organisation_id != provider_id:
            raise NotPermittedError("only staff of this provider may do this")

    def require_operator(self) -> None:
        """Raise unless this is the platform operator, who alone registers organisations."""
        if self.role is not Role.OPERATOR:
            raise NotPermittedError("only the platform operator registers organisations, at the server")

    def reads_as(self, role: Role, programme_id: UUID) -> bool:
        """True when this actor reads the programme as `role`'s staff do: as that staff, or as an auditor of the same
        organisation granted the programme (read-only: no command accepts an auditor); a finance approver reads as
        commissioner staff do."""
        if self.role is role or (role is Role.COMMISSIONER and self.role is Role.FINANCE_APPROVER):
            return True
        return self.role is Role.AUDITOR and programme_id in self.programmes

    @property
    def manages_accounts(self) -> bool:
        """True for an administrator or the platform operator: the roles that ever manage others' accounts."""
        return self.role in (Role.ADMINISTRATOR, Role.OPERATOR)

    def administers(self, organisation_id: UUID) -> bool:
        """True for the organisation's own administrator, and for the platform operator."""
        if self.role is Role.OPERATOR:
            return True
        return self.role is Role.ADMINISTRATOR and self.organisation_id == organisation_id

    def require_administrator_of(self, organisation_id: UUID) -> None:
        """Raise unless this actor administers the given organisation."""
        if not self.administers(organisation_id):
            raise NotPermittedError("only this organisation's administrator may do this")
