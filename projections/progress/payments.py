"""Payments by DOMAIN.md's rules, exact in Decimal: provider x scheme x quarter, and totals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, select

from domain.milestones import Quarter
from domain.payments import Figures, Stake, figures, split
from projections.progress.reading import load_progress
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class ProviderPayments:
    """One provider's CQUIN value and its figures by scheme and quarter."""

    provider_id: str
    cquin_value: Decimal
    by_scheme_quarter: dict[tuple[str, Quarter], Figures]
    total: Figures
    by_quarter: dict[Quarter, Figures] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgrammePayments:
    """Every provider's payments and the programme's totals."""

    programme_id: str
    providers: dict[str, ProviderPayments]
    total: Figures
    by_quarter: dict[Quarter, Figures]


def programme_payments(view: ProgressView, programme_id: str, provider_id: str | None = None) -> ProgrammePayments:
    """Available, earned, shortfall, at risk and % achieved, from the agreed terms and assessments."""
    where = {"programme_id": programme_id} | ({"provider_id": provider_id} if provider_id else {})
    rows = load_progress(view, None, **where)
    scheme_weights, terms = _weights_and_terms(view, programme_id)
    by_provider: dict[str, list[tuple[str, Quarter, Stake[str]]]] = defaultdict(list)
    milestone_weights: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        milestone_weights[(row.provider_id, row.scheme_id)][row.code] = row.weight
    for row in rows:
        cquin_value = terms[row.provider_id]
        scheme_value = split(cquin_value, scheme_weights[row.provider_id])[row.scheme_id]
        value = split(scheme_value, milestone_weights[(row.provider_id, row.scheme_id)])[row.code]
        stake = Stake(row.code, value, row.assessment is not None, row.achievement)
        by_provider[row.provider_id].append((row.scheme_id, row.quarter, stake))
    providers = {p: _provider(p, terms[p], stakes) for p, stakes in by_provider.items()}
    by_quarter = {q: sum((p.by_quarter[q] for p in providers.values()), Figures()) for q in Quarter}
    total = sum((p.total for p in providers.values()), Figures())
    return ProgrammePayments(programme_id, providers, total, by_quarter)


def _provider(
    provider_id: str, cquin_value: Decimal, stakes: list[tuple[str, Quarter, Stake[str]]]
) -> ProviderPayments:
    grouped: dict[tuple[str, Quarter], list[Stake[str]]] = defaultdict(list)
    for scheme_id, quarter, stake in stakes:
        grouped[(scheme_id, quarter)].append(stake)
    cells = {key: figures(group) for key, group in grouped.items()}
    by_quarter = {q: sum((f for (_, fq), f in cells.items() if fq is q), Figures()) for q in Quarter}
    return ProviderPayments(provider_id, cquin_value, cells, figures(s for _, _, s in stakes), by_quarter)


def _weights_and_terms(
    view: ProgressView, programme_id: str
) -> tuple[dict[str, dict[str, Decimal]], dict[str, Decimal]]:
    s, pa, pr = view.schemes, view.participants, view.providers
    with view.database.engine.connect() as conn:
        participants = conn.execute(
            select(pa.c.provider_id, pa.c.scheme_id, pa.c.weight)
            .join(s, and_(s.c.id == pa.c.scheme_id, s.c.agreed_version == pa.c.terms_version))
            .where(s.c.programme_id == programme_id)
        ).all()
        providers = conn.execute(select(pr).where(pr.c.programme_id == programme_id)).all()
    weights: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in participants:
        weights[row.provider_id][row.scheme_id] = row.weight
    return weights, {row.provider_id: row.contract_value * row.cquin_rate for row in providers}
