"""The programme overview's "Continue into next year": it asks first, then carries the programme forward, and both
years' overviews link to each other."""

from __future__ import annotations

import re
from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.actors import Role
from tests.builders import ACUTE_ID, COMMISSIONER_ID, OPERATOR, narrative_milestone, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import HEALTH_ECONOMY, SCHEME_CODE, agreed_scheme

PASSWORD = "a long enough password"


def signed_in(client: TestClient, username: str) -> str:
    """The user signed in to the pages by cookie; the session's CSRF token."""
    client.post("/sign-in", data={"username": username, "password": PASSWORD, "next": "/"})
    return str(client.get("/api/v1/auth/session").json()["csrf_token"])


@pytest.fixture
def world(settings: Settings) -> Iterator[tuple[TestClient, UUID]]:
    signed = settings.model_copy(update={"secret_key": SecretStr("c" * 48), "embedded_projector": True})
    app = build_application(signed)
    programme_id = agreed_scheme(app, narrative_milestone("M1")).programme_id
    app.register_user(OPERATOR, "gill", COMMISSIONER_ID, Role.COMMISSIONER, quick_hash(PASSWORD))
    app.register_user(OPERATOR, "alice", ACUTE_ID, Role.PROVIDER, quick_hash(PASSWORD))
    with client_of(signed) as client:
        yield client, programme_id
    app.close()


def form_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to `action`."""
    form = page[page.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))


def test_the_commissioner_confirms_then_continues_and_both_years_link_to_each_other(
    world: tuple[TestClient, UUID],
) -> None:
    client, programme_id = world
    csrf = signed_in(client, "gill")
    action = f"/programmes/{programme_id}/continuation"
    overview = client.get(f"/programmes/{programme_id}").text
    assert "Continue into 2015/16</button>" in overview

    asked = client.post(action, data=form_fields(overview, action) | {"csrf_token": csrf})
    assert asked.status_code == 200 and "Continue into 2015/16?" in asked.text
    assert "Yes, continue into 2015/16</button>" in asked.text
    confirm = form_fields(asked.text, action)
    assert confirm["confirm"] == "yes"

    done = client.post(action, data=confirm | {"csrf_token": csrf}, follow_redirects=False)
    following = ids.programme_id(COMMISSIONER_ID, HEALTH_ECONOMY, 2015)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/programmes/{following}")
    shown = client.get(done.headers["location"]).text
    assert "South Devon and Torbay 2015/16 is set up, continuing 2014/15." in shown
    assert f'Continues <a href="/programmes/{programme_id}">South Devon and Torbay 2014/15</a>' in shown
    assert "Schemes awaiting agreement" in shown and "Reduce self-harm and suicide</a>" in shown
    earlier = client.get(f"/programmes/{programme_id}").text
    assert f'Continued in <a href="/programmes/{following}">South Devon and Torbay 2015/16</a>' in earlier
    assert "Continue into 2015/16</button>" not in earlier
    carried = client.get(f"/schemes/{ids.scheme_id(following, SCHEME_CODE)}/agreement").text
    earlier_scheme = ids.scheme_id(programme_id, SCHEME_CODE)
    assert f'continues <a href="/schemes/{earlier_scheme}/agreement">last year\'s Reduce self-harm' in carried


def test_asking_to_continue_records_nothing_and_a_provider_is_never_offered_it(
    world: tuple[TestClient, UUID], settings: Settings
) -> None:
    client, programme_id = world
    csrf = signed_in(client, "alice")

    overview = client.get(f"/programmes/{programme_id}").text
    form = {"csrf_token": csrf, "confirm": "yes", "version": "8", "idempotency_key": "k1"}
    refused = client.post(f"/programmes/{programme_id}/continuation", data=form)

    assert "Continue into" not in overview
    assert refused.status_code == 403, refused.text[-3000:]
    app = build_application(settings)
    assert app.programme(programme_id).continued_by is None
    app.close()
