"""What a programme's money is worked out from besides its milestones' rows: the payment rules, each provider's
scheme weights and CQUIN value, and the schemes' labels; read for any number of programmes in one query each, so
that a read over many programmes costs as many statements as a read over one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from domain.payment_rules import PaymentRules
from projections.progress.queries.reading import MilestoneProgress, reading
from projections.progress.queries.rules import rules_by_programme
from projections.progress.queries.scheme_money import SchemeLabel
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class Weights:
    """Each provider's scheme weights under the agreed terms, and its CQUIN value (contract value x CQUIN rate)."""

    schemes: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    values: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class MoneyBasis:
    """One programme's payment rules, weights and scheme labels."""

    rules: PaymentRules
    weights: Weights
    labels: list[SchemeLabel]


def basis_for(
    view: ProgressView, programme_id: str, rows: list[MilestoneProgress], conn: Connection | None = None
) -> MoneyBasis:
    """The programme's basis for paying `rows`: one provider's own money needs only its own weights."""
    return money_bases(view, [programme_id], conn, only_provider(rows))[programme_id]


def only_provider(rows: Iterable[MilestoneProgress]) -> str | None:
    """The provider whose rows these all are, if they are one provider's."""
    readers = {row.provider_id for row in rows}
    return readers.pop() if len(readers) == 1 else None


def money_bases(
    view: ProgressView, programme_ids: list[str], conn: Connection | None = None, provider_id: str | None = None
) -> dict[str, MoneyBasis]:
    """Each programme's basis, in four queries on one connection however many programmes are asked for; the weights
    only `provider_id`'s, when given."""
    with reading(view, conn) as on:
        rules = rules_by_programme(view, programme_ids, on)
        weights = weights_by_programme(view, programme_ids, on, provider_id)
        labels = labels_by_programme(view, programme_ids, on)
    return {p: MoneyBasis(rules[p], weights.get(p, Weights()), labels.get(p, [])) for p in programme_ids}


def weights_of(view: ProgressView, programme_id: str) -> Weights:
    """One programme's weights, every provider's, on a connection of its own."""
    with reading(view) as on:
        return weights_by_programme(view, [programme_id], on).get(programme_id, Weights())


def weights_by_programme(
    view: ProgressView, programme_ids: list[str], conn: Connection, provider_id: str | None = None
) -> dict[str, Weights]:
    """Each programme's weights, in two queries: the agreed terms' participants, and the providers' terms."""
    s, pa, pr = view.schemes, view.participants, view.providers
    participants_query = (
        select(s.c.programme_id, pa.c.provider_id, pa.c.scheme_id, pa.c.weight)
        .join(s, and_(s.c.id == pa.c.scheme_id, s.c.agreed_version == pa.c.terms_version))
        .where(s.c.programme_id.in_(programme_ids))
    )
    providers_query = select(pr).where(pr.c.programme_id.in_(programme_ids))
    if provider_id is not None:
        participants_query = participants_query.where(pa.c.provider_id == provider_id)
        providers_query = providers_query.where(pr.c.provider_id == provider_id)
    found: dict[str, Weights] = defaultdict(Weights)
    for row in conn.execute(participants_query):
        found[row.programme_id].schemes[row.provider_id][row.scheme_id] = row.weight
    for row in conn.execute(providers_query):
        found[row.programme_id].values[row.provider_id] = row.contract_value * row.cquin_rate
    return found


def labels_by_programme(view: ProgressView, programme_ids: list[str], conn: Connection) -> dict[str, list[SchemeLabel]]:
    """Each programme's schemes in the order they were drafted, in one query."""
    s = view.schemes
    query = (
        select(s.c.programme_id, s.c.id, s.c.code, s.c.title)
        .where(s.c.programme_id.in_(programme_ids))
        .order_by(s.c.ordinal, s.c.id)
    )
    found: dict[str, list[SchemeLabel]] = defaultdict(list)
    for r in conn.execute(query):
        found[r.programme_id].append(SchemeLabel(r.id, r.code, r.title))
    return found
