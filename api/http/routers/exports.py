"""Downloads of the progress matrix, the seed-shaped Q1-Q4 table, the payments and the audit trail."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends
from fastapi.responses import Response

from api.http.deps import AuditReadings, CorralApp, CurrentActor, ProgressReadings, ViewsAfter
from api.http.exports import DOWNLOAD, Format, downloads, Percent, Pounds, Sheet, file_name, table
from api.http.params import AuditFilters
from api.http.routing import api_router
from domain.achievement import as_percent
from domain.milestones import Quarter, contract_year_label
from domain.payments import pounds
from projections.audit.queries import AuditEntry, whole_trail
from projections.progress.queries import (
    Overridden,
    PaymentsSeen,
    ProgrammeHeading,
    RestatedMilestone,
    audit_access,
    organisation_names,
    payments_for,
    programme_heading,
    progress_for,
    provider_table_access,
    quarter_table,
    scheme_quarters,
)

router = api_router("/programmes/{programme_id}", tags=["exports"])


@router.get("/progress.{form}", response_class=Response, responses=DOWNLOAD)
def export_progress(
    programme_id: UUID, form: Format, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter
) -> Response:
    """The progress matrix as shown to you: one row per scheme, provider and quarter."""
    heading = programme_heading(readings, actor, programme_id)
    shown = progress_for(readings, heading.access)
    titles = {s.id: s.title for s in shown.schemes}
    rows = [
        (titles[s], shown.providers.get(p, p), q.value, " / ".join(statuses))
        for (s, p, q), statuses in shown.cells.items()
    ]
    return table(("Scheme", "Provider", "Quarter", "Status"), rows, form, *_named(heading, "progress"))


@router.get("/payments.{form}", response_class=Response, responses=DOWNLOAD)
def export_payments(
    programme_id: UUID, form: Format, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter
) -> Response:
    """The payments as shown to you, in pounds to the penny: a row for each provider, and a workbook's second sheet
    by scheme and quarter (the same rows as `payments-by-scheme`)."""
    heading = programme_heading(readings, actor, programme_id)
    shown = payments_for(readings, heading.access)
    names = organisation_names(readings)
    rows = [
        (
            names.get(p.provider_id, p.provider_id),
            Pounds(p.cquin_value),
            Pounds(p.total.available),
            Pounds(p.total.earned),
            Pounds(p.total.shortfall),
            Pounds(p.total.at_risk),
            Percent(p.total.achieved),
            "; ".join(_against_the_figures(o) for o in p.overridden),
            None if p.restated_total is None else Pounds(p.restated_total.earned),
            None if p.restated_total is None else Pounds(p.restated_total.earned - p.total.earned),
            "; ".join(_restated(m) for m in p.restated),
        )
        for p in shown.providers
    ]
    headings = (
        "Provider",
        "CQUIN value",
        "Available",
        "Earned",
        "Shortfall",
        "At risk",
        "% achieved",
        "Decisions against the figures",
        "Earned as restated",
        "Difference",
        "Restated after the close",
    )
    by_scheme = Sheet("By scheme", BY_SCHEME, _by_scheme(shown, names))
    return table(headings, rows, form, *_named(heading, "payments"), more=[by_scheme])


BY_SCHEME = (
    "Provider",
    "Scheme code",
    "Scheme",
    "Quarter",
    "Available",
    "Earned",
    "Shortfall",
    "At risk",
    "% achieved",
    "Earned as restated",
    "Difference",
)


@router.get("/payments-by-scheme.{form}", response_class=Response, responses=DOWNLOAD)
def export_payments_by_scheme(
    programme_id: UUID, form: Format, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter
) -> Response:
    """The payments as shown to you by provider, scheme and quarter, in pounds to the penny: each provider's rows add
    up to its total (the pennies apportioned by largest remainder, each within a penny of its exact value)."""
    heading = programme_heading(readings, actor, programme_id)
    rows = _by_scheme(payments_for(readings, heading.access), organisation_names(readings))
    return table(BY_SCHEME, rows, form, *_named(heading, "payments by scheme"))


def _by_scheme(shown: PaymentsSeen, names: dict[str, str]) -> list[tuple[object, ...]]:
    return [
        (
            names.get(p.provider_id, p.provider_id),
            c.scheme.code,
            c.scheme.title,
            c.quarter.value,
            Pounds(c.shown.available),
            Pounds(c.shown.earned),
            Pounds(c.shown.shortfall),
            Pounds(c.shown.at_risk),
            Percent(c.shown.achieved),
            None if c.restated is None else Pounds(c.restated.earned),
            None if c.restated is None else Pounds(c.restated.earned - c.original.earned),
        )
        for p in shown.providers
        for c in scheme_quarters(p.schemes)
    ]


def _against_the_figures(o: Overridden) -> str:
    gave = "" if o.figures_share is None else f", the figures gave {as_percent(o.figures_share)}"
    milestone = o.code if o.code == o.quarter.value else f"{o.quarter.value} {o.code}"
    return f"{o.scheme_title} {milestone}: {o.status}{gave} ({o.reason})"


def _restated(m: RestatedMilestone) -> str:
    milestone = m.code if m.code == m.quarter.value else f"{m.quarter.value} {m.code}"
    change = f"{m.original_status} to {m.restated_status}, a difference of {pounds(m.difference.earned):+,}"
    return f"{m.scheme_title} {milestone}: {change}, effective {m.effective_on:%-d %B %Y} ({m.reason})"


@router.get("/providers/{provider_id}/quarters.{form}", response_class=Response, responses=DOWNLOAD)
def export_provider_quarters(
    programme_id: UUID,
    provider_id: UUID,
    form: Format,
    actor: CurrentActor,
    readings: ProgressReadings,
    corral: CorralApp,
    _: ViewsAfter,
) -> Response:
    """One provider's indicators with their Q1-Q4 statuses, in the shape of a trust's annual CQUIN table."""
    provider_table_access(readings, actor, str(programme_id), str(provider_id))
    heading = programme_heading(readings, actor, programme_id)
    code = corral.organisation(provider_id).code
    rows = [
        (r.title, *(r.statuses[q] or "" for q in Quarter))
        for r in quarter_table(readings, str(programme_id), str(provider_id))
    ]
    year = _year(heading)
    return table(
        ("Indicator", "Q1", "Q2", "Q3", "Q4"), rows, form, file_name(code, year, "Q1-Q4"), f"{code} {year} Q1-Q4"
    )


@router.get("/audit.csv", response_class=Response, responses=downloads(Format.CSV))
def export_audit(
    programme_id: UUID,
    actor: CurrentActor,
    readings: ProgressReadings,
    trail: AuditReadings,
    _: ViewsAfter,
    filters: Annotated[AuditFilters, Depends()],
) -> Response:
    """The programme's audit trail, oldest first, with the same filters as the JSON trail: for the commissioner and
    the auditor."""
    audit_access(readings, actor, str(programme_id))
    heading = programme_heading(readings, actor, programme_id)
    entries = whole_trail(trail, programme_id=programme_id, **filters.query())
    return audit_table(entries, *_named(heading, "audit"))


AUDIT_COLUMNS = (
    "position",
    "occurred_at",
    "actor_user_id",
    "actor_name",
    "actor_organisation_name",
    "role",
    "event_type",
    "quarter",
    "description",
    "reason",
)


def audit_table(entries: list[AuditEntry], filename: str, title: str) -> Response:
    """A trail's entries as a CSV download, one row each, oldest first."""
    rows = [
        [entry.occurred_at.isoformat() if c == "occurred_at" else getattr(entry, c) for c in AUDIT_COLUMNS]
        for entry in entries
    ]
    return table(AUDIT_COLUMNS, rows, Format.CSV, filename, title)


def _year(heading: ProgrammeHeading) -> str:
    """`2014-15`."""
    return contract_year_label(heading.contract_year).replace("/", "-")


def _named(heading: ProgrammeHeading, what: str) -> tuple[str, str]:
    """A programme's export's file name and sheet title: `South-Devon-and-Torbay-2014-15-progress`, `Progress
    2014-15`."""
    return file_name(heading.health_economy, _year(heading), what), f"{what.capitalize()} {_year(heading)}"
