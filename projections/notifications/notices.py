"""From an event to the notices it raises: who must hear of it (an organisation), in plain words, and where to go.

One small function per kind, registered with `@notices_of`; each reads only the event and what the view knows
(`Known`: names and titles as they stand, the scheme's lead and commissioner). Every member of the recipient
organisation sees the notice in their inbox.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from domain.quarter_review import QuarterReview
from domain.reminder import Reminder
from domain.submission import Submission
from projections.by_event import ByEventClass


@dataclass(frozen=True)
class Notice:
    """What one organisation is told: its kind, a subject line, the text, and the page that needs the reader."""

    kind: str
    organisation_id: UUID
    subject: str
    text: str
    link: str


@dataclass(frozen=True)
class SchemeFacts:
    """A scheme as the notices name it."""

    scheme_id: UUID
    title: str
    commissioner_id: UUID
    lead_id: UUID | None


@dataclass(frozen=True)
class SubmissionFacts:
    """A submission as the notices name it: whose, for which milestone and quarter."""

    submission_id: UUID
    scheme_id: UUID
    provider_id: UUID
    milestone_code: str
    quarter: str


@dataclass(frozen=True)
class ReviewFacts:
    """A scheme-quarter's review."""

    scheme_id: UUID
    quarter: str


class Known(Protocol):
    """What the view knows from earlier events."""

    def organisation(self, organisation_id: UUID) -> str:
        """The organisation's name as it stands."""

    def scheme(self, scheme_id: UUID) -> SchemeFacts:
        """The scheme's title, commissioner and lead as they stand."""

    def milestone(self, scheme_id: UUID, code: str) -> str:
        """The milestone's title in the scheme's latest terms."""

    def submission(self, submission_id: UUID) -> SubmissionFacts:
        """Whose evidence a submission is, for what."""

    def review(self, review_id: UUID) -> ReviewFacts:
        """The scheme and quarter of a review."""


NOTICERS: ByEventClass[Notice] = ByEventClass()
notices_of = NOTICERS.of  # registers a function as the notices these event classes raise


def notices(event: Any, known: Known) -> list[Notice]:
    """The notices an event raises, in a fixed order (their place in it is part of each notice's id)."""
    return NOTICERS(event, known)


def evidence_page(s: SubmissionFacts) -> str:
    """Where a provider works on its evidence for a milestone."""
    return f"/schemes/{s.scheme_id}/milestones/{s.milestone_code}/evidence"


def quarter_page(scheme_id: UUID, quarter: str, page: str) -> str:
    """A scheme-quarter's `board` or `review`."""
    return f"/schemes/{scheme_id}/quarters/{quarter}/{page}"


def _milestone(known: Known, scheme_id: UUID, code: str) -> str:
    """`M1 Safety plans audited`; the title alone when the code is a quarter's, which the sentence names already."""
    title = known.milestone(scheme_id, code)
    if _names_a_quarter(code):
        return title or code
    return f"{code} {title}" if title else code


def _evidence(quarter: str, code: str) -> str:
    """`Q2 evidence for M1`; `Q2 evidence` or `evidence for Q2-TARGETED` for a code naming its quarter: never twice."""
    if code == quarter:
        return f"{quarter} evidence"
    return f"evidence for {code}" if _names_a_quarter(code) else f"{quarter} evidence for {code}"


def _decision(quarter: str, code: str) -> str:
    """`M1 for Q2`, or the code alone when it names its quarter (`Q2`, `Q2-TARGETED`)."""
    return code if _names_a_quarter(code) else f"{code} for {quarter}"


def _names_a_quarter(code: str) -> bool:
    """True for a code that already says its quarter, as `Q2` or `Q2-TARGETED` do."""
    return re.search(r"\bQ[1-4]\b", code) is not None


def _by(event: Any, known: Known) -> str:
    """`Torbay Acute Trust (alice)`: the acting organisation and the user who acted."""
    return f"{known.organisation(event.actor.organisation_id)} ({event.actor.user_id})"


def _quoted(text: str) -> str:
    return f"“{text}”" if text else ""


@notices_of(QuarterReview.ProviderNudgedByLead)
def _nudge(e: QuarterReview.ProviderNudgedByLead, known: Known) -> Iterable[Notice]:
    review = known.review(e.originator_id)
    scheme = known.scheme(review.scheme_id)
    subject = (
        f"{known.organisation(e.actor.organisation_id)} nudged you for your {review.quarter} evidence: {scheme.title}"
    )
    text = f"{_by(e, known)}, the lead of '{scheme.title}', asks for your {review.quarter} evidence."
    yield Notice("nudge", e.provider_id, subject, f"{text} {_quoted(e.message)}".strip(), "/home")


