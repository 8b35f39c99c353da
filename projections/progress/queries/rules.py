"""The payment rules in the progress view: the version a programme pays by, and milestones priced by any version."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from domain.achievement import AssessmentStatus
from domain.payment_rules import RULEBOOK, NotApplicable, PaymentRules, Rounding, Scale, as_set_up
from projections.progress.queries.reading import MilestoneProgress, fetch
from projections.progress.view import ProgressView


def rules_columns(rules: PaymentRules) -> dict[str, Any]:
    """A version of the rules as the programmes table keeps it."""
    return {
        "rules_version": rules.version,
        "partial_fraction": rules.partial_fraction,
        "not_applicable": rules.not_applicable.value,
        "scale": rules.scale.value,
        "steps": rules.steps,
        "rounding": rules.rounding.value,
    }


def programme_rules(view: ProgressView, programme_id: str, conn: Connection | None = None) -> PaymentRules:
    """The payment rules the programme pays by now."""
    g = view.programmes
    return rules_of(fetch(view, select(*rules_columns_of(view)).where(g.c.id == programme_id), conn)[0])


def rules_by_programme(view: ProgressView, programme_ids: list[str], conn: Connection) -> dict[str, PaymentRules]:
    """The payment rules each of the programmes pays by now, in one query."""
    g = view.programmes
    rows = conn.execute(select(g.c.id, *rules_columns_of(view)).where(g.c.id.in_(programme_ids)))
    return {row.id: rules_of(row) for row in rows}


def rules_columns_of(view: ProgressView) -> tuple[Any, ...]:
    """The programmes table's columns that hold its payment rules."""
    g = view.programmes
    return g.c.rules_version, g.c.partial_fraction, g.c.not_applicable, g.c.scale, g.c.steps, g.c.rounding


def rules_of(row: Any) -> PaymentRules:
    """The payment rules a programme's row holds."""
    rules = PaymentRules(
        row.rules_version,
        row.partial_fraction,
        NotApplicable(row.not_applicable),
        Scale(row.scale),
        row.steps,
        Rounding(row.rounding),
    )
    return _titled(rules)


def _titled(rules: PaymentRules) -> PaymentRules:
    """The rules with the title of the version they are (the view keeps only what decides the money)."""
    for known in (RULEBOOK.get(rules.version), as_set_up(rules.partial_fraction)):
        if known is not None and replace(known, title="") == rules:
            return known
    return rules


def judged_share(row: MilestoneProgress) -> Decimal | None:
    """The share of its thresholds a numeric milestone's figures gave, where its status follows them; none where the
    status alone decides what it earns (narrative, N/A, departed from, or assessed without figures)."""
    if row.assessment is None or row.override_reason or row.assessment == AssessmentStatus.NOT_APPLICABLE.value:
        return None
    if row.figures_share is not None:
        return row.figures_share
    # Assessed before the share was kept for every numeric milestone, when every scale was a straight line: what it
    # earned is the share.
    return row.achievement if row.numeric else None


def priced(rows: list[MilestoneProgress], rules: PaymentRules, closed_too: bool = False) -> list[MilestoneProgress]:
    """The rows with each assessed milestone of an open quarter earning what these rules give; a closed quarter's
    keep what they earned at the close (and any restatement), unless `closed_too` asks what they would have earned
    had these rules applied when they were assessed."""
    return [_priced(row, rules) if row.assessment and (closed_too or row.fixed_value is None) else row for row in rows]


def _priced(row: MilestoneProgress, rules: PaymentRules) -> MilestoneProgress:
    share = judged_share(row)
    earned = rules.earns(AssessmentStatus(str(row.assessment)), share)
    return replace(row, achievement=earned, figures_share=row.figures_share if share is None else share)
