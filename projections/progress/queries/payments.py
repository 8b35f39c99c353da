"""Payments by DOMAIN.md's rules, exact in Decimal: provider x scheme x quarter, and totals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


from domain.milestones import Quarter
from domain.payment_rules import PaymentRules
from domain.payments import ZERO, Figures, Stake, figures, split
from domain.scheme import SchemeTerms
from projections.progress.queries.access import ProgrammeAccess
from projections.progress.queries.basis import MoneyBasis, Weights, basis_for, weights_of
from projections.progress.queries.reading import MilestoneProgress, rows_of
from projections.progress.queries.rules import priced
from projections.progress.queries.restatements import RestatedMilestone, as_restated, restated_milestone
from projections.progress.queries.scheme_money import SchemeLabel, SchemeMoney, across, by_scheme
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class Overridden:
    """A milestone whose status the commissioner chose against the share its figures gave, and why."""

    scheme_id: str
    scheme_title: str
    quarter: Quarter
    code: str
    status: str
    figures_share: Decimal | None
    achievement: Decimal | None
    reason: str


@dataclass(frozen=True)
class ProviderPayments:
    """One provider's CQUIN value and its figures by scheme and quarter, and the milestones judged against their
    figures."""

    provider_id: str
    cquin_value: Decimal
    by_scheme_quarter: dict[tuple[str, Quarter], Figures]
    total: Figures
    by_quarter: dict[Quarter, Figures] = field(default_factory=dict)
    overridden: list[Overridden] = field(default_factory=list)
    restated: list[RestatedMilestone] = field(default_factory=list)
    schemes: list[SchemeMoney] = field(default_factory=list)  # whose totals add up to this provider's exactly

    @property
    def restated_total(self) -> Figures | None:
        """The total as restated after the close; none when nothing of this provider's is restated."""
        return as_restated(self.total, self.restated)

    def restated_in(self, quarter: Quarter) -> Figures | None:
        """A quarter's figures as restated; none when nothing in it is restated."""
        return as_restated(self.by_quarter[quarter], [m for m in self.restated if m.quarter is quarter])


@dataclass(frozen=True)
class ProgrammePayments:
    """Every provider's payments and the programme's totals."""

    programme_id: str
    providers: dict[str, ProviderPayments]
    total: Figures
    by_quarter: dict[Quarter, Figures]
    schemes: list[SchemeLabel] = field(default_factory=list)  # the programme's, in the order they were drafted

    @property
    def restated_total(self) -> Figures | None:
        """The programme's total as restated; none when nothing is restated."""
        return as_restated(self.total, [m for p in self.providers.values() for m in p.restated])


@dataclass(frozen=True)
class PaymentsSeen:
    """The payments one reader may see: the programme's total only for those who see every provider's."""

    programme_id: str
    providers: list[ProviderPayments]
    total: Figures | None
    by_quarter: dict[Quarter, Figures]
    restated_total: Figures | None = None  # the programme's total as restated, for those who see its total
    schemes: list[SchemeMoney] = field(default_factory=list)  # each scheme's, across the providers seen


def payments_for(view: ProgressView, access: ProgrammeAccess) -> PaymentsSeen:
    """Every provider's payments for the commissioner and the auditor; a provider's own, otherwise."""
    paid = programme_payments(view, access.programme_id, None if access.everything else access.provider_id)
    providers = [p for p in paid.providers.values() if access.may_see_money_of(p.provider_id)]
    schemes = across(paid.schemes, (p.schemes for p in providers))
    if not access.everything:
        return PaymentsSeen(access.programme_id, providers, None, paid.by_quarter, schemes=schemes)
    return PaymentsSeen(access.programme_id, providers, paid.total, paid.by_quarter, paid.restated_total, schemes)


def programme_payments(view: ProgressView, programme_id: str, provider_id: str | None = None) -> ProgrammePayments:
    """Available, earned, shortfall, at risk and % achieved, from the agreed terms and assessments."""
    return payments_of(view, programme_id, rows_of(view, programme_id, provider_id))


