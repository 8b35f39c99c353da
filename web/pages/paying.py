"""The payment schedule's forms on the payments page: the commissioner sets the on-account basis; commissioner staff
(above the threshold, the finance approver) issue each provider's next statement."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Form
from fastapi.responses import Response

from api.http.access import commissioned_programme, may_know_programme
from api.http.commands import FormAct
from api.http.deps import ViewsAtHead
from api.http.setting_up import OnAccountBasisIn, StatementIn
from domain.errors import NotPermittedError
from domain.statement import ISSUERS
from projections.progress.queries import settlement
from web.pages.base import CurrentPage, page_router
from web.pages.parsed import labelled, parsed
from web.pages.payments import payments_page
from web.pages.setting_up import hundredth

router = page_router()
BASIS = labelled(
    {
        "expected_achievement": "Expected achievement",
        "approval_threshold": "Approval threshold",
        "reason": "Reason",
    }
)
STATEMENT = labelled({"provider_id": "Provider", "month": "Month"})


@router.post("/programmes/{programme_id}/on-account-basis")
def set_on_account_basis(
    page: CurrentPage,
    act: FormAct,
    programme_id: UUID,
    expected_achievement: Annotated[str, Form()] = "",
    approval_threshold: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Set what each provider is paid monthly on account, the expected achievement typed as a percentage."""
    commissioned_programme(page.corral, page.viewer.actor, programme_id)
    values = {"expected_achievement": expected_achievement, "approval_threshold": approval_threshold, "reason": reason}
    data = {**values, "expected_achievement": hundredth(expected_achievement)}
    body = parsed(OnAccountBasisIn, data, "basis", values, BASIS)
    if not isinstance(body, OnAccountBasisIn):
        return payments_page(page, programme_id, body)
    return page.act(
        act,
        lambda: act.corral.set_on_account_basis(act.actor, programme_id, body.basis, body.reason, act.expected_version),
        "basis",
        values,
        lambda failure: payments_page(page, programme_id, failure),
        f"/programmes/{programme_id}/payments",
        placed=BASIS,
    )


@router.post("/programmes/{programme_id}/statements", dependencies=[ViewsAtHead])
def issue_statement(
    page: CurrentPage,
    act: FormAct,
    programme_id: UUID,
    provider_id: Annotated[str, Form()] = "",
    month: Annotated[str, Form()] = "",
) -> Response:
    """Issue the provider's next statement, reconciling its closed quarters (at the year end, the whole year)."""
    if page.viewer.actor.role not in ISSUERS:  # as over the API: a role that never issues is turned away first
        raise NotPermittedError("only commissioner staff or its finance approver issue statements")
    may_know_programme(page.corral, page.viewer.actor, programme_id)
    values = {"provider_id": provider_id, "month": month}
    form = f"statement-{provider_id}"
    body = parsed(StatementIn, values, form, values, STATEMENT)
    if not isinstance(body, StatementIn):
        return payments_page(page, programme_id, body)
    settled = settlement(page.readings, str(programme_id), str(body.provider_id))
    return page.act(
        act,
        lambda: act.corral.issue_statement(act.actor, programme_id, body.provider_id, body.month, settled),
        form,
        values,
        lambda failure: payments_page(page, programme_id, failure),
        f"/programmes/{programme_id}/payments",
        placed=STATEMENT,
    )
