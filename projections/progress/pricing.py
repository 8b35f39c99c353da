"""Adopting other payment rules reprices the open quarters: each assessed milestone's achievement as the new version
gives it. Closed quarters keep their values unless restated."""

from __future__ import annotations

from domain.payment_rules import PaymentRules
from projections.progress.queries.reading import load_progress
from projections.progress.queries.rules import priced, rules_columns
from projections.progress.terms import progress_key
from projections.progress.view import ProgressView

__all__ = ["reprice_open_quarters", "rules_columns"]


def reprice_open_quarters(view: ProgressView, programme_id: str, rules: PaymentRules) -> None:
    """Record the programme's new rules and reprice every assessed milestone of its open quarters by them."""
    view.stage_update(view.programmes, {"id": programme_id}, **rules_columns(rules))
    rows = load_progress(view, conn=view.reader, programme_id=programme_id)
    for before, after in zip(rows, priced(rows, rules), strict=True):
        if after is not before:
            key = progress_key(after.scheme_id, after.provider_id, after.code)
            view.stage_update(view.progress, key, achievement=after.achievement, figures_share=after.figures_share)
