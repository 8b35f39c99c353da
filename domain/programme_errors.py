"""The rules a programme's commands refuse to break."""

from __future__ import annotations

from domain.errors import DomainError


class InvalidProgrammeError(DomainError):
    """The programme's settings do not make sense."""


class ProviderAlreadyJoinedError(DomainError):
    """The provider is already in the programme."""


class ProviderNotInProgrammeError(DomainError):
    """The provider has not joined this programme."""


class LeadNotParticipantError(DomainError):
    """A scheme's lead must participate in the scheme."""


class LeadLimitExceededError(DomainError):
    """The provider already leads as many schemes as the programme allows."""


class AlreadyLeadError(DomainError):
    """The provider already leads this scheme."""


class ProgrammeAlreadyContinuedError(DomainError):
    """A programme is continued into the next contract year once."""


class RulesAlreadyAdoptedError(DomainError):
    """Adopting payment rules changes them: the programme does not already pay by the version chosen."""

    field = "version"
