"""Deadline events in plain English: Corral's reminders, and evidence the commissioner called in past the lead."""

from __future__ import annotations

from domain.quarter_review import QuarterReview
from domain.reminder import Reminder
from domain.submission import Submission
from projections.audit.context import Context, Lookup
from projections.audit.describe import Described, about, context_of, describes
from projections.audit.phrasing import evidence_of, milestone_of, name_of, who


@describes(Reminder.Sent)
def _reminded(e: Reminder.Sent, lookup: Lookup) -> Described:
    context = Context(e.programme_id, e.scheme_id, e.provider_id, e.quarter.value, code=e.milestone_code)
    milestone = milestone_of(context, lookup, e.provider_id, e.milestone_code)
    when = "overdue since" if e.overdue else "due on"
    return about(
        context, f"Corral reminded {name_of(lookup, e.provider_id)} that {milestone} is {when} {e.due:%-d %B %Y}"
    )


@describes(QuarterReview.SubmissionCalledIn)
def _called_in(e: QuarterReview.SubmissionCalledIn, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    milestone = milestone_of(context, lookup, e.entry.provider_id, e.entry.milestone_code)
    text = f"{who(e, lookup)} called in {milestone} (revision {e.entry.revision}) past the lead, because: {e.reason}"
    return about(context, text, e.reason, provider_id=e.entry.provider_id)


@describes(Submission.EvidenceCalledIn)
def _evidence_called_in(e: Submission.EvidenceCalledIn, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    return about(context, f"{who(e, lookup)} called in {evidence_of(context, lookup, e, e.revision)} to assess it")
