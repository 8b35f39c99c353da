"""Last year's scheme terms carried into the next contract year: due dates a year on, baselines from the figures
reported.

A numeric milestone's baseline is the value of the figures last reported for its indicator (the same numerator and
denominator, for the same providers): those of the latest quarter in which the indicator was measured and anyone
reported. A provider's figures are those its assessment rests on, else its latest evidence not withdrawn. A shared
milestone has one baseline for every participant: the whole system's, a rate pooled (every numerator over every
denominator) and a count averaged over the providers that reported it. Where nothing was reported, or the value
cannot be a baseline (a change from zero, say), the baseline is left unset for the commissioner to give in the
draft: a milestone measured from a baseline cannot be signed without one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from domain.errors import DomainError
from domain.evidence import Figures
from domain.milestones import Milestone, NumericMeasure
from domain.scheme_terms import Exclusion, PackDeadline, SchemeTerms

SIX_PLACES = Decimal("0.000001")


def next_year(day: date) -> date:
    """The same day a year on; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


# Terms recorded before a scheme said why a provider was left out carry this, for the commissioner to replace.
NO_REASON_RECORDED = "Left out of last year's scheme before Corral recorded why: replace this with the reason."


def carried_forward(
    terms: SchemeTerms, reported: Mapping[str, Sequence[Figures]], providers: frozenset[UUID]
) -> SchemeTerms:
    """The terms a year on, each numeric milestone's baseline taken from `reported` (milestone code -> the figures
    each provider reported); each of the programme's `providers` left out keeps its reason, or is given one to
    replace if last year's terms recorded none."""
    milestones = tuple(_carried(m, terms, reported) for m in terms.milestones)
    deadlines = tuple(PackDeadline(d.quarter, next_year(d.due)) for d in terms.pack_deadlines)
    explained = {x.provider_id for x in terms.exclusions}
    unexplained = sorted(providers - terms.provider_ids - explained, key=str)
    exclusions = (*terms.exclusions, *(Exclusion(p, NO_REASON_RECORDED) for p in unexplained))
    return replace(terms, milestones=milestones, pack_deadlines=deadlines, exclusions=exclusions)


def _carried(milestone: Milestone, terms: SchemeTerms, reported: Mapping[str, Sequence[Figures]]) -> Milestone:
    moved = replace(milestone, due=next_year(milestone.due))
    if milestone.measure is None:
        return moved
    baseline = baseline_from(milestone.measure, latest_figures(milestone, terms, reported))
    return replace(moved, measure=replace(milestone.measure, baseline=baseline))


def latest_figures(
    milestone: Milestone, terms: SchemeTerms, reported: Mapping[str, Sequence[Figures]]
) -> Sequence[Figures]:
    """The figures of the latest milestone in `terms` measuring the same indicator for the same providers that
    anyone reported."""
    assert milestone.measure is not None
    indicator = (milestone.measure.numerator, milestone.measure.denominator, milestone.provider_id)
    same = [
        m
        for m in terms.milestones
        if m.measure is not None and (m.measure.numerator, m.measure.denominator, m.provider_id) == indicator
    ]
    for measured in sorted(same, key=lambda m: (m.quarter.index, m.due), reverse=True):
        if reported.get(measured.code):
            return reported[measured.code]
    return ()


def baseline_from(measure: NumericMeasure, figures: Sequence[Figures]) -> Decimal | None:
    """The system's value of the figures, to six places: a rate pooled, a count averaged; None if there is none or
    it cannot be this measure's baseline."""
    if measure.is_rate:
        rated = [f for f in figures if f.denominator]
        denominator = sum((f.denominator or Decimal(0) for f in rated), Decimal(0))
        value = sum((f.numerator for f in rated), Decimal(0)) / denominator if rated else None
    else:
        value = sum((f.numerator for f in figures), Decimal(0)) / len(figures) if figures else None
    if value is None:
        return None
    value = value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
    try:
        return replace(measure, baseline=value).baseline
    except DomainError:
        return None
