"""Append one described row per event to the audit trail, remembering the names later events need."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from sqlalchemy import func, insert, select, update

from domain.api_client import ApiClient
from domain.identity import Identity
from domain.organisation import Organisation, OrganisationKind
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme
from domain.submission import Submission
from domain.user_account import UserAccount
from domain.webhook import WebhookEndpoint
from projections.audit.context import (
    Acted,
    Context,
    FirstEvent,
    KnownOrganisation,
    NewTerms,
    concerned_organisation,
    created_context,
    new_terms_context,
)
from projections.audit import accounts, continuation, deadlines, organisations, payments, restatement, uploads  # noqa: F401 - registers their describers
from projections.audit import identities, payment_rules, webhooks  # noqa: F401 - registers their describers
from projections.audit.accounts import client_context
from projections.audit.describe import describe
from projections.audit.view import AuditView, from_row, id_text
from projections.database import as_stored
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

    @process_event.register(UserAccount.Registered)
    def _(self, e: UserAccount.Registered, tracking: Tracking) -> None:
        self._record(e, tracking)
        self.lookup.add_context(e.originator_id, created_context(e))
        self.lookup.name_person(e.username, e.display_name)

    @process_event.register(ApiClient.Registered)
    def _(self, e: ApiClient.Registered, tracking: Tracking) -> None:
        self._record(e, tracking)
        context = client_context(e)
        self.lookup.add_context(e.originator_id, context)
        self.lookup.name_person(context.title, e.name)

    @process_event.register(WebhookEndpoint.EndpointRegistered)
    def _(self, e: WebhookEndpoint.EndpointRegistered, tracking: Tracking) -> None:
        self._record(e, tracking)
        self.lookup.add_context(e.originator_id, Context(organisation_id=e.organisation_id))

    @process_event.register(Identity.Recognised)
    def _(self, e: Identity.Recognised, tracking: Tracking) -> None:
        self._record(e, tracking)
        self.lookup.add_context(e.originator_id, Context())

    @process_event.register(Identity.Linked)
    def _(self, e: Identity.Linked, tracking: Tracking) -> None:
        self._record(e, tracking)
        before = self.lookup.context(e.originator_id)
        if before is None:
            self.lookup.add_context(e.originator_id, Context(organisation_id=e.organisation_id))
        else:
            self.lookup.change_context(e.originator_id, replace(before, organisation_id=e.organisation_id))

    @process_event.register(UserAccount.DetailsChanged)
    def _(self, e: UserAccount.DetailsChanged, tracking: Tracking) -> None:
        self._record(e, tracking)
        context = self.lookup.context(e.originator_id)
        if context is not None:
            self.lookup.name_person(context.title, e.display_name)

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
            "programme_id": id_text(described.programme_id),
            "scheme_id": id_text(described.scheme_id),
            "provider_id": id_text(described.provider_id),
            "quarter": described.quarter,
            "organisation_id": None if described.programme_id else id_text(concerned_organisation(e, self.lookup)),
            "description": described.description,
            "reason": described.reason,
        }
        self.lookup.note_time(e.timestamp)
        self.view.stage(self.view.events, row)


class TrailLookup:
    """Names, contexts and the clock, read through the view's batch-safe memory.

    What a batch remembers outlives it only if the batch commits, so a rollback leaves nothing behind.
    """

    def __init__(self, view: AuditView) -> None:
        self.view = view

    def organisation(self, organisation_id: UUID) -> KnownOrganisation | None:
        """The organisation as last registered or renamed, if seen."""
        key = ("organisation", organisation_id)
        if self.view.recall(key, MISSING) is MISSING:
            t = self.view.organisations
            row = self.view.reader.execute(
                select(t.c.name, t.c.kind).where(t.c.organisation_id == str(organisation_id))
            ).first()
            self.view.remember(key, None if row is None else KnownOrganisation(row.name, OrganisationKind(row.kind)))
        known: KnownOrganisation | None = self.view.recall(key)
        return known

    def context(self, aggregate_id: UUID) -> Context | None:
        """The aggregate's context, if its first event has been seen."""
        key = ("context", aggregate_id)
        if self.view.recall(key, MISSING) is MISSING:
            t = self.view.contexts
            row = self.view.reader.execute(select(t).where(t.c.aggregate_id == str(aggregate_id))).first()
            self.view.remember(key, None if row is None else from_row(Context, row._mapping, _IDS))
        context: Context | None = self.view.recall(key)
        return context

    def person(self, username: str) -> str:
        """The name an account's user goes by now; blank when none was given or the account was never seen."""
        key = ("person", username)
        if self.view.recall(key, MISSING) is MISSING:
            t = self.view.users
            name = self.view.conn.execute(select(t.c.display_name).where(t.c.username == username)).scalar()
            self.view.remember(key, name or "")
        named: str = self.view.recall(key)
        return named

    def name_person(self, username: str, display_name: str) -> None:
        """Remember the name a user goes by now."""
        t = self.view.users
        username, display_name = as_stored(t.c.username, username), as_stored(t.c.display_name, display_name)
        renamed = self.view.conn.execute(update(t).where(t.c.username == username).values(display_name=display_name))
        if renamed.rowcount == 0:
            self.view.conn.execute(insert(t).values(username=username, display_name=display_name))
        self.view.remember(("person", username), display_name)

    def add_organisation(self, organisation_id: UUID, known: KnownOrganisation) -> None:
        """Remember a newly registered organisation."""
        known = replace(known, name=as_stored(self.view.organisations.c.name, known.name))
        values = {"organisation_id": str(organisation_id), "name": known.name, "kind": known.kind.value}
        self.view.stage(self.view.organisations, values)
        self.view.remember(("organisation", organisation_id), known)

    def rename_organisation(self, organisation_id: UUID, name: str) -> None:
        """Remember an organisation's new name."""
        known = self.organisation(organisation_id)
        if known is None:
            return
        t = self.view.organisations
        name = as_stored(t.c.name, name)
        self.view.stage_update(t, {"organisation_id": str(organisation_id)}, name=name)
        self.view.remember(("organisation", organisation_id), KnownOrganisation(name, known.kind))

    def add_context(self, aggregate_id: UUID, context: Context) -> None:
        """Remember a new aggregate's context."""
        context = self._as_stored(context)
        self.view.stage(self.view.contexts, {"aggregate_id": str(aggregate_id), **_row(context)})
        self.view.remember(("context", aggregate_id), context)

    def change_context(self, aggregate_id: UUID, context: Context) -> None:
        """Remember an aggregate's changed context."""
        context = self._as_stored(context)
        t = self.view.contexts
        self.view.stage_update(t, {"aggregate_id": str(aggregate_id)}, **_row(context))
        self.view.remember(("context", aggregate_id), context)

    def _as_stored(self, context: Context) -> Context:
        """The context as its row holds it, so that what is remembered equals what a later batch reads back."""
        t = self.view.contexts
        title, code = as_stored(t.c.title, context.title), as_stored(t.c.code, context.code)
        return context if title is context.title and code is context.code else replace(context, title=title, code=code)

    def note_time(self, occurred_at: datetime) -> None:
        """Before recording an event, keep the most its time falls behind any event logged earlier."""
        clock: tuple[datetime | None, timedelta | None] | None = self.view.recall("clock")
        if clock is None:
            latest = self.view.conn.execute(select(func.max(self.view.events.c.occurred_at))).scalar()
            microseconds = self.view.conn.execute(select(self.view.clock.c.lateness_us)).scalar()
            clock = latest, None if microseconds is None else timedelta(microseconds=microseconds)
        latest, lateness = clock
        if latest is None or occurred_at >= latest:
            self.view.remember("clock", (occurred_at, lateness))
            return
        if lateness is None or latest - occurred_at > lateness:
            table, microseconds = self.view.clock, (latest - occurred_at) // timedelta(microseconds=1)
            write = insert(table).values(id=1) if lateness is None else update(table).where(table.c.id == 1)
            self.view.conn.execute(write.values(lateness_us=microseconds))
            lateness = latest - occurred_at
        self.view.remember("clock", (latest, lateness))


MISSING = object()


_IDS = frozenset({"programme_id", "scheme_id", "provider_id", "commissioner_id", "organisation_id"})


def _row(context: Context) -> dict[str, Any]:
    """The context's row: its fields as they are (all plain values, so nothing needs copying), ids as text."""
    return {k: id_text(v) if k in _IDS else v for k, v in vars(context).items()}
