"""The commissioner restates a closed quarter's provider-milestone from its review page: corrected figures or a
corrected assessment, effective in the quarter, recorded now, with a reason."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Form
from fastapi.responses import Response

from api.http.commands import FormAct
from domain.achievement import AssessmentStatus
from domain.evidence import Figures
from domain.milestones import Quarter
from domain.restatement import Correction
from domain.service import Recorded
from web.pages import confirmations
from web.pages.base import CurrentPage, page_router
from web.pages.dates import typed_date
from web.pages.evidence import typed_number
from web.pages.review import decide

router = page_router("/schemes/{scheme_id}/quarters/{quarter}")
Text = Annotated[str, Form()]


@router.post("/restatements")
def restate(
    page: CurrentPage,
    act: FormAct,
    scheme_id: UUID,
    quarter: Quarter,
    provider_id: Annotated[UUID, Form()],
    milestone_code: Text,
    status: Text = "",
    rationale: Text = "",
    reason: Text = "",
    numerator: Text = "",
    denominator: Text = "",
    override_reason: Text = "",
    day: Annotated[str, Form(alias="effective_on-day")] = "",
    month: Annotated[str, Form(alias="effective_on-month")] = "",
    year: Annotated[str, Form(alias="effective_on-year")] = "",
) -> Response:
    """Restate a closed quarter's provider-milestone, saying why; the original stays as the quarter closed."""
    form = f"restate-{provider_id}-{milestone_code}"
    typed = {"effective_on-day": day, "effective_on-month": month, "effective_on-year": year}
    effective = typed_date(typed, "effective_on", "Effective")
    values = typed | {"status": status, "rationale": rationale, "reason": reason, "override_reason": override_reason}
    values |= {"numerator": numerator, "denominator": denominator, "effective_on": str(effective.value or "")}
    errors = [] if effective.error is None else [(f"{form}-effective_on", effective.error)]
    top = typed_number(numerator, f"{form}-numerator", "The numerator", errors)
    bottom = typed_number(denominator, f"{form}-denominator", "The denominator", errors)

    def restated() -> Recorded:
        correction = Correction(
            AssessmentStatus(status), rationale, reason, Figures.given(top, bottom), override_reason, effective.value
        )
        return act.corral.restate_assessment(
            act.actor, scheme_id, quarter, provider_id, milestone_code, correction, act.expected_version
        )

    return decide(
        page,
        act,
        scheme_id,
        quarter,
        form,
        values,
        restated,
        lambda: confirmations.restated(page, provider_id, milestone_code, status),
        errors,
    )
