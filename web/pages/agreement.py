"""A scheme's agreement: the terms, who has signed, variations and every earlier agreed version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import Form
from fastapi.responses import Response

from api.http.access import commissioned_scheme, readable_scheme
from api.http.commands import FormAct
from api.http.deps import ViewsAfter
from api.http.setting_up import LeadIn
from domain.actors import Role
from domain.application import Corral
from domain.errors import NotFoundError
from domain.scheme import Scheme, SchemeStatus
from projections.progress.queries import organisation_names, programme_heading, values_if_agreed
from web.pages import confirmations
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.parsed import labelled, parsed

router = page_router()
LEAD = labelled({"provider_id": "Lead provider", "reason": "Why the lead changes"})


@dataclass(frozen=True)
class TermsChange:
    """A change of the terms after the first draft: an amended draft or a variation."""

    terms_version: int
    kind: str
    reason: str
    user: str
    at: datetime


def terms_changes(corral: Corral, scheme_id: UUID) -> list[TermsChange]:
    """Each amendment and variation, oldest first, with the version of the terms it made."""
    changes, version = [], 1
    for event in corral.events.get(scheme_id):
        if isinstance(event, (Scheme.DraftAmended, Scheme.VariationProposed)):
            version += 1
            kind = "Variation" if isinstance(event, Scheme.VariationProposed) else "Draft amended"
            changes.append(TermsChange(version, kind, event.reason, event.actor.user_id, event.timestamp))
    return changes


def _agreement_page(page: Page, scheme_id: UUID, failure: FormFailure | None = None) -> Response:
    scheme = readable_scheme(page.corral, page.viewer.actor, scheme_id)
    organisation = page.viewer.actor.organisation_id
    signer_role = Role.COMMISSIONER if organisation == scheme.commissioner_id else Role.PROVIDER
    programme = page.corral.programme(scheme.programme_id)
    lead = programme.lead_of(scheme.id)
    names = organisation_names(page.readings)
    commissioning = page.viewer.actor.role is Role.COMMISSIONER and organisation == scheme.commissioner_id
    context = {
        "title": f"{scheme.terms.title}: agreement",
        "programme": programme_heading(page.readings, page.viewer.actor, scheme.programme_id),
        "scheme": scheme,
        "names": names,
        "lead": lead,
        "may_designate": commissioning,
        "programme_version": programme.version,
        "lead_choices": sorted(
            ((str(p), names.get(str(p), str(p))) for p in scheme.terms.provider_ids), key=lambda c: c[1]
        ),
        "awaits_lead": lead not in scheme.terms.provider_ids,
        "changes": terms_changes(page.corral, scheme_id),
        "continues": _continued_scheme(page, scheme),
        "worth": _worth(page, scheme, commissioning),
        "may_sign": not scheme.is_agreed
        and organisation in scheme.signatories
        and str(organisation) not in scheme.signatures
        and page.viewer.actor.role is signer_role
        and lead in scheme.terms.provider_ids,
    }
    return page.show("agreement.html", context, failure)


def _worth(page: Page, scheme: Scheme, commissioning: bool) -> list[tuple[str, str, Decimal]]:
    """A draft's numeric milestones: what each would be worth to each provider it applies to, were the draft agreed;
    a provider sees only its own money."""
    if scheme.status is not SchemeStatus.DRAFT:
        return []
    values = values_if_agreed(page.readings, str(scheme.programme_id), str(scheme.id), scheme.terms)
    numeric = {m.code for m in scheme.terms.milestones if m.is_numeric}
    own = str(page.viewer.actor.organisation_id)
    return [
        (code, provider, value)
        for (provider, code), value in values.items()
        if code in numeric and (commissioning or provider == own)
    ]


def _continued_scheme(page: Page, scheme: Scheme) -> Scheme | None:
    """Last year's scheme this one continues, if there is one and the viewer may read it."""
    if scheme.continues is None:
        return None
    try:
        return readable_scheme(page.corral, page.viewer.actor, scheme.continues)
    except NotFoundError:
        return None


@router.get("/schemes/{scheme_id}/agreement")
def agreement(page: CurrentPage, scheme_id: UUID, _: ViewsAfter) -> Response:
    """The terms as they stand, their signatures, the variations and the versions agreed before."""
    return _agreement_page(page, scheme_id)


@router.post("/schemes/{scheme_id}/signatures")
def sign(page: CurrentPage, act: FormAct, scheme_id: UUID, terms_version: Annotated[int, Form()]) -> Response:
    """Sign the version of the terms you have read, for your organisation."""
    readable_scheme(page.corral, page.viewer.actor, scheme_id)
    return page.act(
        act,
        lambda: act.corral.sign_scheme(act.actor, scheme_id, terms_version, act.expected_version),
        "sign",
        {},
        lambda failure: _agreement_page(page, scheme_id, failure),
        f"/schemes/{scheme_id}/agreement",
        asked={"terms_version": terms_version},
        confirmed=confirmations.signed(page.corral.scheme(scheme_id), terms_version),
    )


@router.post("/schemes/{scheme_id}/lead")
def designate_lead(
    page: CurrentPage,
    act: FormAct,
    scheme_id: UUID,
    provider_id: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """The commissioner designates the scheme's lead among its participants; a change of lead says why."""
    commissioned_scheme(page.corral, page.viewer.actor, scheme_id)
    values = {"provider_id": provider_id, "reason": reason}
    body = parsed(LeadIn, values, "lead", values, LEAD)
    if isinstance(body, FormFailure):
        return _agreement_page(page, scheme_id, body)
    name = organisation_names(page.readings).get(str(body.provider_id), "The provider")
    return page.act(
        act,
        lambda: act.corral.designate_lead(act.actor, scheme_id, body.provider_id, body.reason, act.expected_version),
        "lead",
        values,
        lambda failure: _agreement_page(page, scheme_id, failure),
        f"/schemes/{scheme_id}/agreement",
        confirmed=confirmations.lead_designated(name),
        placed=LEAD,
    )