def payments_of(
    view: ProgressView,
    programme_id: str,
    rows: list[MilestoneProgress],
    rules: PaymentRules | None = None,
    basis: MoneyBasis | None = None,
) -> ProgrammePayments:
    """The payments over rows already loaded, by the programme's payment rules or, when given, by other rules (the
    open quarters repriced by them); a closed quarter's milestones keep the values fixed at closing. A caller paying
    several sets of rows gives the programme's `basis` (see basis.py), read once, rather than have it read each time."""
    if basis is None:
        basis = basis_for(view, programme_id, rows)
    if rules is None:
        rules = basis.rules
    else:
        rows = priced(rows, rules)
    terms = basis.weights.values
    values = _values(rows, basis.weights.schemes, terms)
    by_provider: dict[str, list[tuple[str, Quarter, Stake[str]]]] = defaultdict(list)
    restated: dict[str, list[RestatedMilestone]] = defaultdict(list)
    for row in rows:
        value = row.fixed_value if row.fixed_value is not None else values[(row.provider_id, row.scheme_id, row.code)]
        stake = Stake(row.code, value, row.assessment is not None, row.achievement)
        by_provider[row.provider_id].append((row.scheme_id, row.quarter, stake))
        if row.restated is not None:
            restated[row.provider_id].append(restated_milestone(row, row.restated, stake, rules.money))
    overridden: dict[str, list[Overridden]] = defaultdict(list)
    for row in rows:
        if row.override_reason:
            overridden[row.provider_id].append(_overridden(row, row.override_reason))
    labels = basis.labels
    providers = {
        p: _provider(p, terms[p], stakes, overridden[p], restated[p], labels, rules.money)
        for p, stakes in by_provider.items()
    }
    by_quarter = {q: sum((p.by_quarter[q] for p in providers.values()), Figures()) for q in Quarter}
    total = sum((p.total for p in providers.values()), Figures())
    return ProgrammePayments(programme_id, providers, total, by_quarter, labels)


class Weighed(Protocol):
    """A provider-milestone as much as its value needs: whose it is, and its weight in its scheme."""

    @property
    def provider_id(self) -> str: ...
    @property
    def scheme_id(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def weight(self) -> Decimal: ...


def milestone_values(rows: Sequence[Weighed], weights: Weights) -> dict[tuple[str, str, str], Decimal]:
    """Each (provider, scheme, milestone)'s share of the provider's CQUIN value under the current terms' weights."""
    return _values(rows, weights.schemes, weights.values)


def values_if_agreed(
    view: ProgressView, programme_id: str, scheme_id: str, terms: SchemeTerms
) -> dict[tuple[str, str], Decimal]:
    """Each (provider, milestone)'s share of the provider's CQUIN value were these terms agreed, beside the schemes
    agreed now: what a draft's milestones would be worth."""
    agreed = weights_of(view, programme_id)
    scheme_weights, cquin_values = agreed.schemes, agreed.values
    values = {}
    for participant in terms.participants:
        provider = str(participant.provider_id)
        weights = {**scheme_weights.get(provider, {}), scheme_id: participant.weight}
        scheme_value = split(cquin_values.get(provider, ZERO), weights)[scheme_id]
        applying = {m.code: m.weight for m in terms.milestones if m.applies_to(participant.provider_id)}
        for code, share in split(scheme_value, applying).items():
            values[(provider, code)] = share
    return values


def _values(
    rows: Sequence[Weighed], scheme_weights: dict[str, dict[str, Decimal]], terms: dict[str, Decimal]
) -> dict[tuple[str, str, str], Decimal]:
    milestone_weights: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        milestone_weights[(row.provider_id, row.scheme_id)][row.code] = row.weight
    # Each provider's value split by scheme once, and each scheme's by milestone once, not once a row.
    scheme_values = {p: split(terms[p], scheme_weights[p]) for p, _ in milestone_weights}
    values = {}
    for (provider, scheme), weights in milestone_weights.items():
        for code, share in split(scheme_values[provider][scheme], weights).items():
            values[(provider, scheme, code)] = share
    return values


def _overridden(row: MilestoneProgress, reason: str) -> Overridden:
    status = row.assessment or ""
    return Overridden(
        row.scheme_id, row.scheme_title, row.quarter, row.code, status, row.figures_share, row.achievement, reason
    )


def _provider(
    provider_id: str,
    cquin_value: Decimal,
    stakes: list[tuple[str, Quarter, Stake[str]]],
    overridden: list[Overridden],
    restated: list[RestatedMilestone],
    labels: list[SchemeLabel],
    money: Callable[[Decimal], Decimal],
) -> ProviderPayments:
    grouped: dict[tuple[str, Quarter], list[Stake[str]]] = defaultdict(list)
    for scheme_id, quarter, stake in stakes:
        grouped[(scheme_id, quarter)].append(stake)
    cells = {key: figures(group, money) for key, group in grouped.items()}
    in_quarter: dict[Quarter, list[Figures]] = {q: [] for q in Quarter}
    for (_, quarter), cell in cells.items():
        in_quarter[quarter].append(cell)
    by_quarter = {q: sum(cells_in, Figures()) for q, cells_in in in_quarter.items()}
    schemes = by_scheme(labels, cells, restated)
    total = sum((s.total for s in schemes), Figures())
    return ProviderPayments(provider_id, cquin_value, cells, total, by_quarter, overridden, restated, schemes)
