"""Evidence: a provider submits, revises and withdraws its own; the lead opens, accepts or returns anyone's."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from uuid import UUID

from fastapi import File, Form, UploadFile
from fastapi.responses import Response

from api.http.access import readable_scheme, readable_submission
from api.http.commands import FormAct, keep_upload
from api.http.deps import AttachmentFiles
from domain import ids
from domain.evidence import Attachment, Evidence, Figures
from domain.service import Recorded
from domain.submission import Submission, SubmissionStatus
from projections.progress.queries import open_nudges, organisation_names, programme_heading
from web.pages import confirmations
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.dates import typed_again, typed_date
from web.pages.reading import quarter_review

router = page_router()
Text = Annotated[str, Form()]


def _own(page: Page, scheme_id: UUID, code: str) -> tuple[Any, Any, Submission | None]:
    """The scheme, the milestone as it applies to the viewer's organisation, and its submission if any."""
    scheme = readable_scheme(page.corral, page.viewer.actor, scheme_id)
    milestone = scheme.milestone_for(page.viewer.actor.organisation_id, code)
    submission_id = ids.submission_id(scheme_id, code, page.viewer.actor.organisation_id)
    return scheme, milestone, page.corral.submission(submission_id) if page.corral.exists(submission_id) else None


def _own_page(page: Page, scheme_id: UUID, code: str, failure: FormFailure | None = None) -> Response:
    scheme, milestone, submission = _own(page, scheme_id, code)
    lead = page.corral.programme(scheme.programme_id).lead_of(scheme.id)
    context = {
        "title": f"{scheme.agreed_terms.title}: {milestone.quarter.value} {milestone.code} evidence",
        "programme": programme_heading(page.readings, page.viewer.actor, scheme.programme_id),
        "scheme": scheme,
        "milestone": milestone,
        "submission": submission,
        "evidence": submission.evidence() if submission is not None else None,
        "typed_again": typed_again,
        "locked": submission is not None and submission.status is SubmissionStatus.PRESENTED,
        "packs": len(review.packs) if (review := quarter_review(page.corral, scheme_id, milestone.quarter)) else 0,
        "lead": organisation_names(page.readings).get(str(lead), ""),
        "nudges": open_nudges(
            page.readings, str(page.viewer.actor.organisation_id), str(scheme_id), milestone.quarter.value
        ),
    }
    return page.show("evidence.html", context, failure)


def _own_address(scheme_id: UUID, code: str) -> str:
    return f"/schemes/{scheme_id}/milestones/{code}/evidence"


@router.get("/schemes/{scheme_id}/milestones/{code}/evidence")
def own_evidence(page: CurrentPage, scheme_id: UUID, code: str) -> Response:
    """Your organisation's evidence for one milestone: submit it, revise it, withdraw it, read the lead's comments."""
    return _own_page(page, scheme_id, code)


def typed_number(text: str, at: str, label: str, errors: list[tuple[str, str]]) -> Decimal | None:
    """A number as typed (commas allowed), none when blank; else the error at the input with id `at`."""
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        errors.append((at, f"{label} must be a number, like 92"))
        return None
    return value


@router.post("/schemes/{scheme_id}/milestones/{code}/evidence")
def send_evidence(
    page: CurrentPage,
    act: FormAct,
    store: AttachmentFiles,
    scheme_id: UUID,
    code: str,
    narrative: Text = "",
    numerator: Text = "",
    denominator: Text = "",
    reason: Text = "",
    day: Annotated[str, Form(alias="effective_on-day")] = "",
    month: Annotated[str, Form(alias="effective_on-month")] = "",
    year: Annotated[str, Form(alias="effective_on-year")] = "",
    keep: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
) -> Response:
    """Submit the evidence, or revise it with a reason, as the version the form was drawn at says; files go to the
    attachment store first, as uploads do."""
    scheme, milestone, submission = _own(page, scheme_id, code)
    typed = {"effective_on-day": day, "effective_on-month": month, "effective_on-year": year}
    effective = typed_date(typed, "effective_on", "Effective on")
    values = {"narrative": narrative, "numerator": numerator, "denominator": denominator, "reason": reason}
    values |= typed | {"effective_on": str(effective.value or "")}

    def again(failure: FormFailure) -> Response:
        return _own_page(page, scheme_id, code, failure)

    errors = [] if effective.error is None else [("evidence-effective_on", effective.error)]
    top = typed_number(numerator, "evidence-numerator", "The numerator", errors)
    bottom = typed_number(denominator, "evidence-denominator", "The denominator", errors)
    if errors:
        return again(FormFailure("evidence", values, errors))
    kept: list[Attachment] = [a for a in (submission.evidence().attachments if submission else ()) if a.sha256 in keep]
    uploads = [f for f in files if f.filename]

    def send() -> Recorded:
        attached = list(kept)
        for upload in uploads:
            stored = keep_upload(store, act.corral, act.actor, upload)
            if all(a.sha256 != stored.sha256 for a in attached):
                attached.append(stored)
        evidence = Evidence(narrative, Figures.given(top, bottom), tuple(attached), effective.value)
        return act.corral.send_evidence(act.actor, scheme_id, milestone.code, evidence, reason, act.expected_version)

    asked = values | {"keep": [a.sha256 for a in kept], "files": [(f.filename, f.size) for f in uploads]}
    sent = confirmations.evidence_sent(page, scheme, milestone.code, revised=submission is not None)
    return page.act(act, send, "evidence", values, again, _own_address(scheme_id, code), asked, sent)


