"""A provider's home: its milestones soonest first, its evidence and assessments, and its money."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from domain.payments import Figures
from projections.progress.queries.basis import MoneyBasis, money_bases
from projections.progress.queries.payments import payments_of
from projections.progress.queries.programmes import ProgrammeFacts
from projections.progress.queries.reading import MilestoneProgress, load_progress, programme_order
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class ProgrammeDashboard:
    """One programme as one provider sees it."""

    programme_id: str
    health_economy: str
    contract_year: int
    commissioner_id: str
    schemes: list[tuple[str, str, bool]]
    milestones: list[MilestoneProgress]
    money: Figures


def joined_programmes(view: ProgressView, provider_id: str, year: int | None = None) -> list[ProgrammeFacts]:
    """The programmes the provider has joined (of `year` alone, when given), in `programme_order`."""
    with view.database.reading() as conn:
        return _joined(conn, view, provider_id, year)


def _joined(conn: Connection, view: ProgressView, provider_id: str, year: int | None) -> list[ProgrammeFacts]:
    g, pr = view.programmes, view.providers
    query = (
        select(g.c.id, g.c.commissioner_id, g.c.health_economy, g.c.contract_year)
        .join(pr, pr.c.programme_id == g.c.id)
        .where(pr.c.provider_id == provider_id)
    )
    if year is not None:
        query = query.where(g.c.contract_year == year)
    joined = [ProgrammeFacts(*r) for r in conn.execute(query)]
    return sorted(joined, key=lambda g: programme_order(g.contract_year, g.health_economy, g.id))


def provider_dashboard(
    view: ProgressView,
    provider_id: str,
    today: date | None = None,
    programmes: Sequence[ProgrammeFacts] | None = None,
) -> list[ProgrammeDashboard]:
    """Every programme the provider has joined, or just `programmes` (some of `joined_programmes`): schemes (id,
    title, leads it?), milestones by due date, money.

    Read on one connection in as many statements however many programmes the provider is in: the rows are grouped
    by programme once, and every programme's payment rules, weights and labels are read together."""
    s, pa = view.schemes, view.participants
    with view.database.reading() as conn:
        programmes = _joined(conn, view, provider_id, None) if programmes is None else programmes
        ids = [p.id for p in programmes]
        schemes = conn.execute(
            select(s.c.id, s.c.programme_id, s.c.title, s.c.lead_id)
            .join(pa, (pa.c.scheme_id == s.c.id) & (pa.c.terms_version == s.c.terms_version))
            .where(pa.c.provider_id == provider_id, s.c.programme_id.in_(ids))
            .order_by(s.c.ordinal, s.c.id)
        ).all()
        milestones = load_progress(view, today, conn=conn, programme_ids=ids, provider_id=provider_id)
        bases = money_bases(view, ids, conn, provider_id)
    schemes_in: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for r in schemes:
        schemes_in[r.programme_id].append((r.id, r.title, r.lead_id == provider_id))
    milestones_in: dict[str, list[MilestoneProgress]] = defaultdict(list)
    for m in milestones:
        milestones_in[m.programme_id].append(m)
    return [
        ProgrammeDashboard(
            programme_id=programme.id,
            health_economy=programme.health_economy,
            contract_year=programme.contract_year,
            commissioner_id=programme.commissioner_id,
            schemes=schemes_in[programme.id],
            milestones=soonest_first(milestones_in[programme.id]),
            money=_money(view, programme.id, provider_id, milestones_in[programme.id], bases[programme.id]),
        )
        for programme in programmes
    ]


def _money(
    view: ProgressView, programme_id: str, provider_id: str, rows: list[MilestoneProgress], basis: MoneyBasis
) -> Figures:
    provider = payments_of(view, programme_id, rows, basis=basis).providers.get(provider_id)
    return provider.total if provider is not None else Figures()


def soonest_first(milestones: list[MilestoneProgress]) -> list[MilestoneProgress]:
    """Soonest due first, then by scheme; a scheme's milestones due the same day stay in the order `load_progress`
    reads them (the scheme's own order: M2 before M10), so the nudges judged from these rows list them as it does."""
    return sorted(milestones, key=lambda m: (m.due, m.scheme_title, m.scheme_id))
