"""What a provider submits: narrative, figures and attachments referenced by hash."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from domain.errors import DomainError
from domain.limits import ATTACHMENT_SIZE, FIGURE, FILE_NAME, LONG_TEXT, MEDIA_TYPE, WIDE, InvalidInputError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class InvalidEvidenceError(DomainError):
    """Evidence is empty or malformed."""

    field = "narrative"  # the evidence as a whole, shown at its first input


@dataclass(frozen=True)
class Attachment:
    """A stored file, referenced by its SHA-256 so the evidence can never silently change."""

    sha256: str
    name: str
    size: int
    media_type: str

    def __post_init__(self) -> None:
        FILE_NAME.check(self.name, "name")
        MEDIA_TYPE.check(self.media_type, "media_type")
        ATTACHMENT_SIZE.check(self.size, "size")
        if not _SHA256.match(self.sha256):
            raise InvalidEvidenceError(f"attachment {self.name!r} needs a lower-case hex SHA-256")
        if not self.name.strip():
            raise InvalidEvidenceError("an attachment needs a file name")
        if self.size < 0:
            raise InvalidEvidenceError(f"attachment {self.name!r} has a negative size")
        if "/" not in self.media_type:
            raise InvalidEvidenceError(f"attachment {self.name!r} needs a media type such as text/csv")


@dataclass(frozen=True)
class Figures:
    """A numeric indicator's numerator and, unless it is a count, its denominator."""

    numerator: Decimal
    denominator: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "numerator", FIGURE.check(self.numerator, "numerator"))
        if self.denominator is not None:
            object.__setattr__(self, "denominator", FIGURE.check(self.denominator, "denominator"))
        if self.denominator is not None and self.denominator <= 0:
            raise InvalidEvidenceError("the denominator must be positive")
        if self.denominator is not None and self.numerator > self.denominator:
            raise InvalidEvidenceError("the numerator cannot exceed the denominator")

    @classmethod
    def given(cls, numerator: Decimal | None, denominator: Decimal | None) -> Figures | None:
        """The figures as typed in two parts: none when neither is given, and never a denominator alone."""
        if numerator is None:
            if denominator is not None:
                raise InvalidInputError("numerator", "give the numerator as well as the denominator")
            return None
        return cls(numerator, denominator)

    @property
    def value(self) -> Decimal:
        """The indicator's value: a rate, or the count itself; never an error, even for figures recorded before the
        limits on input (it may then be infinite or NaN)."""
        if self.denominator is None:
            return self.numerator
        with localcontext(WIDE):
            return self.numerator / self.denominator


@dataclass(frozen=True)
class Evidence:
    """One version of a provider's evidence for one milestone."""

    narrative: str = ""
    figures: Figures | None = None
    attachments: tuple[Attachment, ...] = ()
    # The day the evidence is about, inside its milestone's quarter; none: the quarter's last day, as the quarter's
    # figures describe it as it ended (a milestone's due date often falls after its quarter).
    effective_on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "narrative", LONG_TEXT.check(self.narrative, "narrative"))
        if not self.narrative.strip() and self.figures is None and not self.attachments:
            raise InvalidEvidenceError("evidence needs a narrative, figures or an attachment")
        hashes = [a.sha256 for a in self.attachments]
        if len(set(hashes)) != len(hashes):
            raise InvalidEvidenceError("the same attachment is listed twice")
