"""The payment schedule: a programme's on-account basis, and each provider's monthly statements, issued, read and
downloaded."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut, described
from api.http.deps import (
    BY_COMMISSIONER,
    CorralApp,
    CurrentActor,
    KnownProgramme,
    ProgressReadings,
    ViewsAtHead,
    performed_by,
)
from api.http.exports import DOWNLOAD, Format, Pounds, file_name, table
from api.http.routing import api_router
from api.http.setting_up import OnAccountBasisIn, StatementIn
from api.http.reads import json_read
from domain.on_account import month_label
from domain.payments import pounds
from domain.statement import ISSUERS, Statement
from domain.milestones import contract_year_label
from projections.progress.queries import (
    ProgrammeAccess,
    organisation_names,
    programme_access,
    programme_heading,
    settlement,
)

router = api_router("/programmes/{programme_id}", tags=["payments"])
BY_ISSUER = performed_by(*ISSUERS)  # the roles the domain lets issue, turned away first as every route does
HEADINGS = (
    "Provider",
    "Month",
    "Paid on account this month",
    "Paid on account to date",
    "Value in closed quarters",
    "Earned in closed quarters",
    "Expected for them",
    "Adjustments before",
    "Adjustment due",
    "True-up",
    "Earned to date",
    "Issued by",
)


@router.put("/on-account-basis", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownProgramme])
def set_on_account_basis(programme_id: UUID, body: OnAccountBasisIn, act: Act) -> JSONResponse:
    """The commissioner sets what each provider is paid monthly on account, and the approval threshold."""
    return act.run(
        f"on-account basis {programme_id} {described(body)}",
        lambda: act.corral.set_on_account_basis(act.actor, programme_id, body.basis, body.reason, act.expected_version),
    )


@router.post(
    "/statements", response_model=RecordedOut, status_code=201, dependencies=[BY_ISSUER, KnownProgramme, ViewsAtHead]
)
def issue_statement(programme_id: UUID, body: StatementIn, act: Act, readings: ProgressReadings) -> JSONResponse:
    """Commissioner staff (above the programme's threshold, a finance approver) issue a provider's statement for the
    next month: paid on account to date, and the adjustment reconciling the closed quarters as the payments read
    now; at the year end (month 13, once every quarter has closed) the true-up."""
    settled = settlement(readings, str(programme_id), str(body.provider_id))
    return act.run(
        f"statement {programme_id} {described(body)}",
        lambda: act.corral.issue_statement(act.actor, programme_id, body.provider_id, body.month, settled),
        status_code=201,
    )


class OnAccountBasisOut(BaseModel):
    expected_achievement: Decimal = Field(description="from 0 to 1")
    approval_threshold: Decimal = Field(description="in pounds: a statement settling more is the finance approver's")


class StatementOut(BaseModel):
    """One monthly statement, its money in pounds to the penny."""

    provider_id: UUID
    month: int = Field(description="April is 1, March 12, the year end 13")
    month_name: str
    on_account_payment: Decimal
    paid_on_account_to_date: Decimal
    value_closed: Decimal
    earned_closed: Decimal
    expected_closed: Decimal
    earned_to_date: Decimal
    adjustments_before: Decimal
    adjustment_due: Decimal
    true_up: Decimal | None = Field(description="the year end's only")
    issued_by: str
    issued_at: datetime


class StatementsOut(BaseModel):
    programme_id: UUID
    on_account_basis: OnAccountBasisOut | None
    statements: list[StatementOut]


@router.get("/statements", response_model=StatementsOut)
def list_statements(programme_id: UUID, actor: CurrentActor, corral: CorralApp, readings: ProgressReadings) -> Response:
    """The statements issued so far: every provider's for the commissioner, the finance approver and the auditor;
    a provider its own. Money in pounds to the penny."""
    issued = _seen(programme_id, programme_access(readings, actor, str(programme_id)), corral)
    basis = corral.programme(programme_id).on_account
    return json_read(
        {
            "programme_id": programme_id,
            "on_account_basis": None
            if basis is None
            else {
                "expected_achievement": basis.expected_achievement,
                "approval_threshold": pounds(basis.approval_threshold),
            },
            "statements": [_row(s) for s in issued],
        }
    )


@router.get("/statements.{form}", response_class=Response, responses=DOWNLOAD)
def download_statements(
    programme_id: UUID, form: Format, actor: CurrentActor, corral: CorralApp, readings: ProgressReadings
) -> Response:
    """The statements as `GET statements` gives them, as a CSV file or a workbook."""
    heading = programme_heading(readings, actor, programme_id)
    issued = _seen(programme_id, heading.access, corral)
    names = organisation_names(readings)
    rows = [(names.get(str(s.provider_id), str(s.provider_id)), *_figures(s)) for s in issued]
    year = contract_year_label(heading.contract_year).replace("/", "-")
    return table(HEADINGS, rows, form, file_name(heading.health_economy, year, "statements"), f"Statements {year}")


def _seen(programme_id: UUID, access: ProgrammeAccess, corral: CorralApp) -> list[Statement]:
    providers = corral.programme(programme_id).provider_ids
    seen = providers if access.everything else {p for p in providers if str(p) == access.provider_id}
    return [s for p in sorted(seen, key=str) for s in corral.statements(programme_id, p)]


def _figures(s: Statement) -> tuple[object, ...]:
    f = s.figures
    money = (
        f.on_account_payment,
        f.paid_on_account_to_date,
        f.value_closed,
        f.earned_closed,
        f.expected_closed,
        f.adjustments_before,
        f.adjustment_due,
    )
    true_up = "" if f.true_up is None else Pounds(f.true_up)
    return (month_label(f.month), *(Pounds(m) for m in money), true_up, Pounds(f.earned_to_date), s.issued_by.user_id)


def _row(s: Statement) -> dict[str, object]:
    f = s.figures
    return {
        "provider_id": s.provider_id,
        "month": f.month,
        "month_name": month_label(f.month),
        "on_account_payment": pounds(f.on_account_payment),
        "paid_on_account_to_date": pounds(f.paid_on_account_to_date),
        "value_closed": pounds(f.value_closed),
        "earned_closed": pounds(f.earned_closed),
        "expected_closed": pounds(f.expected_closed),
        "earned_to_date": pounds(f.earned_to_date),
        "adjustments_before": pounds(f.adjustments_before),
        "adjustment_due": pounds(f.adjustment_due),
        "true_up": None if f.true_up is None else pounds(f.true_up),
        "issued_by": s.issued_by.user_id,
        "issued_at": s.created_on,
    }
