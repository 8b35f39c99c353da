"""The audit trail's tables: one row per event, and the names and contexts its descriptions need."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from sqlalchemy import BigInteger, Column, Index, Integer, String

from projections.database import BoundedText, SafeText, UTCDateTime
from projections.view import View

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

ID = String(36)  # a UUID as text
T = TypeVar("T", bound="DataclassInstance")


def id_text(value: UUID | None) -> str | None:
    """A UUID as an ID column holds it."""
    return None if value is None else str(value)


def from_row(cls: type[T], row: Any, ids: frozenset[str]) -> T:
    """The dataclass `cls` from a row's columns of the same names, the `ids` among them read back as UUIDs."""
    values = {f.name: row[f.name] for f in fields(cls)}
    return cls(**{k: v if k not in ids or v is None else UUID(v) for k, v in values.items()})


class AuditView(View):
    """Every event of the log, who did it, what it concerns and what it means, in log order."""

    name = "audit_v3"
    written_only = ("events",)

    def define_tables(self) -> None:
        """The trail, with an index per filter ending in the position for keyset paging."""
        self.events = self.table(
            "events",
            Column("position", BigInteger, primary_key=True, autoincrement=False),
            Column("occurred_at", UTCDateTime, nullable=False),
            Column("event_type", String(64), nullable=False),
            Column("aggregate_type", String(32), nullable=False),
            Column("aggregate_id", ID, nullable=False),
            Column("aggregate_version", Integer, nullable=False),
            Column("actor_user_id", BoundedText(200), nullable=False),
            Column("actor_organisation_id", ID, nullable=False),
            Column("actor_organisation_name", BoundedText(300)),
            Column("role", String(20), nullable=False),
            Column("programme_id", ID),
            Column("scheme_id", ID),
            Column("provider_id", ID),
            Column("quarter", String(2)),
            # The organisation a row of no programme concerns: its accounts, identities, clients, endpoints, details.
            Column("organisation_id", ID),
            Column("description", SafeText, nullable=False),
            Column("reason", SafeText),
        )
        for name, *columns in (
            ("programme", "programme_id", "position"),
            ("scheme", "scheme_id", "position"),
            ("provider", "provider_id", "position"),
            ("actor", "actor_user_id", "position"),
            ("organisation", "organisation_id", "position"),
            ("time", "occurred_at"),
        ):
            Index(f"{self.events.name}_by_{name}", *(self.events.c[c] for c in columns))
        self.organisations = self.table(
            "organisations",
            Column("organisation_id", ID, primary_key=True),
            Column("name", BoundedText(300), nullable=False),
            Column("kind", String(20), nullable=False),
        )
        self.contexts = self.table(
            "contexts",
            Column("aggregate_id", ID, primary_key=True),
            Column("programme_id", ID),
            Column("scheme_id", ID),
            Column("provider_id", ID),
            Column("quarter", String(2)),
            Column("title", BoundedText(300), nullable=False),
            Column("code", BoundedText(100), nullable=False),
            Column("terms_version", Integer, nullable=False),
            Column("commissioner_id", ID),
            Column("organisation_id", ID),
        )
        # Each account's name as it is now: the trail names people by it beside their username.
        self.users = self.table(
            "users",
            Column("username", BoundedText(200), primary_key=True),
            Column("display_name", BoundedText(300), nullable=False),
        )
        # The most any event's time fell behind an event logged before it: it turns time filters into position bounds.
        self.clock = self.table(
            "clock",
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("lateness_us", BigInteger, nullable=False),
        )
