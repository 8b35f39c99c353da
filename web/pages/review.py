"""The commissioner's review of a scheme-quarter: assess each provider-milestone, query, revise, close."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Form
from fastapi.responses import Response

from api.http.access import may_read_assessments
from api.http.commands import Command, FormAct
from api.http.deps import ViewsAfter
from domain import ids
from domain.actors import Role
from domain.achievement import AssessmentStatus
from domain.history import assessment_history
from domain.milestones import Milestone, Quarter
from domain.service import Recorded
from domain.submission import SubmissionStatus
from projections.progress.queries import (
    MilestoneProgress,
    organisation_names,
    programme_heading,
    review_access,
    scheme_row,
)
from web.pages import confirmations
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.dates import typed_again
from web.pages.flash import Flash
from web.pages.thresholds import ThresholdMaths, threshold_maths
from web.pages.reading import people, quarter_review, review_version, scheme_quarter

router = page_router("/schemes/{scheme_id}/quarters/{quarter}")
Text = Annotated[str, Form()]


@dataclass(frozen=True)
class ReviewRow:
    """One provider-milestone as the commissioner reviews it."""

    provider_id: str
    provider: str
    progress: MilestoneProgress
    milestone: Milestone
    submission_id: UUID
    presented_revision: int | None
    maths: ThresholdMaths | None
    called_in: bool = False
    may_call_in: bool = False  # past the pack deadline, evidence the lead left waiting

    @property
    def form(self) -> str:
        """The id stem of this row's forms."""
        return f"{self.provider_id}-{self.milestone.code}"


def _review_page(page: Page, scheme_id: UUID, quarter: Quarter, failure: FormFailure | None = None) -> Response:
    review_access(page.readings, page.viewer.actor, str(scheme_id), lead_reads=False)
    shown = scheme_quarter(page.readings, page.viewer.actor, scheme_id, quarter, "review")
    board = shown["board"]
    review = quarter_review(page.corral, scheme_id, quarter)
    terms = page.corral.scheme(scheme_id).agreed_terms
    overdue = board.pack_due is not None and page.readings.reading_clock.today() > board.pack_due
    rows = []
    for participant in board.participants:
        for progress in participant.milestones:
            milestone = terms.milestone(progress.code)
            provider = UUID(participant.provider_id)
            entry = review.entry_for(provider, milestone.code) if review is not None else None
            rows.append(
                ReviewRow(
                    participant.provider_id,
                    participant.name,
                    progress,
                    milestone,
                    ids.submission_id(scheme_id, milestone.code, provider),
                    entry.revision if entry is not None else None,
                    threshold_maths(page.corral, milestone, review, provider),
                    called_in=review is not None and review.was_called_in(provider, milestone.code),
                    may_call_in=overdue and entry is None and progress.state in WAITING_WITH_LEAD,
                )
            )
    context = shown | {
        "review": review,
        "version": review_version(review),
        "rows": rows,
        "statuses": list(AssessmentStatus),
        "may_act": page.viewer.actor.role is Role.COMMISSIONER,
        "names": {p.provider_id: p.name for p in board.participants},
        "typed_again": typed_again,
    }
    return page.show("review.html", context, failure)


@router.get("/review")
def review_page(page: CurrentPage, scheme_id: UUID, quarter: Quarter, _: ViewsAfter) -> Response:
    """The presented pack, each provider-milestone with its evidence and, for numeric ones, the threshold maths."""
    return _review_page(page, scheme_id, quarter)


STATUSES = {status.value for status in AssessmentStatus}
WAITING_WITH_LEAD = (SubmissionStatus.SUBMITTED.value, SubmissionStatus.ACCEPTED.value)


def decide(
    page: Page,
    act: Command,
    scheme_id: UUID,
    quarter: Quarter,
    form: str,
    values: dict[str, str],
    action: Callable[[], Recorded],
    confirmed: Callable[[], Flash],
    mistyped: list[tuple[str, str]] | None = None,
) -> Response:
    """Act on the quarter's review from one of its forms: the review again, with the errors at their inputs, when
    anything was mistyped or the domain refuses; else back to the review."""
    review_access(page.readings, page.viewer.actor, str(scheme_id), lead_reads=False)

    def again(failure: FormFailure) -> Response:
        return _review_page(page, scheme_id, quarter, failure)

    if "status" in values and values["status"] not in STATUSES:
        return again(FormFailure(form, values, [(f"{form}-status", "choose Met, Partially Met, Not Met or N/A")]))
    if mistyped:
        return again(FormFailure(form, values, mistyped))
    done = f"/schemes/{scheme_id}/quarters/{quarter.value}/review"
    return page.act(act, action, form, values, again, done, confirmed=confirmed())


