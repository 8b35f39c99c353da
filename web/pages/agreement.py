"""A scheme's agreement: the terms, who has signed, variations and every earlier agreed version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.access import may_read_terms
from api.deps import CorralApp, ProgressReadings, ViewsAfter
from domain.actors import Role
from domain.application import Corral
from domain.scheme import Scheme
from projections.progress.reading import organisation_names
from web.pages.base import CurrentViewer, FormFailure, PageRoute, Viewer, after, attempt, refused, render, see_other
from web.pages.reading import programme_heading

router = APIRouter(route_class=PageRoute)


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


def _agreement_page(
    request: Request,
    corral: Corral,
    readings: ProgressReadings,
    viewer: Viewer,
    scheme_id: UUID,
    failure: FormFailure | None = None,
) -> Response:
    scheme = corral.scheme(scheme_id)
    may_read_terms(viewer.actor, scheme)
    organisation = viewer.actor.organisation_id
    signer_role = Role.COMMISSIONER if organisation == scheme.commissioner_id else Role.PROVIDER
    context = {
        "title": f"{scheme.terms.title}: agreement",
        "programme": programme_heading(readings, viewer.actor, scheme.programme_id),
        "scheme": scheme,
        "names": organisation_names(readings),
        "lead": corral.programme(scheme.programme_id).lead_of(scheme.id),
        "changes": terms_changes(corral, scheme_id),
        "may_sign": not scheme.is_agreed
        and organisation in scheme.signatories
        and str(organisation) not in scheme.signatures
        and viewer.actor.role is signer_role,
        "failure": failure,
    }
    return render(request, "agreement.html", context, viewer, 200 if failure is None else 422)


@router.get("/schemes/{scheme_id}/agreement")
def agreement(
    request: Request,
    scheme_id: UUID,
    viewer: CurrentViewer,
    corral: CorralApp,
    readings: ProgressReadings,
    _: ViewsAfter,
) -> Response:
    """The terms as they stand, their signatures, the variations and the versions agreed before."""
    return _agreement_page(request, corral, readings, viewer, scheme_id)


@router.post("/schemes/{scheme_id}/signatures")
def sign(
    request: Request,
    scheme_id: UUID,
    viewer: CurrentViewer,
    corral: CorralApp,
    readings: ProgressReadings,
    terms_version: Annotated[int, Form()],
) -> Response:
    """Sign the version of the terms you have read, for your organisation."""
    may_read_terms(viewer.actor, corral.scheme(scheme_id))
    recorded, error = attempt(lambda: corral.sign_scheme(viewer.actor, scheme_id, terms_version))
    if error is not None:
        failure = refused("sign", {}, error)
        return _agreement_page(request, corral, readings, viewer, scheme_id, failure)
    return see_other(after(f"/schemes/{scheme_id}/agreement", recorded.position))
