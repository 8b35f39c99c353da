"""Evidence: a provider submits, revises and withdraws its own; the lead opens, accepts or returns anyone's."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from api.http.access import may_attach_evidence, readable_scheme, readable_submission
from api.storage.attachments import AttachmentStore
from domain import ids
from domain.evidence import Attachment, Evidence, Figures
from domain.submission import Submission, SubmissionStatus
from projections.progress.queries import organisation_names, programme_heading
from web.pages.base import CurrentPage, FormFailure, Page, PageRoute, SeenVersion

router = APIRouter(route_class=PageRoute)
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
        "locked": submission is not None and submission.status is SubmissionStatus.PRESENTED,
        "lead": organisation_names(page.readings).get(str(lead), ""),
    }
    return page.show("evidence.html", context, failure)


def _own_address(scheme_id: UUID, code: str) -> str:
    return f"/schemes/{scheme_id}/milestones/{code}/evidence"


@router.get("/schemes/{scheme_id}/milestones/{code}/evidence")
def own_evidence(page: CurrentPage, scheme_id: UUID, code: str) -> Response:
    """Your organisation's evidence for one milestone: submit it, revise it, withdraw it, read the lead's comments."""
    return _own_page(page, scheme_id, code)


def _number(text: str, name: str, label: str, errors: list[tuple[str, str]]) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        errors.append((f"evidence-{name}", f"{label} must be a number, like 92"))
        return None
    return value


@router.post("/schemes/{scheme_id}/milestones/{code}/evidence")
def send_evidence(
    page: CurrentPage,
    scheme_id: UUID,
    code: str,
    version: SeenVersion,
    narrative: Text = "",
    numerator: Text = "",
    denominator: Text = "",
    reason: Text = "",
    keep: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
) -> Response:
    """Submit the evidence (version 0: none was there), or revise it with a reason; files go to the attachment store."""
    _, milestone, submission = _own(page, scheme_id, code)
    values = {"narrative": narrative, "numerator": numerator, "denominator": denominator, "reason": reason}
    errors: list[tuple[str, str]] = []
    top = _number(numerator, "numerator", "The numerator", errors)
    bottom = _number(denominator, "denominator", "The denominator", errors)
    if bottom is not None and top is None:
        errors.append(("evidence-numerator", "Enter the numerator as well as the denominator"))
    if version and not reason.strip():
        errors.append(("evidence-reason", "Enter why you are revising the evidence"))
    if errors:
        return _own_page(page, scheme_id, code, FormFailure("evidence", values, errors))

    def send() -> Any:
        kept: list[Attachment] = [
            a for a in (submission.evidence().attachments if submission else ()) if a.sha256 in keep
        ]
        uploads = [f for f in files if f.filename]
        if uploads:
            may_attach_evidence(page.viewer.actor)
        store: AttachmentStore = page.request.app.state.attachments
        for upload in uploads:
            stored = store.keep(upload.file, upload.filename or "")
            page.corral.record_upload(page.viewer.actor, stored)
            if all(a.sha256 != stored.sha256 for a in kept):
                kept.append(stored)
        evidence = Evidence(narrative, None if top is None else Figures(top, bottom), tuple(kept))
        if submission is None:
            return page.corral.submit_evidence(page.viewer.actor, scheme_id, milestone.code, evidence)
        return page.corral.revise_evidence(page.viewer.actor, submission.id, evidence, reason, expected_version=version)

    again = lambda failure: _own_page(page, scheme_id, code, failure)  # noqa: E731
    return page.act(send, "evidence", values, again, _own_address(scheme_id, code))


@router.post("/schemes/{scheme_id}/milestones/{code}/withdrawal")
def withdraw(page: CurrentPage, scheme_id: UUID, code: str, version: SeenVersion, reason: Text = "") -> Response:
    """Take the evidence back before it is presented, saying why."""
    _, _, submission = _own(page, scheme_id, code)
    if submission is None:
        return _own_page(page, scheme_id, code)
    return page.act(
        lambda: page.corral.withdraw_evidence(page.viewer.actor, submission.id, reason, expected_version=version),
        "withdraw",
        {"reason": reason},
        lambda failure: _own_page(page, scheme_id, code, failure),
        _own_address(scheme_id, code),
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


def _lead_decides(page: Page, submission_id: UUID, form: str, comments: str, version: int) -> Response:
    submission = readable_submission(page.corral, page.viewer.actor, submission_id)
    decide = page.corral.accept_evidence if form == "accept" else page.corral.return_evidence
    return page.act(
        lambda: decide(page.viewer.actor, submission_id, comments, expected_version=version),
        form,
        {"comments": comments},
        lambda failure: _submission_page(page, submission_id, failure),
        f"/schemes/{submission.scheme_id}/quarters/{submission.quarter.value}/board",
    )


@router.post("/submissions/{submission_id}/acceptance")
def accept(page: CurrentPage, submission_id: UUID, version: SeenVersion, comments: Text = "") -> Response:
    """The lead accepts the evidence into its pack."""
    return _lead_decides(page, submission_id, "accept", comments, version)


@router.post("/submissions/{submission_id}/return")
def give_back(page: CurrentPage, submission_id: UUID, version: SeenVersion, comments: Text = "") -> Response:
    """The lead returns the evidence to its provider, saying what to change."""
    return _lead_decides(page, submission_id, "return", comments, version)
