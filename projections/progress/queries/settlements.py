"""What a provider's statements settle against, read from the payments' own rows and figures: the milestones in
closed quarters, their value and what they earned, and what every assessed milestone earned."""

from __future__ import annotations

from domain.milestones import Quarter
from domain.payments import ZERO, Figures, exact_sum
from domain.statements import Settlement
from projections.progress.queries.payments import payments_of
from projections.progress.queries.reading import load_progress
from projections.progress.queries.restatements import as_restated
from projections.progress.view import ProgressView


def settlement(view: ProgressView, programme_id: str, provider_id: str) -> Settlement:
    """The provider's settlement now: the value of its milestones in closed quarters (N/A ones too, as their value
    is not payable) and what they earned as restated, what every assessed milestone earned, and the quarters in
    which any of its milestones is still open."""
    rows = load_progress(view, programme_id=programme_id, provider_id=provider_id)
    paid = payments_of(view, programme_id, rows).providers.get(provider_id)
    if paid is None:
        return Settlement()
    closed = {(row.scheme_id, row.quarter) for row in rows if row.fixed_value is not None}
    closed_figures = sum((f for cell, f in paid.by_scheme_quarter.items() if cell in closed), Figures())
    value_closed = ZERO
    for row in rows:
        value_closed = exact_sum(value_closed, row.fixed_value if row.fixed_value is not None else ZERO)
    return Settlement(
        value_closed,
        (as_restated(closed_figures, paid.restated) or closed_figures).earned,
        (paid.restated_total or paid.total).earned,
        tuple(q for q in Quarter if any(row.quarter is q and row.fixed_value is None for row in rows)),
    )
