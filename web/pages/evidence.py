"""Evidence: a provider submits, revises and withdraws its own; the lead opens, accepts or returns anyone's."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from api.access import may_attach_evidence, readable_submission
from api.attachments import AttachmentStore
from api.deps import CorralApp, ProgressReadings
from domain import ids
from domain.application import Corral
from domain.evidence import Attachment, Evidence, Figures
from domain.submission import Submission, SubmissionStatus
from projections.progress.reading import organisation_names
from web.pages.base import CurrentViewer, FormFailure, PageRoute, Viewer, after, attempt, refused, render, see_other
from web.pages.reading import programme_heading

router = APIRouter(route_class=PageRoute)
Text = Annotated[str, Form()]
Uploads = Annotated[list[UploadFile], File()]


def _own(corral: Corral, viewer: Viewer, scheme_id: UUID, code: str) -> tuple[Any, Any, Submission | None]:
    """The scheme, the milestone as it applies to the viewer's organisation, and its submission if any."""
    scheme = corral.scheme(scheme_id)
    milestone = scheme.milestone_for(viewer.actor.organisation_id, code)
    submission_id = ids.submission_id(scheme_id, code, viewer.actor.organisation_id)
    return scheme, milestone, corral.submission(submission_id) if corral.exists(submission_id) else None


def _own_page(
    request: Request,
    corral: Corral,
    readings: ProgressReadings,
    viewer: Viewer,
    scheme_id: UUID,
    code: str,
    failure: FormFailure | None = None,
) -> Response:
    scheme, milestone, submission = _own(corral, viewer, scheme_id, code)
    heading = programme_heading(readings, viewer.actor, scheme.programme_id)
    evidence = submission.evidence() if submission is not None else None
    context = {
        "title": f"{scheme.agreed_terms.title}: {milestone.quarter.value} {milestone.code} evidence",
        "programme": heading,
        "scheme": scheme,
        "milestone": milestone,
        "submission": submission,
        "evidence": evidence,
        "locked": submission is not None and submission.status is SubmissionStatus.PRESENTED,
        "lead": organisation_names(readings).get(str(corral.programme(scheme.programme_id).lead_of(scheme.id)), ""),
        "failure": failure,
    }
    return render(request, "evidence.html", context, viewer, 200 if failure is None else 422)


@router.get("/schemes/{scheme_id}/milestones/{code}/evidence")
def own_evidence(
    request: Request, scheme_id: UUID, code: str, viewer: CurrentViewer, corral: CorralApp, readings: ProgressReadings
) -> Response:
    """Your organisation's evidence for one milestone: submit it, revise it, withdraw it, read the lead's comments."""
    return _own_page(request, corral, readings, viewer, scheme_id, code)


def _number(text: str, name: str, label: str, errors: list[tuple[str, str]]) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        errors.append((f"evidence-{name}", f"{label} must be a number, like 92"))
        return None
    if not value.is_finite():
        errors.append((f"evidence-{name}", f"{label} must be a number, like 92"))
        return None
    return value


def _store(request: Request) -> AttachmentStore:
    store: AttachmentStore = request.app.state.attachments
    return store


@router.post("/schemes/{scheme_id}/milestones/{code}/evidence")
def send_evidence(
    request: Request,
    scheme_id: UUID,
    code: str,
    viewer: CurrentViewer,
    corral: CorralApp,
    readings: ProgressReadings,
    narrative: Text = "",
    numerator: Text = "",
    denominator: Text = "",
    reason: Text = "",
    keep: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    files: Uploads = [],  # noqa: B006
    version: Annotated[int | None, Form()] = None,
) -> Response:
    """Submit the evidence, or revise it with a reason; the files chosen are uploaded to the attachment store."""
    _, milestone, submission = _own(corral, viewer, scheme_id, code)
    values = {"narrative": narrative, "numerator": numerator, "denominator": denominator, "reason": reason}
    errors: list[tuple[str, str]] = []
    top = _number(numerator, "numerator", "The numerator", errors)
    bottom = _number(denominator, "denominator", "The denominator", errors)
    if bottom is not None and top is None:
        errors.append(("evidence-numerator", "Enter the numerator as well as the denominator"))
    if submission is not None and not reason.strip():
        errors.append(("evidence-reason", "Enter why you are revising the evidence"))
    if errors:
        return _own_page(request, corral, readings, viewer, scheme_id, code, FormFailure("evidence", values, errors))

    def act() -> Any:
        current = submission.evidence().attachments if submission is not None else ()
        kept: list[Attachment] = [a for a in current if a.sha256 in keep]
        uploads = [f for f in files if f.filename]
        if uploads:
            may_attach_evidence(viewer.actor)
        for upload in uploads:
            stored = _store(request).keep(upload.file, upload.filename or "")
            if all(a.sha256 != stored.sha256 for a in kept):
                kept.append(stored)
        figures = None if top is None else Figures(top, bottom)
        evidence = Evidence(narrative, figures, tuple(kept))
        if submission is None:
            return corral.submit_evidence(viewer.actor, scheme_id, milestone.code, evidence)
        return corral.revise_evidence(viewer.actor, submission.id, evidence, reason, version or submission.version)

    recorded, error = attempt(act)
    if error is not None:
        failure = refused("evidence", values, error)
        return _own_page(request, corral, readings, viewer, scheme_id, code, failure)
    return see_other(after(f"/schemes/{scheme_id}/milestones/{code}/evidence", recorded.position))


