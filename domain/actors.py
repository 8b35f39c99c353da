"""Who acts: a user, the organisation they act for, and their role."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from domain.errors import NotPermittedError
from domain.limits import USER_ID


class Role(Enum):
    COMMISSIONER = "commissioner"
    PROVIDER = "provider"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class Actor:
    """The acting user and the one organisation they belong to."""

    user_id: str
    organisation_id: UUID
    role: Role

    def __post_init__(self) -> None:
        USER_ID.check(self.user_id, "user_id")

    def require_commissioner_of(self, commissioner_id: UUID) -> None:
        """Raise unless this actor is staff of the given commissioner."""
        if self.role is not Role.COMMISSIONER or self.organisation_id != commissioner_id:
            raise NotPermittedError(f"{self.user_id} is not staff of this programme's commissioner")

    def require_provider(self, provider_id: UUID) -> None:
        """Raise unless this actor is staff of the given provider."""
        if self.role is not Role.PROVIDER or self.organisation_id != provider_id:
            raise NotPermittedError(f"{self.user_id} does not act for this provider")

    def require_administrator(self) -> None:
        """Raise unless this actor is an administrator."""
        if self.role is not Role.ADMINISTRATOR:
            raise NotPermittedError(f"{self.user_id} is not an administrator")
