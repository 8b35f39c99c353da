"""A programme's money replayed under another version of the payment rules, recording nothing: the difference the
version would make for each provider x scheme x quarter, exact in Decimal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.milestones import Quarter
from domain.payment_rules import PaymentRules
from domain.payments import Figures
from projections.progress.queries.access import ProgrammeAccess
from projections.progress.queries.payments import ProgrammePayments, payments_of
from projections.progress.queries.reading import MilestoneProgress, load_progress
from projections.progress.queries.rules import programme_rules
from projections.progress.queries.scheme_money import SchemeLabel
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class Difference:
    """One provider's money in one scheme and quarter, now and under the other rules; a closed quarter's keeps its
    values, so its difference is nothing unless a restatement applies the other rules."""

    provider_id: str
    scheme: SchemeLabel
    quarter: Quarter
    closed: bool
    now: Figures
    replayed: Figures

    @property
    def change(self) -> Figures:
        """Replayed less now: what adopting the other rules adds (or, negative, takes away)."""
        return self.replayed - self.now


@dataclass(frozen=True)
class Replay:
    """A programme's money under the rules it pays by and under another version, cell by cell and in total."""

    programme_id: str
    now_rules: PaymentRules
    rules: PaymentRules
    differences: list[Difference]

    @property
    def now(self) -> Figures:
        """The programme's total as it pays now."""
        return _total(d.now for d in self.differences)

    @property
    def replayed(self) -> Figures:
        """The programme's total under the other rules."""
        return _total(d.replayed for d in self.differences)

    @property
    def change(self) -> Figures:
        """What the other rules would change in total."""
        return self.replayed - self.now


def replay(view: ProgressView, programme_id: str, rules: PaymentRules, provider_id: str | None = None) -> Replay:
    """The programme's money (or one provider's) now and under `rules`, for every provider x scheme x quarter."""
    if provider_id is None:
        rows = load_progress(view, programme_id=programme_id)
    else:
        rows = load_progress(view, programme_id=programme_id, provider_id=provider_id)
    now, replayed = payments_of(view, programme_id, rows), payments_of(view, programme_id, rows, rules)
    return Replay(programme_id, programme_rules(view, programme_id), rules, _differences(rows, now, replayed))


def replay_for(view: ProgressView, access: ProgrammeAccess, rules: PaymentRules) -> Replay:
    """The replay as the reader may see it: every provider's for the commissioner's side, a provider its own."""
    return replay(view, access.programme_id, rules, None if access.everything else access.provider_id)


def _differences(
    rows: list[MilestoneProgress], now: ProgrammePayments, replayed: ProgrammePayments
) -> list[Difference]:
    open_cells = {(r.provider_id, r.scheme_id, r.quarter) for r in rows if r.fixed_value is None}
    differences = []
    for provider_id, paid in now.providers.items():
        for label in now.schemes:
            for quarter in Quarter:
                cell = paid.by_scheme_quarter.get((label.scheme_id, quarter))
                if cell is None:
                    continue
                after = replayed.providers[provider_id].by_scheme_quarter[(label.scheme_id, quarter)]
                closed = (provider_id, label.scheme_id, quarter) not in open_cells
                differences.append(Difference(provider_id, label, quarter, closed, cell, after))
    return differences


def _total(cells: Iterable[Figures]) -> Figures:
    return sum(cells, Figures())
