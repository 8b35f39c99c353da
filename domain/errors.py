"""Errors shared by every aggregate; each aggregate module adds its own beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar
from uuid import UUID

# An organisation's name by its id, as whoever shows an error to a person looks it up.
Namer = Callable[[UUID], str]


def listed(words: Sequence[str], last: str = "and") -> str:
    """Words as a sentence lists them: `A`, `A and B`, `A, B and C` (or `A, B or C`)."""
    *others, final = words
    return f"{', '.join(others)} {last} {final}" if others else final


class DomainError(Exception):
    """A rule of the domain was broken; the message says which, in plain words.

    `field` names the input the rule is about, when it is about one, so the error can be shown beside that input.
    """

    field: str | None = None
    _by_rule: ClassVar[dict[str, type[DomainError]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        DomainError._by_rule.setdefault(cls.rule(), cls)

    def described(self, names: Namer) -> str:
        """The message for a person, naming any organisation it concerns by `names`; the message itself never
        holds an id."""
        return str(self)

    @classmethod
    def rule(cls) -> str:
        """The rule's name, as a problem reports it: the class's name without `Error`."""
        return cls.__name__.removesuffix("Error")

    @staticmethod
    def of_rule(rule: str) -> type[DomainError]:
        """The error a problem's rule names; DomainError itself for a rule no error has."""
        return DomainError._by_rule.get(rule, DomainError)


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

    field = "reason"