@notices_of(Submission.EvidenceReturnedByLead)
def _returned(e: Submission.EvidenceReturnedByLead, known: Known) -> Iterable[Notice]:
    s = known.submission(e.originator_id)
    scheme, milestone = known.scheme(s.scheme_id), _milestone(known, s.scheme_id, s.milestone_code)
    subject = f"Your {_evidence(s.quarter, s.milestone_code)} was returned: {scheme.title}"
    text = f"{_by(e, known)} returned revision {e.revision} of your {s.quarter} evidence for {milestone} in"
    text += f" '{scheme.title}' with comments: {_quoted(e.comments)}"
    yield Notice("returned", s.provider_id, subject, text, evidence_page(s))


@notices_of(Submission.EvidenceAcceptedByLead)
def _accepted(e: Submission.EvidenceAcceptedByLead, known: Known) -> Iterable[Notice]:
    s = known.submission(e.originator_id)
    scheme, milestone = known.scheme(s.scheme_id), _milestone(known, s.scheme_id, s.milestone_code)
    subject = f"Your {_evidence(s.quarter, s.milestone_code)} was accepted: {scheme.title}"
    text = f"{_by(e, known)} accepted revision {e.revision} of your {s.quarter} evidence for {milestone} in"
    text += f" '{scheme.title}' into the evidence pack."
    yield Notice("accepted", s.provider_id, subject, f"{text} {_quoted(e.comment)}".strip(), evidence_page(s))


@notices_of(Submission.EvidenceSubmitted, Submission.EvidenceRevised)
def _submitted(e: Submission.EvidenceSubmitted | Submission.EvidenceRevised, known: Known) -> Iterable[Notice]:
    s = known.submission(e.originator_id)
    scheme = known.scheme(s.scheme_id)
    if scheme.lead_id is None or scheme.lead_id == s.provider_id:
        return
    provider, milestone = known.organisation(s.provider_id), _milestone(known, s.scheme_id, s.milestone_code)
    if isinstance(e, Submission.EvidenceRevised):
        subject = f"{provider} revised its {_evidence(s.quarter, s.milestone_code)}: {scheme.title}"
        text = f"{_by(e, known)} sent revision {e.revision} of its {s.quarter} evidence for {milestone} in"
        text += f" '{scheme.title}' for you to accept or return. Why it changed: {_quoted(e.reason)}"
    else:
        subject = f"{provider} submitted {_evidence(s.quarter, s.milestone_code)}: {scheme.title}"
        text = f"{_by(e, known)} submitted its {s.quarter} evidence for {milestone} in '{scheme.title}'"
        text += " for you to accept or return."
    yield Notice("submitted", scheme.lead_id, subject, text, f"/submissions/{s.submission_id}")


@notices_of(QuarterReview.EvidencePackPresented)
def _presented(e: QuarterReview.EvidencePackPresented, known: Known) -> Iterable[Notice]:
    review = known.review(e.originator_id)
    scheme = known.scheme(review.scheme_id)
    lead = known.organisation(e.actor.organisation_id)
    subject = f"{lead} presented evidence pack {e.pack_number} for {review.quarter}: {scheme.title}"
    count = f"{len(e.entries)} submission{'' if len(e.entries) == 1 else 's'}"
    text = f"{_by(e, known)} presented evidence pack {e.pack_number} for {review.quarter} of '{scheme.title}':"
    text += f" {count}, {len(e.missing)} missing. It is ready for you to assess or query."
    yield Notice(
        "presented", scheme.commissioner_id, subject, text, quarter_page(scheme.scheme_id, review.quarter, "review")
    )


@notices_of(QuarterReview.EvidencePackQueried)
def _queried(e: QuarterReview.EvidencePackQueried, known: Known) -> Iterable[Notice]:
    review = known.review(e.originator_id)
    scheme = known.scheme(review.scheme_id)
    if scheme.lead_id is None:
        return
    commissioner = known.organisation(e.actor.organisation_id)
    subject = f"{commissioner} queried evidence pack {e.pack_number} for {review.quarter}: {scheme.title}"
    text = f"{_by(e, known)} queried evidence pack {e.pack_number} for {review.quarter} of '{scheme.title}' back"
    text += f" to you: {_quoted(e.questions)}"
    yield Notice("queried", scheme.lead_id, subject, text, quarter_page(scheme.scheme_id, review.quarter, "board"))


