"""A programme's money forecast for each provider and quarter under named scenarios, recording nothing: the
remaining milestones (not yet assessed, in quarters still open) as if assessed, priced by the one calculator.

Closed quarters and assessed milestones are never changed by a forecast: only the remaining ones are supposed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from domain.achievement import AssessmentStatus, status_for_share
from domain.milestones import Quarter
from domain.payment_rules import PaymentRules
from domain.payments import Figures
from projections.progress.queries.access import ProgrammeAccess
from projections.progress.queries.hypotheses import Measured, MeasureKey, as_if, measures, recorded_figures
from projections.progress.queries.hypotheses import remaining, share_of
from projections.progress.queries.reading import rows_of
from projections.progress.queries.payments import ProgrammePayments, payments_of
from projections.progress.queries.reading import MilestoneProgress
from projections.progress.queries.basis import basis_for
from projections.progress.view import ProgressView


class Scenario(Enum):
    """What the remaining milestones are supposed to earn."""

    all_met = "every remaining milestone Met"
    so_far = "remaining milestones at the provider's achievement so far"
    none_met = "every remaining milestone Not Met"
    figures_carried = "numeric milestones on their latest figures, the rest at the achievement so far"

    @property
    def title(self) -> str:
        """The scenario in a few words, as a column heading."""
        return {
            Scenario.all_met: "All Met",
            Scenario.so_far: "As so far",
            Scenario.none_met: "None Met",
            Scenario.figures_carried: "Figures carried forward",
        }[self]


@dataclass(frozen=True)
class Outlook:
    """One provider's money in one quarter (or in total): as it stands now and under each scenario."""

    actual: Figures
    scenarios: dict[Scenario, Figures]


@dataclass(frozen=True)
class ProviderForecast:
    """One provider's forecast, quarter by quarter and in total, and its achievement so far (None: nothing assessed
    yet, so the scenarios that use it leave those milestones at risk)."""

    provider_id: str
    so_far: Decimal | None
    by_quarter: dict[Quarter, Outlook]
    total: Outlook


@dataclass(frozen=True)
class Forecast:
    """The forecast for the providers a reader may see, and the programme's total for those who see every one."""

    programme_id: str
    rules: PaymentRules
    providers: list[ProviderForecast]
    total: Outlook | None

    @property
    def scenarios(self) -> list[Scenario]:
        """Every scenario, in the order they are shown."""
        return list(Scenario)

    @property
    def by_provider(self) -> dict[str, ProviderForecast]:
        """Each provider's forecast by its id."""
        return {p.provider_id: p for p in self.providers}


def forecast_for(view: ProgressView, access: ProgrammeAccess) -> Forecast:
    """Every provider's forecast for the commissioner and the auditor; a provider's own, otherwise."""
    return forecast(view, access.programme_id, None if access.everything else access.provider_id)


def forecast(view: ProgressView, programme_id: str, provider_id: str | None = None) -> Forecast:
    """The programme's forecast (or one provider's, then with no programme total) under every scenario."""
    rows = rows_of(view, programme_id, provider_id)
    basis = basis_for(view, programme_id, rows)  # read once for the actual money and every scenario's
    rules = basis.rules
    actual = payments_of(view, programme_id, rows, basis=basis)
    so_far = {p: paid.total.achieved for p, paid in actual.providers.items()}
    known = measures(view, programme_id)
    supposed = {
        scenario: payments_of(view, programme_id, supposed_rows(scenario, rows, so_far, known, rules), basis=basis)
        for scenario in Scenario
    }
    providers = [_provider(p, so_far[p], actual, supposed) for p in actual.providers if provider_id in (None, p)]
    if provider_id is not None:
        return Forecast(programme_id, rules, providers, None)
    total = Outlook(actual.total, {s: paid.total for s, paid in supposed.items()})
    return Forecast(programme_id, rules, providers, total)


def supposed_rows(
    scenario: Scenario,
    rows: list[MilestoneProgress],
    so_far: dict[str, Decimal | None],
    known: dict[MeasureKey, Measured],
    rules: PaymentRules,
) -> list[MilestoneProgress]:
    """The rows with each remaining milestone as the scenario supposes it assessed; every other row as it is."""
    carried = carried_shares(rows, known) if scenario is Scenario.figures_carried else {}
    supposed = []
    for row in rows:
        share = carried.get(_key(row))
        if not remaining(row):
            supposed.append(row)
        elif scenario is Scenario.all_met:
            supposed.append(as_if(row, AssessmentStatus.MET, None, rules))
        elif scenario is Scenario.none_met:
            supposed.append(as_if(row, AssessmentStatus.NOT_MET, None, rules))
        elif share is not None:
            supposed.append(as_if(row, status_for_share(share), share, rules))
        else:
            supposed.append(_at_achievement(row, so_far.get(row.provider_id), rules))
    return supposed


def carried_shares(rows: list[MilestoneProgress], known: dict[MeasureKey, Measured]) -> dict[tuple[str, ...], Decimal]:
    """The share each remaining numeric milestone's latest figures give: its own evidence's, else (none, or none
    valid) the provider's latest for an earlier numeric milestone of the same scheme measuring the same numerator and
    denominator."""
    history: dict[tuple[str, str], list[MilestoneProgress]] = defaultdict(list)
    for row in rows:
        if row.numeric and recorded_figures(row.numerator_value, row.denominator_value) is not None:
            history[(row.provider_id, row.scheme_id)].append(row)
    shares = {}
    for row in rows:
        measured = known.get((row.scheme_id, row.code))
        if not (remaining(row) and measured):
            continue
        figures = recorded_figures(row.numerator_value, row.denominator_value)
        if figures is None:
            earlier = _latest_before(row, history, measured, known)
            figures = None if earlier is None else recorded_figures(earlier.numerator_value, earlier.denominator_value)
        share = None if figures is None else share_of(measured, figures)
        if share is not None:
            shares[_key(row)] = share
    return shares


def _latest_before(
    row: MilestoneProgress,
    history: dict[tuple[str, str], list[MilestoneProgress]],
    measured: Measured,
    known: dict[MeasureKey, Measured],
) -> MilestoneProgress | None:
    earlier = [
        r
        for r in history[(row.provider_id, row.scheme_id)]
        if r.quarter.index < row.quarter.index
        and (other := known.get((r.scheme_id, r.code))) is not None
        and other.definition == measured.definition
    ]
    return max(earlier, key=lambda r: (r.quarter.index, r.due), default=None)


def _at_achievement(row: MilestoneProgress, so_far: Decimal | None, rules: PaymentRules) -> MilestoneProgress:
    """The row earning the provider's achievement so far, as a share on the rules' scale (a stepped scale rounds it
    down to its step); left at risk when nothing is assessed yet."""
    if so_far is None:
        return row
    return as_if(row, status_for_share(so_far), so_far, rules)


def _key(row: MilestoneProgress) -> tuple[str, ...]:
    return row.provider_id, row.scheme_id, row.code


def _provider(
    provider_id: str,
    so_far: Decimal | None,
    actual: ProgrammePayments,
    supposed: dict[Scenario, ProgrammePayments],
) -> ProviderForecast:
    now = actual.providers[provider_id]
    by_quarter = {
        q: Outlook(now.by_quarter[q], {s: paid.providers[provider_id].by_quarter[q] for s, paid in supposed.items()})
        for q in Quarter
    }
    total = Outlook(now.total, {s: paid.providers[provider_id].total for s, paid in supposed.items()})
    return ProviderForecast(provider_id, so_far, by_quarter, total)
