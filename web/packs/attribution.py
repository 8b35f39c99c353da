"""Attribution: every fact in a pack named by its source, as the record stood at the pack's point in time: the
organisation, the person (display name and username), the time, and the event's log position and chain hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain import ids
from domain.application import Corral
from domain.errors import NotFoundError
from domain.history import as_of
from domain.pack_history import Source

NOT_CHAINED = "not chained yet"


@dataclass(frozen=True)
class Attribution:
    """Who recorded a fact, for which organisation, when, and where its event sits in the log."""

    organisation: str
    display_name: str
    username: str
    at: datetime
    position: int | None
    chain_hash: str | None
    revision: int | None = None

    @property
    def person(self) -> str:
        """`Priya Shah (dpt.quality)`, or the username alone for someone without a name."""
        return f"{self.display_name} ({self.username})" if self.display_name else self.username

    @property
    def when(self) -> str:
        """The time, to the second, in UTC."""
        return f"{self.at:%Y-%m-%d %H:%M:%S} UTC"

    @property
    def chain(self) -> str:
        """The chain hash, or that the log is not chained yet."""
        return self.chain_hash or NOT_CHAINED

    def as_json(self) -> dict[str, Any]:
        """The attribution as the manifest lists it."""
        return {
            "organisation": self.organisation,
            "person": {"display_name": self.display_name, "username": self.username},
            "time": self.at.isoformat(),
            "revision": self.revision,
            "log_position": self.position,
            "chain_hash": self.chain_hash,
        }


class Attributor:
    """Names sources as they stood at one moment, so names changed later never change the pack."""

    def __init__(self, corral: Corral, when: datetime) -> None:
        self.corral, self.when = corral, when
        self._organisations: dict[UUID, tuple[str, str]] = {}
        self._people: dict[str, str] = {}

    def organisation(self, organisation_id: UUID) -> tuple[str, str]:
        """(name, code) of an organisation as it stood; the platform's own id is Corral."""
        if organisation_id not in self._organisations:
            try:
                found = as_of(self.corral, organisation_id, self.when)
                self._organisations[organisation_id] = (str(getattr(found, "name")), str(getattr(found, "code")))
            except NotFoundError:
                self._organisations[organisation_id] = ("Corral", "corral")
        return self._organisations[organisation_id]

    def display_name(self, username: str) -> str:
        """The person's display name as it stood, or as first given for an account opened later; empty for an
        operator or Corral itself, who have no account."""
        if username not in self._people:
            account_id = ids.user_id(username)
            account: object
            try:
                account = as_of(self.corral, account_id, self.when)
            except NotFoundError:
                account = self.corral.repository.get(account_id, version=1) if self.corral.exists(account_id) else None
            self._people[username] = str(getattr(account, "display_name", "") or "")
        return self._people[username]

    def of(self, source: Source, revision: int | None = None) -> Attribution:
        """The attribution of a source event."""
        link = self.corral.record.link(source.originator_id, source.version)
        return Attribution(
            organisation=self.organisation(source.organisation_id)[0],
            display_name=self.display_name(source.username),
            username=source.username,
            at=source.at,
            position=link.position if link else None,
            chain_hash=link.hash if link else None,
            revision=revision,
        )
