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
from projections.progress.queries.reading import rows_of
from projections.progress.queries.reading import MilestoneProgress
from projections.progress.queries.basis import basis_for
from projections.progress.queries.rules import priced
from projections.progress.queries.scheme_money import SchemeLabel
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class Difference:
    """One provider's money in one scheme and quarter, now and under the other rules: as adopting them would pay (a
    closed quarter keeping its values, so its difference is nothing unless a restatement applies the other rules),
    and throughout, had they applied all year, closed quarters too."""

    provider_id: str
    scheme: SchemeLabel
    quarter: Quarter
    closed: bool
    now: Figures
    replayed: Figures
    throughout: Figures

    @property
    def change(self) -> Figures:
        """Replayed less now: what adopting the other rules adds (or, negative, takes away)."""
        return self.replayed - self.now

    @property
    def change_throughout(self) -> Figures:
        """What the other rules would have changed had they applied all year."""
        return self.throughout - self.now


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

    @property
    def throughout(self) -> Figures:
        """The programme's total had the other rules applied all year, closed quarters too."""
        return _total(d.throughout for d in self.differences)

    @property
    def change_throughout(self) -> Figures:
        """What the other rules would have changed in total had they applied all year."""
        return self.throughout - self.now


def replay(view: ProgressView, programme_id: str, rules: PaymentRules, provider_id: str | None = None) -> Replay:
    """The programme's money (or one provider's) now and under `rules`, for every provider x scheme x quarter."""
    rows = rows_of(view, programme_id, provider_id)
    basis = basis_for(view, programme_id, rows)  # read once for the money now, replayed and throughout
    now, replayed = (
        payments_of(view, programme_id, rows, basis=basis),
        payments_of(view, programme_id, rows, rules, basis),
    )
    throughout = payments_of(view, programme_id, priced(rows, rules, closed_too=True), rules, basis)
    differences = _differences(rows, now, replayed, throughout)
    return Replay(programme_id, basis.rules, rules, differences)


def replay_for(view: ProgressView, access: ProgrammeAccess, rules: PaymentRules) -> Replay:
    """The replay as the reader may see it: every provider's for the commissioner's side, a provider its own."""
    return replay(view, access.programme_id, rules, None if access.everything else access.provider_id)


def _differences(
    rows: list[MilestoneProgress], now: ProgrammePayments, replayed: ProgrammePayments, throughout: ProgrammePayments
) -> list[Difference]:
    open_cells = {(r.provider_id, r.scheme_id, r.quarter) for r in rows if r.fixed_value is None}
    differences = []
    for provider_id, paid in now.providers.items():
        for label in now.schemes:
            for quarter in Quarter:
                cell = paid.by_scheme_quarter.get((label.scheme_id, quarter))
                if cell is None:
                    continue
                key = (label.scheme_id, quarter)
                after, all_year = (p.providers[provider_id].by_scheme_quarter[key] for p in (replayed, throughout))
                closed = (provider_id, label.scheme_id, quarter) not in open_cells
                differences.append(Difference(provider_id, label, quarter, closed, cell, after, all_year))
    return differences


def _total(cells: Iterable[Figures]) -> Figures:
    return sum(cells, Figures())
