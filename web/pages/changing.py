"""Changing a scheme's terms on a page: the draft form, filled in with the terms as they stand and asking why. A draft
is amended; agreed terms get a variation, and the agreed version stays in force until every party signs again. This
is also how indicators are added, changed or retired in a scheme carried into the next year."""

from __future__ import annotations

from uuid import UUID

from fastapi.responses import Response

from api.http.access import commissioned_scheme
from api.http.commands import FormAct
from api.http.setting_up import VariationIn
from domain.scheme import Scheme
from web.pages import confirmations
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.draft_form import typed_terms
from web.pages.drafting import TypedFields, providers_of, read_terms, terms_page

router = page_router()


def _change_page(page: Page, scheme: Scheme, rows: int, failure: FormFailure) -> Response:
    varied = bool(scheme.agreed_versions)
    shown = {
        "title": f"Change the terms of {scheme.code}",
        "action": f"/schemes/{scheme.id}/terms",
        "version": scheme.version,
        "scheme": scheme,
        "varied": varied,
    }
    return terms_page(page, scheme.programme_id, shown, rows, failure)


@router.get("/schemes/{scheme_id}/terms")
def change_form(page: CurrentPage, scheme_id: UUID) -> Response:
    """The scheme's terms as they stand, in the draft form, to change: for its commissioner."""
    scheme = commissioned_scheme(page.corral, page.viewer.actor, scheme_id)
    typed = typed_terms(scheme.terms, providers_of(page, scheme.programme_id))
    return _change_page(page, scheme, len(scheme.terms.milestones) + 1, FormFailure("draft", typed, [], 200))


@router.post("/schemes/{scheme_id}/terms")
def change(page: CurrentPage, act: FormAct, scheme_id: UUID, typed: TypedFields) -> Response:
    """Record the terms the form describes, with why: an amended draft, or a variation of agreed terms."""
    scheme = commissioned_scheme(page.corral, page.viewer.actor, scheme_id)
    read = read_terms(
        page, scheme.programme_id, typed, VariationIn, lambda rows, failure: _change_page(page, scheme, rows, failure)
    )
    if isinstance(read, Response):
        return read
    form, body = read
    # The form carries the version it was drawn from, so the scheme cannot have been agreed (or anything else) since.
    varied = bool(scheme.agreed_versions)
    changing = act.corral.propose_variation if varied else act.corral.amend_draft
    return page.act(
        act,
        lambda: changing(act.actor, scheme_id, body.terms(), body.reason, act.expected_version),
        "draft",
        form.values,
        lambda failure: _change_page(page, scheme, form.rows, failure),
        f"/schemes/{scheme_id}/agreement",
        confirmed=confirmations.terms_changed(scheme.code, varied),
        placed=form.placed,
    )
