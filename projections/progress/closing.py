"""Closing a quarter fixes its payments: each closed milestone keeps the value it had at the close."""

from __future__ import annotations

from sqlalchemy import select

from projections.progress.queries.basis import Weights, weights_by_programme
from projections.progress.queries.payments import milestone_values
from projections.progress.queries.reading import progress_rows
from projections.progress.terms import progress_key
from projections.progress.view import ProgressView


def fix_closed_quarters(view: ProgressView) -> None:
    """Closing a quarter fixes its payments: keep each milestone's value as it stood at the close.

    Done together for the quarters closed since the last time, before anything that could change
    a value (a contract revision, newly agreed terms) is applied, and at the end of each batch.
    """
    closing: tuple[tuple[str, str], ...] = view.recall("closing", ())
    if not closing:
        return
    view.remember("closing", ())
    conn, schemes = view.reader, view.schemes
    closed = set(closing)
    programmes = conn.execute(
        select(schemes.c.programme_id).where(schemes.c.id.in_({scheme for scheme, _ in closing})).distinct()
    ).scalars()
    programme_ids = list(programmes)
    weights = weights_by_programme(view, programme_ids, conn)  # every programme's in two queries
    p, m = view.progress, view.milestones
    weighed = (p.c.provider_id, p.c.scheme_id, p.c.milestone_code.label("code"), p.c.quarter, m.c.weight)
    for programme_id in programme_ids:  # each milestone's value needs the weights of the provider's other schemes
        rows = progress_rows(view, weighed, conn=conn, programme_id=programme_id)
        values = milestone_values(rows, weights.get(programme_id, Weights()))
        for row in rows:
            if (row.scheme_id, row.quarter) in closed:
                key = progress_key(row.scheme_id, row.provider_id, row.code)
                value = values[(row.provider_id, row.scheme_id, row.code)]
                view.stage_update(view.progress, key, fixed_value=value)
