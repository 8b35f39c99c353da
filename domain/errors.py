"""Errors shared by every aggregate; each aggregate module adds its own beside it."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; the message says which, in plain words."""


class NotPermittedError(DomainError):
    """The actor's role or organisation may not do this."""


class NotFoundError(DomainError):
    """The thing named does not exist."""


class AlreadyExistsError(DomainError):
    """A create was repeated: the natural key is taken."""


class ConcurrentChangeError(DomainError):
    """Someone else changed the same record first; reload and try again."""


class StaleVersionError(ConcurrentChangeError):
    """The change was made against a version that is no longer the latest (an If-Match that failed)."""


class ReasonRequiredError(DomainError):
    """A change of mind must say why."""