@router.post("/schemes/{scheme_id}/milestones/{code}/withdrawal")
def withdraw(page: CurrentPage, act: FormAct, scheme_id: UUID, code: str, reason: Text = "") -> Response:
    """Take the evidence back before it is presented, saying why."""
    _, _, submission = _own(page, scheme_id, code)
    if submission is None:
        return _own_page(page, scheme_id, code)
    return page.act(
        act,
        lambda: act.corral.withdraw_evidence(act.actor, submission.id, reason, act.expected_version),
        "withdraw",
        {"reason": reason},
        lambda failure: _own_page(page, scheme_id, code, failure),
        _own_address(scheme_id, code),
        confirmed=confirmations.evidence_withdrawn(submission.milestone_code),
    )


def _submission_page(page: Page, submission_id: UUID, failure: FormFailure | None = None) -> Response:
    submission = readable_submission(page.corral, page.viewer.actor, submission_id)
    scheme = page.corral.scheme(submission.scheme_id)
    lead = page.corral.programme(submission.programme_id).lead_of(scheme.id)
    provider = organisation_names(page.readings).get(str(submission.provider_id), str(submission.provider_id))
    context = {
        "title": f"{provider}: {submission.milestone_code} evidence",
        "programme": programme_heading(page.readings, page.viewer.actor, submission.programme_id),
        "scheme": scheme,
        "milestone": scheme.agreed_terms.milestone(submission.milestone_code),
        "submission": submission,
        "evidence": submission.evidence(),
        "provider": provider,
        "is_lead": page.viewer.is_provider and lead == page.viewer.actor.organisation_id,
    }
    return page.show("submission.html", context, failure)


@router.get("/submissions/{submission_id}")
def submission_page(page: CurrentPage, submission_id: UUID) -> Response:
    """One provider's evidence in full: for its provider, the scheme's lead and the commissioner."""
    return _submission_page(page, submission_id)


def _lead_decides(page: Page, act: FormAct, submission_id: UUID, form: str, comments: str) -> Response:
    submission = readable_submission(page.corral, page.viewer.actor, submission_id)
    decide = act.corral.accept_evidence if form == "accept" else act.corral.return_evidence
    return page.act(
        act,
        lambda: decide(act.actor, submission_id, comments, act.expected_version),
        form,
        {"comments": comments},
        lambda failure: _submission_page(page, submission_id, failure),
        f"/schemes/{submission.scheme_id}/quarters/{submission.quarter.value}/board",
        confirmed=confirmations.lead_decided(page, submission, accepted=form == "accept"),
    )


@router.post("/submissions/{submission_id}/acceptance")
def accept(page: CurrentPage, act: FormAct, submission_id: UUID, comments: Text = "") -> Response:
    """The lead accepts the evidence into its pack."""
    return _lead_decides(page, act, submission_id, "accept", comments)


@router.post("/submissions/{submission_id}/return")
def give_back(page: CurrentPage, act: FormAct, submission_id: UUID, comments: Text = "") -> Response:
    """The lead returns the evidence to its provider, saying what to change."""
    return _lead_decides(page, act, submission_id, "return", comments)
