"""Downloads of the progress matrix, the seed-shaped Q1-Q4 table, the payments and the audit trail."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.http.access import provider_table_access
from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from api.http.exports import Format, table
from api.http.params import Moment
from api.http.routers import boards, programmes
from domain.milestones import Quarter
from projections.audit.queries import AuditEntry
from projections.progress.matrix import quarter_table
from projections.progress.reading import organisation_names

router = APIRouter(prefix="/programmes/{programme_id}", tags=["exports"])


@router.get("/progress.{form}")
def progress(
    programme_id: UUID, form: Format, actor: CurrentActor, readings: ProgressReadings, after: ViewsAfter
) -> Response:
    """The progress matrix as shown to you: one row per scheme, provider and quarter."""
    shown = programmes.progress(programme_id, actor, readings, after)
    titles = {s.id: s.title for s in shown.schemes}
    rows = [
        (titles[c.scheme_id], shown.providers.get(c.provider_id, c.provider_id), c.quarter, " / ".join(c.statuses))
        for c in shown.cells
    ]
    return table(("Scheme", "Provider", "Quarter", "Status"), rows, form, "progress")


@router.get("/payments.{form}")
def payments(
    programme_id: UUID, form: Format, actor: CurrentActor, readings: ProgressReadings, after: ViewsAfter
) -> Response:
    """The payments as shown to you, in pounds to the penny."""
    shown = programmes.payments(programme_id, actor, readings, after)
    names = organisation_names(readings)
    rows = [
        (
            names.get(p.provider_id, p.provider_id),
            p.cquin_value,
            p.total.available,
            p.total.earned,
            p.total.shortfall,
            p.total.at_risk,
            p.total.achieved_percent,
        )
        for p in shown.providers
    ]
    headings = ("Provider", "CQUIN value", "Available", "Earned", "Shortfall", "At risk", "% achieved")
    return table(headings, rows, form, "payments")


@router.get("/providers/{provider_id}/quarters.{form}")
def quarters(
    programme_id: UUID, provider_id: UUID, form: Format, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter
) -> Response:
    """One provider's indicators with their Q1-Q4 statuses, in the shape of a trust's annual CQUIN table."""
    provider_table_access(readings, actor, str(programme_id), str(provider_id))
    rows = [
        (r.title, *(r.statuses[q] or "" for q in Quarter))
        for r in quarter_table(readings, str(programme_id), str(provider_id))
    ]
    return table(("Indicator", "Q1", "Q2", "Q3", "Q4"), rows, form, "quarters")


@router.get("/audit.csv")
def audit(
    request: Request,
    programme_id: UUID,
    actor: CurrentActor,
    readings: ProgressReadings,
    after: ViewsAfter,
    since: Moment | None = None,
    until: Moment | None = None,
) -> Response:
    """The whole audit trail of the programme (or a time range of it), oldest first, for the commissioner and auditor."""
    entries: list[AuditEntry] = []
    before = None
    while True:
        page = boards.audit_page(
            request, programme_id, actor, readings, since=since, until=until, before_position=before, limit=1000
        )
        entries += page.entries
        before = page.next_before
        if before is None:
            break
    columns = (
        "position",
        "occurred_at",
        "actor_user_id",
        "actor_organisation_name",
        "role",
        "event_type",
        "quarter",
        "description",
        "reason",
    )
    rows = [
        [entry.occurred_at.isoformat() if c == "occurred_at" else getattr(entry, c) for c in columns]
        for entry in reversed(entries)
    ]
    return table(columns, rows, Format.CSV, "audit")
