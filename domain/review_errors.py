"""What a scheme-quarter's review refuses, and why."""

from __future__ import annotations

from domain.errors import DomainError


class QuarterClosedError(DomainError):
    """A closed quarter changes no more."""


class PackNotPresentedError(DomainError):
    """The commissioner can act only on a presented pack."""


class PackAlreadyPresentedError(DomainError):
    """The pack is with the commissioner; it must be queried back before presenting again."""


class PackNotQueriedError(DomainError):
    """Presented evidence can be returned only after the commissioner queries the pack."""


class EmptyPackError(DomainError):
    """A pack needs at least one accepted submission."""


class AlreadyAssessedError(DomainError):
    """An assessment is changed only by revising it on appeal."""


class NotAssessedError(DomainError):
    """There is no assessment to revise."""


class PackNotOverdueError(DomainError):
    """Evidence is called in past the lead only once the pack is overdue."""


class AlreadyBeforeCommissionerError(DomainError):
    """The evidence is already in the presented pack, or already called in."""
