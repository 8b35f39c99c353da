"""Aggregate ids derived from natural keys, so a repeated create collides instead of duplicating."""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID, uuid5

from domain.milestones import Quarter

CORRAL = UUID("6f0c8a52-4c1e-5d7e-9a3b-2b7f3c1d9e40")


@lru_cache(maxsize=4096)  # commands derive the same ids over and over
def _key(*parts: object) -> UUID:
    return uuid5(CORRAL, "/".join(str(p).strip().lower() for p in parts))


def organisation_id(code: str) -> UUID:
    """An organisation, by its ODS or local code."""
    return _key("organisation", code)


def platform_id() -> UUID:
    """What the platform operator acts for: not an organisation, and no organisation's code derives it."""
    return _key("platform")


def programme_id(commissioner_id: UUID, health_economy: str, contract_year: int) -> UUID:
    """One commissioner's programme for one health economy and contract year."""
    return _key("programme", commissioner_id, health_economy, contract_year)


def scheme_id(programme_id: UUID, code: str) -> UUID:
    """A scheme, by its short code within its programme."""
    return _key("scheme", programme_id, code)


def submission_id(scheme_id: UUID, milestone_code: str, provider_id: UUID) -> UUID:
    """One provider's evidence for one milestone."""
    return _key("submission", scheme_id, milestone_code, provider_id)


def quarter_review_id(scheme_id: UUID, quarter: Quarter) -> UUID:
    """One scheme-quarter's review."""
    return _key("review", scheme_id, quarter.value)


def upload_id(organisation_id: UUID, sha256: str) -> UUID:
    """One organisation's upload of one file, by the file's SHA-256."""
    return _key("upload", organisation_id, sha256)


def user_id(username: str) -> UUID:
    """A user account, by username."""
    return _key("user", username)


def api_client_id(client_id: str) -> UUID:
    """An API client, by its client id."""
    return _key("api client", client_id)


def reminder_id(scheme_id: UUID, provider_id: UUID, milestone_code: str, overdue: bool) -> UUID:
    """The one reminder of a provider-milestone's evidence: before it is due, or once it is overdue."""
    return _key("reminder", scheme_id, milestone_code, provider_id, "overdue" if overdue else "due soon")


def statement_id(programme_id: UUID, provider_id: UUID, month: int) -> UUID:
    """One provider's payment statement for one month of a programme's contract year."""
    return _key("statement", programme_id, provider_id, month)


def identity_id(issuer: str, subject: str) -> UUID:
    """A person as one identity provider knows them: its issuer and their subject (case kept: subjects are exact)."""
    return uuid5(CORRAL, f"identity/{issuer.strip()}/{subject}")