@router.post("/schemes/{scheme_id}/milestones/{code}/withdrawal")
def withdraw(
    request: Request,
    scheme_id: UUID,
    code: str,
    viewer: CurrentViewer,
    corral: CorralApp,
    readings: ProgressReadings,
    reason: Text = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    """Take the evidence back before it is presented, saying why."""
    _, _, submission = _own(corral, viewer, scheme_id, code)
    if submission is None:
        return see_other(f"/schemes/{scheme_id}/milestones/{code}/evidence")
    recorded, error = attempt(
        lambda: corral.withdraw_evidence(viewer.actor, submission.id, reason, version or submission.version)
    )
    if error is not None:
        failure = refused("withdraw", {"reason": reason}, error)
        return _own_page(request, corral, readings, viewer, scheme_id, code, failure)
    return see_other(after(f"/schemes/{scheme_id}/milestones/{code}/evidence", recorded.position))


def _submission_page(
    request: Request,
    corral: Corral,
    readings: ProgressReadings,
    viewer: Viewer,
    submission_id: UUID,
    failure: FormFailure | None = None,
) -> Response:
    submission = readable_submission(corral, viewer.actor, submission_id)
    scheme = corral.scheme(submission.scheme_id)
    programme = corral.programme(submission.programme_id)
    names = organisation_names(readings)
    context = {
        "title": f"{names.get(str(submission.provider_id), '')}: {submission.milestone_code} evidence",
        "programme": programme_heading(readings, viewer.actor, submission.programme_id),
        "scheme": scheme,
        "milestone": scheme.agreed_terms.milestone(submission.milestone_code),
        "submission": submission,
        "evidence": submission.evidence(),
        "provider": names.get(str(submission.provider_id), str(submission.provider_id)),
        "is_lead": viewer.is_provider and programme.lead_of(scheme.id) == viewer.actor.organisation_id,
        "failure": failure,
    }
    return render(request, "submission.html", context, viewer, 200 if failure is None else 422)


@router.get("/submissions/{submission_id}")
def submission_page(
    request: Request, submission_id: UUID, viewer: CurrentViewer, corral: CorralApp, readings: ProgressReadings
) -> Response:
    """One provider's evidence in full: for its provider, the scheme's lead and the commissioner."""
    return _submission_page(request, corral, readings, viewer, submission_id)


def _lead_decides(
    request: Request,
    corral: Corral,
    readings: ProgressReadings,
    viewer: Viewer,
    submission_id: UUID,
    form: str,
    comments: str,
    version: int | None,
) -> Response:
    submission = readable_submission(corral, viewer.actor, submission_id)
    decide = corral.accept_evidence if form == "accept" else corral.return_evidence
    recorded, error = attempt(lambda: decide(viewer.actor, submission_id, comments, version or submission.version))
    if error is not None:
        failure = refused(form, {"comments": comments}, error)
        return _submission_page(request, corral, readings, viewer, submission_id, failure)
    board = f"/schemes/{submission.scheme_id}/quarters/{submission.quarter.value}/board"
    return see_other(after(board, recorded.position))


@router.post("/submissions/{submission_id}/acceptance")
def accept(
    request: Request,
    submission_id: UUID,
    viewer: CurrentViewer,
    corral: CorralApp,
    readings: ProgressReadings,
    comments: Text = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    """The lead accepts the evidence into its pack."""
    return _lead_decides(request, corral, readings, viewer, submission_id, "accept", comments, version)


@router.post("/submissions/{submission_id}/return")
def give_back(
    request: Request,
    submission_id: UUID,
    viewer: CurrentViewer,
    corral: CorralApp,
    readings: ProgressReadings,
    comments: Text = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    """The lead returns the evidence to its provider, saying what to change."""
    return _lead_decides(request, corral, readings, viewer, submission_id, "return", comments, version)
