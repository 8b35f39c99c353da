"""One scheme's payments: what a finance team means by "one scheme's figures", across the providers you may see."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.http.access import readable_scheme
from api.http.deps import CorralApp, CurrentActor, ProgressReadings, ViewsAfter
from api.http.money import SchemeMoneyOut
from api.http.routing import api_router
from domain.milestones import Quarter
from domain.payments import Figures
from projections.progress.queries import SchemeLabel, SchemeMoney, payments_for, programme_access

router = api_router("/schemes", tags=["schemes"])


class ProviderSchemeMoney(SchemeMoneyOut):
    """One provider's money in the scheme."""

    provider_id: str


class SchemePayments(SchemeMoneyOut):
    """The scheme's money across the providers you may see, and each one's."""

    programme_id: str
    providers: list[ProviderSchemeMoney] = Field(
        description="each provider's money in the scheme: every participant's for the commissioner and the auditor, "
        "your own for a provider; they add up to the scheme's"
    )


@router.get("/{scheme_id}/payments", response_model=SchemePayments)
def read_scheme_payments(
    scheme_id: UUID, actor: CurrentActor, corral: CorralApp, readings: ProgressReadings, _: ViewsAfter
) -> SchemePayments:
    """One scheme's available, earned, shortfall, at risk and % achieved, in total and by quarter: across every
    participant for the commissioner and the auditor, your own for a participant; restated figures beside."""
    scheme = readable_scheme(corral, actor, scheme_id)
    paid = payments_for(readings, programme_access(readings, actor, str(scheme.programme_id)))
    label = SchemeLabel(str(scheme_id), scheme.code, scheme.terms.title)
    nothing = SchemeMoney(label, Figures(), {q: Figures() for q in Quarter}, [])
    whole = next((s for s in paid.schemes if s.scheme.scheme_id == label.scheme_id), nothing)
    providers = [
        ProviderSchemeMoney(provider_id=p.provider_id, **SchemeMoneyOut.of(s).model_dump())
        for p in paid.providers
        for s in p.schemes
        if s.scheme.scheme_id == label.scheme_id
    ]
    return SchemePayments(programme_id=paid.programme_id, providers=providers, **SchemeMoneyOut.of(whole).model_dump())