@router.post("/assessments")
def assess(
    page: CurrentPage,
    act: FormAct,
    scheme_id: UUID,
    quarter: Quarter,
    provider_id: Annotated[UUID, Form()],
    milestone_code: Text,
    status: Text = "",
    rationale: Text = "",
    override_reason: Text = "",
) -> Response:
    """Assess one provider-milestone: Met, Partially Met, Not Met or N/A, with a rationale, and for a numeric one
    why it departs from the share its figures give, if it does."""
    return decide(
        page,
        act,
        scheme_id,
        quarter,
        f"assess-{provider_id}-{milestone_code}",
        {"status": status, "rationale": rationale, "override_reason": override_reason},
        lambda: act.corral.assess_milestone(
            act.actor,
            scheme_id,
            quarter,
            provider_id,
            milestone_code,
            AssessmentStatus(status),
            rationale,
            act.expected_version,
            override_reason,
        ),
        lambda: confirmations.decided(page, provider_id, milestone_code, status, on_appeal=False),
    )


@router.post("/appeals")
def appeal(
    page: CurrentPage,
    act: FormAct,
    scheme_id: UUID,
    quarter: Quarter,
    provider_id: Annotated[UUID, Form()],
    milestone_code: Text,
    status: Text = "",
    rationale: Text = "",
    reason: Text = "",
    override_reason: Text = "",
) -> Response:
    """Revise an assessment on appeal, saying why; the first decision stays in the record."""
    return decide(
        page,
        act,
        scheme_id,
        quarter,
        f"appeal-{provider_id}-{milestone_code}",
        {"status": status, "rationale": rationale, "reason": reason, "override_reason": override_reason},
        lambda: act.corral.revise_assessment(
            act.actor,
            scheme_id,
            quarter,
            provider_id,
            milestone_code,
            AssessmentStatus(status),
            rationale,
            reason,
            act.expected_version,
            override_reason,
        ),
        lambda: confirmations.decided(page, provider_id, milestone_code, status, on_appeal=True),
    )


@router.post("/query")
def query(page: CurrentPage, act: FormAct, scheme_id: UUID, quarter: Quarter, questions: Text = "") -> Response:
    """Send the pack back to the lead with questions."""
    return decide(
        page,
        act,
        scheme_id,
        quarter,
        "query",
        {"questions": questions},
        lambda: act.corral.query_pack(act.actor, scheme_id, quarter, questions, act.expected_version),
        lambda: confirmations.queried(page, page.corral.scheme(scheme_id), quarter),
    )


@router.post("/call-ins")
def call_in(
    page: CurrentPage,
    act: FormAct,
    scheme_id: UUID,
    quarter: Quarter,
    submission_id: Annotated[UUID, Form()],
    reason: Text = "",
) -> Response:
    """Past the pack deadline, call in evidence the lead left waiting, to assess it here."""
    return decide(
        page,
        act,
        scheme_id,
        quarter,
        f"call-in-{submission_id}",
        {"reason": reason},
        lambda: act.corral.call_in_evidence(act.actor, scheme_id, quarter, submission_id, reason, act.expected_version),
        lambda: confirmations.called_in(page, submission_id),
    )


@router.post("/closure")
def close(page: CurrentPage, act: FormAct, scheme_id: UUID, quarter: Quarter) -> Response:
    """Close the quarter once every provider-milestone is assessed, fixing its payments."""
    return decide(
        page,
        act,
        scheme_id,
        quarter,
        "close",
        {},
        lambda: act.corral.close_quarter(act.actor, scheme_id, quarter, act.expected_version),
        lambda: confirmations.closed(quarter),
    )


@router.get("/assessments/{provider_id}")
def history(page: CurrentPage, scheme_id: UUID, quarter: Quarter, provider_id: UUID) -> Response:
    """Every decision on the provider's milestones in the quarter, each with the evidence exactly as assessed."""
    may_read_assessments(page.corral, page.viewer.actor, scheme_id, provider_id)
    programme_id, title, _ = scheme_row(page.readings, scheme_id)
    expected = page.corral.scheme(scheme_id).agreed_terms.expected(quarter)
    codes = [m.code for p, m in expected if p == provider_id]
    names = organisation_names(page.readings)
    provider = names.get(str(provider_id), str(provider_id))
    histories = [(code, assessment_history(page.corral, scheme_id, quarter, provider_id, code)) for code in codes]
    deciders = (d.assessed_by.user_id for _, decisions in histories for d in decisions)
    context = {
        "title": f"{title}: {quarter.value} decisions for {provider}",
        "programme": programme_heading(page.readings, page.viewer.actor, programme_id),
        "scheme_id": str(scheme_id),
        "scheme_title": title,
        "quarter": quarter.value,
        "provider": provider,
        "histories": histories,
        "names": names,
        "people": people(page.corral, deciders),
    }
    return page.show("history.html", context)
