"""Money per scheme: one provider's figures for each scheme it takes part in, and each scheme's across the providers
a reader may see, exact in Decimal; restatements carried as the provider totals carry them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.milestones import Quarter
from domain.payments import Figures
from domain.pennies import Shown, apportioned
from projections.progress.queries.restatements import RestatedMilestone, as_restated


@dataclass(frozen=True)
class SchemeLabel:
    """How a scheme is named beside its money."""

    scheme_id: str
    code: str
    title: str


@dataclass(frozen=True)
class SchemeMoney:
    """One scheme's figures, in total and by quarter, and its milestones restated after the close."""

    scheme: SchemeLabel
    total: Figures
    by_quarter: dict[Quarter, Figures]
    restated: list[RestatedMilestone]

    @property
    def restated_total(self) -> Figures | None:
        """The scheme's total as restated; none when nothing in it is restated."""
        return as_restated(self.total, self.restated)


def by_scheme(
    labels: list[SchemeLabel],
    cells: dict[tuple[str, Quarter], Figures],
    restated: list[RestatedMilestone],
) -> list[SchemeMoney]:
    """Figures by (scheme, quarter) gathered into each scheme's, in the schemes' order; a scheme with no money at
    stake is left out. A scheme's total is the sum of its quarters, so the quarters add up to it exactly."""
    schemes = []
    for label in labels:
        quarters = {q: cells[(label.scheme_id, q)] for q in Quarter if (label.scheme_id, q) in cells}
        if not quarters:
            continue
        by_quarter = {q: quarters.get(q, Figures()) for q in Quarter}
        total = sum(by_quarter.values(), Figures())
        schemes.append(SchemeMoney(label, total, by_quarter, [m for m in restated if m.scheme_id == label.scheme_id]))
    return schemes


def across(labels: list[SchemeLabel], providers: Iterable[list[SchemeMoney]]) -> list[SchemeMoney]:
    """Each scheme's figures summed over some providers' (those a reader may see)."""
    found: dict[str, list[SchemeMoney]] = {}
    for schemes in providers:
        for money in schemes:
            found.setdefault(money.scheme.scheme_id, []).append(money)
    summed = []
    for label in labels:
        if label.scheme_id not in found:
            continue
        parts = found[label.scheme_id]
        by_quarter = {q: sum((m.by_quarter[q] for m in parts), Figures()) for q in Quarter}
        total = sum((m.total for m in parts), Figures())
        summed.append(SchemeMoney(label, total, by_quarter, [r for m in parts for r in m.restated]))
    return summed


@dataclass(frozen=True)
class SchemeQuarter:
    """One scheme's quarter shown to the penny (apportioned), and its figures as restated, if anything in it was."""

    scheme: SchemeLabel
    quarter: Quarter
    shown: Shown
    restated: Figures | None
    original: Figures


def scheme_quarters(schemes: list[SchemeMoney]) -> list[SchemeQuarter]:
    """Every scheme's quarters, each figure's pennies apportioned so that they add up to the total of the schemes
    shown to the penny: a provider's scheme-quarters add up to its total."""
    cells = {(m.scheme, q): (m, f) for m in schemes for q, f in m.by_quarter.items()}
    shown = apportioned({key: f for key, (_, f) in cells.items()})
    return [
        SchemeQuarter(label, q, shown[(label, q)], as_restated(f, [r for r in m.restated if r.quarter is q]), f)
        for (label, q), (m, f) in cells.items()
    ]


def scheme_totals(schemes: list[SchemeMoney]) -> dict[SchemeLabel, Shown]:
    """Each scheme's total shown to the penny, apportioned so that the schemes add up to their total shown."""
    return apportioned({m.scheme: m.total for m in schemes})
