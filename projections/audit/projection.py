"""Append one described row per event to the audit trail, remembering the names later events need."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

import sqlalchemy.exc
from eventsourcing.persistence import IntegrityError, Tracking
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from domain.organisation import Organisation, OrganisationKind
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme
from domain.submission import Submission
from projections.audit.context import (
    Acted,
    Context,
    FirstEvent,
    KnownOrganisation,
    NewTerms,
    created_context,
    new_terms_context,
)
from projections.audit.describe import describe
from projections.audit.view import AuditView
from projections.projection import ViewProjection


class AuditProjection(ViewProjection[AuditView]):
    """Every event becomes a row; the events below also update the names and contexts later rows use."""

    def __init__(self, view: AuditView) -> None:
        super().__init__(view)
        self.lookup = TrailLookup(view)

    @singledispatchmethod
    def process_event(self, domain_event: Acted, tracking: Tracking) -> None:
        """Record the event as a row of the trail."""
        self._record(domain_event, tracking)

    @process_event.register(Organisation.Registered)
    def _(self, e: Organisation.Registered, tracking: Tracking) -> None:
        self._record(e, tracking)
        self.lookup.add_organisation(e.originator_id, KnownOrganisation(e.name, e.kind))

    @process_event.register(Organisation.Renamed)
    def _(self, e: Organisation.Renamed, tracking: Tracking) -> None:
        self._record(e, tracking)
        self.lookup.rename_organisation(e.originator_id, e.name)

    @process_event.register(Programme.SetUp)
    @process_event.register(Scheme.Drafted)
    @process_event.register(Submission.EvidenceSubmitted)
    @process_event.register(QuarterReview.Opened)
    def _(self, e: FirstEvent, tracking: Tracking) -> None:
        self._record(e, tracking)
        self.lookup.add_context(e.originator_id, created_context(e))

    @process_event.register(Scheme.DraftAmended)
    @process_event.register(Scheme.VariationProposed)
    def _(self, e: NewTerms, tracking: Tracking) -> None:
        self._record(e, tracking)
        before = self.lookup.context(e.originator_id) or Context()
        self.lookup.change_context(e.originator_id, new_terms_context(before, e))

    def _record(self, e: Acted, tracking: Tracking) -> None:
        described = describe(e, self.lookup)
        actor = e.actor
        acting = self.lookup.organisation(actor.organisation_id)
        row = {
            "position": tracking.notification_id,
            "occurred_at": e.timestamp,
            "event_type": type(e).__name__,
            "aggregate_type": type(e).__qualname__.split(".")[0],
            "aggregate_id": str(e.originator_id),
            "aggregate_version": e.originator_version,
            "actor_user_id": actor.user_id,
            "actor_organisation_id": str(actor.organisation_id),
            "actor_organisation_name": acting.name if acting is not None else None,
            "role": actor.role.value,
            "programme_id": _text(described.programme_id),
            "scheme_id": _text(described.scheme_id),
            "provider_id": _text(described.provider_id),
            "quarter": described.quarter,
            "description": described.description,
            "reason": described.reason,
        }
        self.lookup.note_time(e.timestamp)
        try:
            self.view.conn.execute(insert(self.view.events).values(row))
        except sqlalchemy.exc.IntegrityError as error:
            raise IntegrityError(f"position {tracking.notification_id} is already in {self.view.key}") from error


class TrailLookup:
    """Names, contexts and the clock, read and written inside the open batch and cached for that batch only.

    The cache belongs to one batch's connection, so a batch that rolls back leaves nothing behind.
    """

    def __init__(self, view: AuditView) -> None:
        self.view = view
        self._conn: Connection | None = None
        self._organisations: dict[UUID, KnownOrganisation | None] = {}
        self._contexts: dict[UUID, Context | None] = {}
        self._clock: tuple[datetime | None, timedelta | None] | None = None

    def organisation(self, organisation_id: UUID) -> KnownOrganisation | None:
        """The organisation as last registered or renamed, if seen."""
        conn = self._batch()
        if organisation_id not in self._organisations:
            t = self.view.organisations
            row = conn.execute(select(t.c.name, t.c.kind).where(t.c.organisation_id == str(organisation_id))).first()
            self._organisations[organisation_id] = (
                None if row is None else KnownOrganisation(row.name, OrganisationKind(row.kind))
            )
        return self._organisations[organisation_id]

    def context(self, aggregate_id: UUID) -> Context | None:
        """The aggregate's context, if its first event has been seen."""
        conn = self._batch()
        if aggregate_id not in self._contexts:
            t = self.view.contexts
            row = conn.execute(select(t).where(t.c.aggregate_id == str(aggregate_id))).first()
            self._contexts[aggregate_id] = None if row is None else _context(row._mapping)
        return self._contexts[aggregate_id]

    def add_organisation(self, organisation_id: UUID, known: KnownOrganisation) -> None:
        """Remember a newly registered organisation."""
        values = {"organisation_id": str(organisation_id), "name": known.name, "kind": known.kind.value}
        self._batch().execute(insert(self.view.organisations).values(values))
        self._organisations[organisation_id] = known

    def rename_organisation(self, organisation_id: UUID, name: str) -> None:
        """Remember an organisation's new name."""
        known = self.organisation(organisation_id)
        if known is None:
            return
        t = self.view.organisations
        self._batch().execute(update(t).where(t.c.organisation_id == str(organisation_id)).values(name=name))
        self._organisations[organisation_id] = KnownOrganisation(name, known.kind)

    def add_context(self, aggregate_id: UUID, context: Context) -> None:
        """Remember a new aggregate's context."""
        self._batch().execute(insert(self.view.contexts).values(aggregate_id=str(aggregate_id), **_row(context)))
        self._contexts[aggregate_id] = context

    def change_context(self, aggregate_id: UUID, context: Context) -> None:
        """Remember an aggregate's changed context."""
        t = self.view.contexts
        self._batch().execute(update(t).where(t.c.aggregate_id == str(aggregate_id)).values(**_row(context)))
        self._contexts[aggregate_id] = context

    def note_time(self, occurred_at: datetime) -> None:
        """Before recording an event, keep the most its time falls behind any event logged earlier."""
        conn = self._batch()
        if self._clock is None:
            latest = conn.execute(select(func.max(self.view.events.c.occurred_at))).scalar()
            microseconds = conn.execute(select(self.view.clock.c.lateness_us)).scalar()
            self._clock = latest, None if microseconds is None else timedelta(microseconds=microseconds)
        latest, lateness = self._clock
        if latest is None or occurred_at >= latest:
            self._clock = occurred_at, lateness
            return
        if lateness is None or latest - occurred_at > lateness:
            clock, microseconds = self.view.clock, (latest - occurred_at) // timedelta(microseconds=1)
            write = insert(clock).values(id=1) if lateness is None else update(clock).where(clock.c.id == 1)
            conn.execute(write.values(lateness_us=microseconds))
            self._clock = latest, latest - occurred_at

    def _batch(self) -> Connection:
        conn = self.view.conn
        if conn is not self._conn:
            self._conn = conn
            self._organisations.clear()
            self._contexts.clear()
            self._clock = None
        return conn


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


_IDS = ("programme_id", "scheme_id", "provider_id", "commissioner_id")


def _row(context: Context) -> dict[str, Any]:
    return {k: _text(v) if k in _IDS else v for k, v in asdict(context).items()}


def _uuid(value: str | None) -> UUID | None:
    return None if value is None else UUID(value)


def _context(row: Any) -> Context:
    return Context(
        programme_id=_uuid(row["programme_id"]),
        scheme_id=_uuid(row["scheme_id"]),
        provider_id=_uuid(row["provider_id"]),
        quarter=row["quarter"],
        title=row["title"],
        code=row["code"],
        terms_version=row["terms_version"],
        commissioner_id=_uuid(row["commissioner_id"]),
    )
