"""Setting up: the commissioner starts a programme for a contract year, and providers join it; to anyone else these
pages read as an address or a programme that does not exist."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated
from uuid import UUID

from fastapi import Form
from fastapi.responses import Response

from api.http.access import commissioned_programme
from api.http.commands import FormAct
from api.http.setting_up import ProgrammeIn, ProviderIn
from domain import ids
from domain.actors import Role
from domain.organisation import OrganisationKind
from domain.programme_terms import ProviderTerms
from projections.progress.queries import organisation_names, organisations_listed, programme_heading
from web.pages import confirmations
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.parsed import labelled, parsed
from web.pages.rendering import PLAIN_WORDS, error_page

router = page_router()

PROGRAMME = labelled(
    {"health_economy": "Health economy", "contract_year": "Contract year", "partial_fraction": "Partial fraction"}
)
PROVIDER = labelled(
    {
        "provider_id": "Provider",
        "contract_value": "Contract value",
        "cquin_rate": "CQUIN rate, as the fraction of the contract value it makes (the percentage divided by 100)",
    }
)


def _programme_form(page: Page, failure: FormFailure | None = None) -> Response:
    if page.viewer.actor.role is not Role.COMMISSIONER:
        return error_page(page.request, 404, *PLAIN_WORDS[404], page.viewer)
    return page.show("set_up_programme.html", {"title": "Set up a programme"}, failure)


@router.get("/programmes/new")
def new_programme(page: CurrentPage) -> Response:
    """The form that sets up a programme: for commissioner staff."""
    return _programme_form(page)


@router.post("/programmes/new")
def set_up_programme(
    page: CurrentPage,
    act: FormAct,
    health_economy: Annotated[str, Form()] = "",
    contract_year: Annotated[str, Form()] = "",
    partial_fraction: Annotated[str, Form()] = "0.5",
) -> Response:
    """Set up the commissioner's programme for a health economy and contract year."""
    if page.viewer.actor.role is not Role.COMMISSIONER:
        return _programme_form(page)
    values = {"health_economy": health_economy, "contract_year": contract_year, "partial_fraction": partial_fraction}
    body = parsed(ProgrammeIn, values, "programme", values, PROGRAMME)
    if isinstance(body, FormFailure):
        return _programme_form(page, body)
    programme_id = ids.programme_id(act.actor.organisation_id, body.health_economy.strip(), body.contract_year)
    return page.act(
        act,
        lambda: act.corral.set_up_programme(act.actor, **body.model_dump()),
        "programme",
        values,
        lambda failure: _programme_form(page, failure),
        f"/programmes/{programme_id}",
        confirmed=confirmations.programme_set_up(body.health_economy, body.contract_year),
        placed=PROGRAMME,
    )


def _provider_form(page: Page, programme_id: UUID, failure: FormFailure | None = None) -> Response:
    programme = commissioned_programme(page.corral, page.viewer.actor, programme_id)
    joined = {str(p) for p in programme.provider_ids}
    context = {
        "title": "Add a provider",
        "programme": programme_heading(page.readings, page.viewer.actor, programme_id),
        "version": programme.version,
        "choices": [
            (o.id, o.name)
            for o in organisations_listed(page.readings)
            if o.kind == OrganisationKind.PROVIDER.value and o.id not in joined
        ],
    }
    return page.show("add_provider.html", context, failure)


@router.get("/programmes/{programme_id}/providers/new")
def new_provider(page: CurrentPage, programme_id: UUID) -> Response:
    """The form that adds a registered provider to the programme: for its commissioner."""
    return _provider_form(page, programme_id)


@router.post("/programmes/{programme_id}/providers")
def join(
    page: CurrentPage,
    act: FormAct,
    programme_id: UUID,
    provider_id: Annotated[str, Form()] = "",
    contract_value: Annotated[str, Form()] = "",
    cquin_rate: Annotated[str, Form()] = "",
) -> Response:
    """A provider joins the programme with its contract value and CQUIN rate, the rate typed as a percentage."""
    commissioned_programme(page.corral, page.viewer.actor, programme_id)
    values = {"provider_id": provider_id, "contract_value": contract_value, "cquin_rate": cquin_rate}
    data = {**values, "cquin_rate": hundredth(cquin_rate)}
    body = parsed(ProviderIn, data, "provider", values, PROVIDER)
    if isinstance(body, FormFailure):
        return _provider_form(page, programme_id, body)
    name = organisation_names(page.readings).get(str(body.provider_id), "The provider")
    return page.act(
        act,
        lambda: act.corral.join_programme(
            act.actor,
            programme_id,
            ProviderTerms(body.provider_id, body.contract_value, body.cquin_rate),
            act.expected_version,
        ),
        "provider",
        values,
        lambda failure: _provider_form(page, programme_id, failure),
        f"/programmes/{programme_id}",
        confirmed=confirmations.provider_joined(name),
        placed=PROVIDER,
    )


def hundredth(percent: str) -> str:
    """A percentage as the fraction the domain takes (2.5 is 0.025); what is not a number, as typed, to be refused."""
    try:
        return str(Decimal(percent.strip()) / 100)
    except (InvalidOperation, ValueError):
        return percent
