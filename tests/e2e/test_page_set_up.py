"""The set-up pages: a commissioner sets up a programme, adds providers, drafts a scheme and designates its lead, each
form parsed into the JSON route's model; bad input names the field and records nothing; others see no such page."""

from __future__ import annotations

import re
from decimal import Decimal
from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.actors import Role
from domain.application import Corral
from tests.builders import ACUTE_ID, COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, PRIVATE_ID, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import event_count, organisations_registered

PASSWORD = "a long enough password"
TORBAY = ids.programme_id(COMMISSIONER_ID, "Torbay Pilot", 2015)


def signed_in(client: TestClient, username: str) -> str:
    """The user signed in to the pages by cookie; the session's CSRF token."""
    client.post("/sign-in", data={"username": username, "password": PASSWORD, "next": "/"})
    return str(client.get("/api/v1/auth/session").json()["csrf_token"])


def hidden(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to `action`."""
    form = page[page.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))


@pytest.fixture
def world(settings: Settings) -> Iterator[tuple[TestClient, Corral]]:
    signed = settings.model_copy(update={"secret_key": SecretStr("c" * 48), "embedded_projector": True})
    app = build_application(signed)
    organisations_registered(app)
    app.register_user(OPERATOR, "gill", COMMISSIONER_ID, Role.COMMISSIONER, quick_hash(PASSWORD))
    app.register_user(OPERATOR, "alice", ACUTE_ID, Role.PROVIDER, quick_hash(PASSWORD))
    with client_of(signed) as client:
        yield client, app
    app.close()


def post(client: TestClient, csrf: str, page: str, action: str, fields: dict[str, str]) -> str:
    answer = client.post(action, data=hidden(client.get(page).text, action) | {"csrf_token": csrf} | fields)
    assert answer.status_code in (200, 422), answer.text
    return answer.text


def set_up(client: TestClient, csrf: str, *rates: tuple[UUID, str]) -> None:
    """The Torbay Pilot set up on its page, then the providers added (all three by default) at their CQUIN rates."""
    fields = {"health_economy": "Torbay Pilot", "contract_year": "2015"}
    post(client, csrf, "/programmes/new", "/programmes/new", fields)
    providers_added(client, csrf, *(rates or ((ACUTE_ID, "2.5"), (COMMUNITY_ID, "2.5"), (PRIVATE_ID, "1.25"))))


def providers_added(client: TestClient, csrf: str, *rates: tuple[UUID, str]) -> None:
    """Each provider added on the programme's page at its CQUIN rate, as a percentage."""
    for provider, rate in rates:
        fields = {"provider_id": str(provider), "contract_value": "1000000", "cquin_rate": rate}
        post(client, csrf, f"/programmes/{TORBAY}/providers/new", f"/programmes/{TORBAY}/providers", fields)


SCHEME = {
    "code": "FLU",
    "title": "Flu vaccination",
    f"participant-{ACUTE_ID}": "yes",
    f"participant-{COMMUNITY_ID}": "yes",
    f"reason-{PRIVATE_ID}": "Its NHS patients are not in scope",
    "rows": "3",
    "m1-code": "F1",
    "m1-title": "A plan",
    "m1-quarter": "Q1",
    "m1-due": "2015-06-30",
    "m1-kind": "narrative",
    "m2-code": "F2",
    "m2-title": "Uptake",
    "m2-quarter": "Q3",
    "m2-due": "2015-12-31",
    "m2-kind": "numeric",
    "m2-numerator": "staff vaccinated",
    "m2-denominator": "frontline staff",
    "m2-unit": "percent",
    "m2-minimum": "60",
    "m2-maximum": "80",
    "m2-direction": "higher",
    "m2-basis": "absolute",
}


def test_the_commissioner_sets_up_a_programme_adds_providers_drafts_a_scheme_and_designates_its_lead(
    world: tuple[TestClient, Corral],
) -> None:
    client, app = world
    csrf = signed_in(client, "gill")
    assert 'href="/programmes/new"' in client.get("/programmes").text
    set_up(client, csrf)
    programme = app.programme(TORBAY)
    assert programme.provider(ACUTE_ID).cquin_rate == Decimal("0.025") and programme.provider(
        PRIVATE_ID
    ).cquin_rate == Decimal("0.0125")

    new = f"/programmes/{TORBAY}/schemes/new"
    page = post(client, csrf, new, f"/programmes/{TORBAY}/schemes", SCHEME)
    assert "Scheme FLU is drafted" in page
    assert page.count("£12,500") == 2, "F2 is worth half of each participant's £25,000 CQUIN value"
    scheme = app.scheme(ids.scheme_id(TORBAY, "FLU"))
    assert [m.code for m in scheme.terms.milestones] == ["F1", "F2"]
    assert [x.reason for x in scheme.terms.exclusions] == ["Its NHS patients are not in scope"]

    agreement = f"/schemes/{scheme.id}/agreement"
    page = post(client, csrf, agreement, f"/schemes/{scheme.id}/lead", {"provider_id": str(COMMUNITY_ID)})
    assert "leads the scheme" in page and app.programme(TORBAY).lead_of(scheme.id) == COMMUNITY_ID
    page = post(client, csrf, agreement, f"/schemes/{scheme.id}/lead", {"provider_id": str(ACUTE_ID)})
    assert (
        'href="#lead-reason">Why the lead changes:' in page and app.programme(TORBAY).lead_of(scheme.id) == COMMUNITY_ID
    )


def test_bad_input_names_the_field_and_records_nothing(world: tuple[TestClient, Corral]) -> None:
    client, app = world
    csrf = signed_in(client, "gill")
    page = post(client, csrf, "/programmes/new", "/programmes/new", {"health_economy": "X", "contract_year": "soon"})
    assert "Contract year: must be a whole number" in page
    set_up(client, csrf, (ACUTE_ID, "2.5"), (COMMUNITY_ID, "2.5"))
    before = event_count(app)
    rate = {"provider_id": str(PRIVATE_ID), "contract_value": "1000000", "cquin_rate": "250"}
    page = post(client, csrf, f"/programmes/{TORBAY}/providers/new", f"/programmes/{TORBAY}/providers", rate)
    assert 'href="#provider-cquin_rate"' in page and "the percentage divided by 100): must be" in page
    assert event_count(app) == before
    providers_added(client, csrf, (PRIVATE_ID, "1.25"))
    before = event_count(app)

    new, action = f"/programmes/{TORBAY}/schemes/new", f"/programmes/{TORBAY}/schemes"
    page = post(client, csrf, new, action, SCHEME | {"m2-unit": "fraction", "m2-minimum": "0.6"})
    assert 'href="#draft-m2-maximum"' in page and "Milestone 2 maximum: must be a fraction from 0 to 1, not 80" in page
    more = post(client, csrf, new, action, SCHEME | {"more": "yes"})
    assert "Milestone 4" in more and 'value="Uptake"' in more and "There is a problem" not in more
    page = post(client, csrf, new, action, SCHEME | {f"reason-{PRIVATE_ID}": ""})
    assert f'href="#draft-reason-{PRIVATE_ID}"' in page and "Why Mount Stuart Hospital is left out" in page
    page = post(
        client,
        csrf,
        new,
        action,
        SCHEME | {"m2-numerator": "", "m3-title": "Untitled", "m3-quarter": "Q2", "m3-due": "2015-09-30"},
    )
    assert 'href="#draft-m2-code">Milestone 2: a numeric measure needs a numerator label' in page
    assert "Milestone 3: a milestone needs a code and a title" in page
    page = post(client, csrf, new, action, SCHEME | {"m1-due": ""})
    assert 'href="#draft-m1-due"' in page and "Milestone 1 due date: must be a real date" in page
    assert event_count(app) == before


def test_others_get_the_page_an_unknown_address_gets(world: tuple[TestClient, Corral]) -> None:
    client, app = world
    signed_in(client, "gill")
    client.post(
        "/api/v1/programmes",
        json={"health_economy": "Torbay Pilot", "contract_year": 2015},
        headers={"X-CSRF-Token": client.get("/api/v1/auth/session").json()["csrf_token"]},
    )
    client.post("/sign-out")
    signed_in(client, "alice")
    for address in ("/programmes/new", f"/programmes/{TORBAY}/providers/new", f"/programmes/{TORBAY}/schemes/new"):
        answer = client.get(address)
        assert answer.status_code == 404 and "Page not found" in answer.text, address