# A decision changed: its notice's kind, how its subject says so, and how its text does.
CHANGED = {
    QuarterReview.AssessmentRevisedOnAppeal: (
        "appeal",
        "revised on appeal to",
        "revised on appeal the assessment of your {quarter} milestone {milestone} in '{title}'",
    ),
    QuarterReview.AssessmentRestated: (
        "restated",
        "restated as",
        "restated your {quarter} milestone {milestone} in '{title}' after the quarter closed,",
    ),
}
Decided = QuarterReview.MilestoneAssessed | QuarterReview.AssessmentRevisedOnAppeal | QuarterReview.AssessmentRestated


@notices_of(QuarterReview.MilestoneAssessed, QuarterReview.AssessmentRevisedOnAppeal, QuarterReview.AssessmentRestated)
def _assessed(e: Decided, known: Known) -> Iterable[Notice]:
    review, a = known.review(e.originator_id), e.assessment
    scheme = known.scheme(review.scheme_id)
    milestone = _milestone(known, review.scheme_id, a.milestone_code)
    link = quarter_page(scheme.scheme_id, review.quarter, f"assessments/{a.provider_id}")
    status = a.status.value
    if not isinstance(e, QuarterReview.MilestoneAssessed):
        kind, changed, how = CHANGED[type(e)]
        subject = f"{_decision(review.quarter, a.milestone_code)} {changed} {status}: {scheme.title}"
        text = f"{_by(e, known)} {how.format(quarter=review.quarter, milestone=milestone, title=scheme.title)}"
        text += f" from {e.previous.status.value} to {status}. Why: {_quoted(e.reason)}"
        yield Notice(kind, a.provider_id, subject, f"{text} Rationale: {_quoted(a.rationale)}", link)
        return
    subject = f"{_decision(review.quarter, a.milestone_code)} assessed as {status}: {scheme.title}"
    text = f"{_by(e, known)} assessed your {review.quarter} milestone {milestone} in '{scheme.title}' as {status}."
    yield Notice("assessed", a.provider_id, subject, f"{text} Rationale: {_quoted(a.rationale)}", link)


@notices_of(Reminder.Sent)
def _reminded(e: Reminder.Sent, known: Known) -> Iterable[Notice]:
    scheme, milestone = known.scheme(e.scheme_id), _milestone(known, e.scheme_id, e.milestone_code)
    when = f"was due on {e.due:%-d %B %Y} and is overdue" if e.overdue else f"is due on {e.due:%-d %B %Y}"
    standing = "is overdue" if e.overdue else f"is due on {e.due:%-d %B %Y}"
    subject = f"Reminder: your {_evidence(e.quarter.value, e.milestone_code)} {standing}: {scheme.title}"
    text = f"Your {e.quarter.value} evidence for {milestone} in '{scheme.title}' {when}."
    text += " Send it from the milestone's page; the lead collates it into the pack."
    link = f"/schemes/{e.scheme_id}/milestones/{e.milestone_code}/evidence"
    yield Notice("reminder", e.provider_id, subject, text, link)


@notices_of(QuarterReview.SubmissionCalledIn)
def _called_in(e: QuarterReview.SubmissionCalledIn, known: Known) -> Iterable[Notice]:
    review = known.review(e.originator_id)
    scheme = known.scheme(review.scheme_id)
    provider, milestone = (
        known.organisation(e.entry.provider_id),
        _milestone(known, review.scheme_id, e.entry.milestone_code),
    )
    what = f"{provider}'s {review.quarter} evidence for {milestone} in '{scheme.title}'"
    text = f"{_by(e, known)} called in revision {e.entry.revision} of {what} past the lead, to assess it directly."
    text += f" Why: {_quoted(e.reason)}"
    subject = f"{known.organisation(e.actor.organisation_id)} called in"
    subject += f" {_evidence(review.quarter, e.entry.milestone_code)}: {scheme.title}"
    link = quarter_page(scheme.scheme_id, review.quarter, f"assessments/{e.entry.provider_id}")
    yield Notice("called in", e.entry.provider_id, subject, text, link)
    if scheme.lead_id is not None and scheme.lead_id != e.entry.provider_id:
        yield Notice(
            "called in", scheme.lead_id, subject, text, quarter_page(scheme.scheme_id, review.quarter, "board")
        )
