"""Drafting a scheme on a page: the commissioner names its participants with weights, the providers left out with
why, and its milestones, row by row; the form is parsed into the body the JSON route takes and drafted as it is. The
same form, read the same way, changes a scheme's terms (web/pages/changing.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import Depends, Request
from fastapi.responses import Response

from api.http.access import commissioned_programme
from api.http.commands import FormAct
from api.http.setting_up import DraftIn, TermsIn, milestone_of
from domain import ids
from domain.errors import DomainError
from domain.limits import InvalidInputError
from projections.progress.queries import programme_heading, programme_providers
from web.pages import confirmations
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.draft_form import BASES, DIRECTIONS, KINDS, QUARTERS, ROWS, UNITS, DraftForm, read_form
from web.pages.parsed import parsed

router = page_router()
Terms = TypeVar("Terms", bound=TermsIn)
# The form shown again: with this many milestone rows, and what was typed (with its errors, if any).
ShownAgain = Callable[[int, FormFailure], Response]


async def typed_fields(request: Request) -> dict[str, str]:
    """Every text field the form sent, by name."""
    return {name: value for name, value in (await request.form()).multi_items() if isinstance(value, str)}


TypedFields = Annotated[dict[str, str], Depends(typed_fields)]


def providers_of(page: Page, programme_id: UUID) -> list[tuple[str, str]]:
    """The programme's providers, id and name, as the form lists them."""
    return [(p.id, p.name) for p in programme_providers(page.readings, str(programme_id))]


def terms_page(
    page: Page, programme_id: UUID, shown: Mapping[str, Any], rows: int, failure: FormFailure | None
) -> Response:
    """The terms form of a programme's scheme with `rows` milestone rows; `shown`: what this use of it says, where it
    goes and the version of what it changes."""
    context = {
        "programme": programme_heading(page.readings, page.viewer.actor, programme_id),
        "providers": providers_of(page, programme_id),
        "rows": rows,
        "quarters": QUARTERS,
        "units": UNITS,
        "directions": DIRECTIONS,
        "bases": BASES,
        "kinds": KINDS,
        **shown,
    }
    return page.show("draft.html", context, failure)


def read_terms(
    page: Page, programme_id: UUID, typed: Mapping[str, str], model: type[Terms], again: ShownAgain
) -> tuple[DraftForm, Terms] | Response:
    """The form and the body it makes; else the form again: with one more milestone row when asked, or with every
    input the model or the domain refuses named, before anything is recorded."""
    form = read_form(typed, providers_of(page, programme_id))
    if typed.get("more"):
        return again(form.rows + 1, FormFailure("draft", form.values, [], 200))
    body = parsed(model, form.body, "draft", form.values, form.placed)
    if isinstance(body, FormFailure):
        return again(form.rows, body)
    unsound = _unsound_milestones(form, body)
    if unsound is not None:
        return again(form.rows, unsound)
    return form, body


def _draft_page(page: Page, programme_id: UUID, rows: int = ROWS, failure: FormFailure | None = None) -> Response:
    programme = commissioned_programme(page.corral, page.viewer.actor, programme_id)
    shown = {"title": "Draft a scheme", "action": f"/programmes/{programme_id}/schemes", "version": programme.version}
    return terms_page(page, programme_id, shown, rows, failure)


@router.get("/programmes/{programme_id}/schemes/new")
def new_scheme(page: CurrentPage, programme_id: UUID) -> Response:
    """The form that drafts a scheme of the programme: for its commissioner."""
    return _draft_page(page, programme_id)


@router.post("/programmes/{programme_id}/schemes")
def draft(page: CurrentPage, act: FormAct, programme_id: UUID, typed: TypedFields) -> Response:
    """Draft the scheme the form describes; or, asked for another milestone row, the form again with one more."""
    commissioned_programme(page.corral, page.viewer.actor, programme_id)
    read = read_terms(page, programme_id, typed, DraftIn, lambda rows, f: _draft_page(page, programme_id, rows, f))
    if isinstance(read, Response):
        return read
    form, body = read
    scheme_id = ids.scheme_id(programme_id, body.code.strip())
    return page.act(
        act,
        lambda: act.corral.draft_scheme(act.actor, programme_id, body.code, body.terms()),
        "draft",
        form.values,
        lambda failure: _draft_page(page, programme_id, form.rows, failure),
        f"/schemes/{scheme_id}/agreement",
        confirmed=confirmations.scheme_drafted(body.code),
        placed=form.placed,
    )


def _unsound_milestones(form: DraftForm, body: TermsIn) -> FormFailure | None:
    """Each milestone whose definition makes no sense (a rate without a denominator), named by its row: the domain's
    refusal of a whole milestone names no input of it. A value out of limits is named at its input when recording."""
    errors = []
    for number, milestone in enumerate(body.milestones):
        try:
            milestone_of(number, milestone)
        except InvalidInputError:
            continue
        except DomainError as error:
            row = form.milestone_rows[number]
            errors.append((f"draft-m{row}-code", f"Milestone {row}: {error}"))
    return FormFailure("draft", form.values, errors) if errors else None
