"""A restatement in plain English: the assessment the quarter closed with and the restated one, the reason, the day
it takes effect and when Corral recorded it."""

from __future__ import annotations

from domain.achievement import as_percent
from domain.assessment import Assessment
from domain.quarter_review import QuarterReview
from projections.audit.context import Lookup
from projections.audit.describe import Described, about, context_of, describes
from projections.audit.phrasing import departure, milestone_of, who


def standing(assessment: Assessment) -> str:
    """`Partially Met (earning 55%)`, with the corrected figures where a restatement gave them."""
    earns = "" if assessment.achievement is None else f" (earning {as_percent(assessment.achievement)})"
    figures = assessment.figures
    if figures is None:
        return f"{assessment.status.value}{earns}"
    of = "" if figures.denominator is None else f" of {figures.denominator:f}"
    return f"{assessment.status.value}{earns} on corrected figures {figures.numerator:f}{of}"


@describes(QuarterReview.AssessmentRestated)
def _restated(e: QuarterReview.AssessmentRestated, lookup: Lookup) -> Described:
    context, a = context_of(e, lookup), e.assessment
    milestone = milestone_of(context, lookup, a.provider_id, a.milestone_code)
    effective = "" if a.effective_on is None else f", effective {a.effective_on:%-d %B %Y},"
    recorded = f"{e.timestamp:%-d %B %Y at %H:%M} UTC"
    text = (
        f"{who(e, lookup)} restated {milestone} after its quarter closed{effective} recorded {recorded}:"
        f" from {standing(e.previous)} to {standing(a)}{departure(a)}, because: {e.reason}"
    )
    return about(context, f"{text} (rationale: {a.rationale})", e.reason, provider_id=a.provider_id)
