"""Another system through an API client, against a real server on both databases: the community trust's
administrator registers a client; it signs in by OAuth2's client-credentials grant, reads progress and submits
evidence within its scopes, is refused outside them and outside its organisation, and is cut off at once when
revoked, its websocket included. Its secret is shown once and never again, and never stored in clear."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from api.live.client import LiveClient
from api.storage.settings import Settings
from domain.actors import Role
from tests.builders import ACUTE_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import run
from tests.e2e.test_live import EVIDENCE, PASSWORD, World, next_of, world_on
from tests.e2e.test_live_access import closed_after

ADMIN = "ada"
V1 = "/api/v1"
SCOPES = ["progress:read", "evidence:read", "evidence:submit"]


class Clients:
    """The served world, the community trust's administrator, and the client it registered."""

    def __init__(self, world: World) -> None:
        self.world, self.http = world, httpx.Client(base_url=world.server.http)
        self.registered = self.post(
            ADMIN, "/clients", {"name": "Torbay evidence feed", "role": "provider", "scopes": SCOPES}
        )
        assert self.registered.status_code == 201, self.registered.text
        self.client_id: str = self.registered.json()["client_id"]
        self.secret: str = self.registered.json()["client_secret"]

    def post(self, user: str, path: str, body: dict[str, Any], **headers: str) -> httpx.Response:
        bearer = {"Authorization": f"Bearer {self.world.tokens[user]}"}
        return self.http.post(f"{V1}{path}", json=body, headers=bearer | headers)

    def token(self, scope: str | None = None, secret: str | None = None, basic: bool = True) -> httpx.Response:
        """A client-credentials token request, by HTTP Basic or in the form."""
        form = {"grant_type": "client_credentials"} | ({"scope": scope} if scope is not None else {})
        credentials = (self.client_id, self.secret if secret is None else secret)
        if basic:
            return self.http.post(f"{V1}/auth/token", data=form, auth=credentials)
        return self.http.post(f"{V1}/auth/token", data=form | dict(zip(("client_id", "client_secret"), credentials)))

    def as_client(self, scope: str | None = None) -> dict[str, str]:
        issued = self.token(scope)
        assert issued.status_code == 200, issued.text
        return {"Authorization": f"Bearer {issued.json()['access_token']}"}


@pytest.fixture
def clients(settings: Settings) -> Iterator[Clients]:
    for world in world_on(settings):
        corral = world.server.app.state.corral
        corral.register_user(OPERATOR, ADMIN, COMMUNITY_ID, Role.ADMINISTRATOR, quick_hash(PASSWORD))
        signed_in = httpx.post(f"{world.server.http}{V1}/auth/token", data={"username": ADMIN, "password": PASSWORD})
        world.tokens[ADMIN] = signed_in.json()["access_token"]
        yield Clients(world)


def test_a_provider_s_client_reads_progress_and_submits_evidence_and_the_audit_trail_names_it(clients: Clients) -> None:
    world, headers = clients.world, clients.as_client()
    issued = clients.token(basic=False).json()

    progress = clients.http.get(f"{V1}/programmes/{world.programme_id}/progress", headers=headers)
    submitted = clients.http.post(
        f"{V1}/schemes/{world.scheme_id}/milestones/M1/submissions", json=EVIDENCE, headers=headers
    )
    assert submitted.status_code == 201, submitted.text
    trail = clients.http.get(
        f"{V1}/programmes/{world.programme_id}/audit",
        params={"after": submitted.json()["position"]},
        headers={"Authorization": f"Bearer {world.tokens['gill']}"},
    )

    assert progress.status_code == 200
    assert issued["token_type"] == "bearer" and issued["scope"] == "evidence:read evidence:submit progress:read"
    assert "refresh_token" not in issued
    newest = trail.json()["entries"][0]
    assert newest["actor_user_id"] == f"client:{clients.client_id}"
    assert f"API client Torbay evidence feed (client:{clients.client_id}) submitted" in newest["description"]


def test_a_client_is_refused_outside_its_scopes_saying_which_scope_is_missing(clients: Clients) -> None:
    world = clients.world
    headers = clients.as_client("progress:read")  # a token narrower than its client

    payments = clients.http.get(f"{V1}/programmes/{world.programme_id}/payments", headers=headers)
    submitted = clients.http.post(
        f"{V1}/schemes/{world.scheme_id}/milestones/M1/submissions", json=EVIDENCE, headers=headers
    )
    me = clients.http.get(f"{V1}/me", headers=headers)
    page = clients.http.get(f"/programmes/{world.programme_id}", headers=headers)
    beyond = clients.token("progress:read payments:read")

    assert (payments.status_code, payments.headers["content-type"]) == (403, "application/problem+json")
    assert payments.json()["rule"] == "ScopeMissing" and "payments:read" in payments.json()["detail"]
    assert submitted.status_code == 403 and "evidence:submit" in submitted.json()["detail"]
    assert me.status_code == 403 and "people only" in me.json()["detail"]
    assert page.status_code == 403
    assert (beyond.status_code, beyond.json()["error"]) == (400, "invalid_scope")


def test_a_client_reads_another_organisation_s_things_as_it_reads_made_up_ids(clients: Clients) -> None:
    world = clients.world
    leads_own = run(world.submit("alice"))["id"]  # the lead's own evidence: not the community trust's to read
    headers = clients.as_client()

    def read(path: str, real: str) -> tuple[int, str]:
        answer = clients.http.get(path.format(real), headers=headers)
        return answer.status_code, answer.text.replace(real, "<id>")

    for path, real in (
        (f"{V1}/submissions/{{}}", leads_own),
        (f"{V1}/providers/{{}}/dashboard", str(ACUTE_ID)),
    ):
        assert read(path, real) == read(path, str(uuid4())), path
        assert read(path, real)[0] in (403, 404)
    assert read(f"{V1}/submissions/{{}}", leads_own)[0] == 404


def test_a_wrong_secret_is_refused_in_oauth2_s_words_and_throttled_like_a_password(clients: Clients) -> None:
    refusals = [clients.token(secret="not the secret") for _ in range(5)]
    throttled = clients.token()

    assert {r.status_code for r in refusals} == {401}
    assert refusals[0].json()["error"] == "invalid_client" and "WWW-Authenticate" in refusals[0].headers
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0


def test_wrong_secrets_sent_from_elsewhere_never_lock_the_client_out_of_its_own_address(clients: Clients) -> None:
    elsewhere = httpx.Client(
        base_url=clients.world.server.http, transport=httpx.HTTPTransport(local_address="127.0.0.2")
    )
    form = {"grant_type": "client_credentials"}
    with elsewhere:
        guesses = [elsewhere.post(f"{V1}/auth/token", data=form, auth=(clients.client_id, "a guess")) for _ in range(6)]

    assert [g.status_code for g in guesses] == [401] * 5 + [429]
    assert clients.token().status_code == 200


def test_the_secret_is_shown_once_never_listed_never_replayed_and_never_stored_in_clear(clients: Clients) -> None:
    body = {"name": "Second feed", "role": "provider", "scopes": ["progress:read"]}
    first = clients.post(ADMIN, "/clients", body, **{"Idempotency-Key": "second-feed"})
    replayed = clients.post(ADMIN, "/clients", body, **{"Idempotency-Key": "second-feed"})
    listed = clients.http.get(
        f"{V1}/clients",
        params={"after": first.json()["position"]},
        headers={"Authorization": f"Bearer {clients.world.tokens[ADMIN]}"},
    )
    corral = clients.world.server.app.state.corral
    log = corral.recorder.select_notifications(start=1, limit=1_000_000)

    assert first.status_code == 201 and first.json()["client_secret"]
    assert replayed.headers["Idempotent-Replayed"] == "true" and "client_secret" not in replayed.json()
    assert replayed.json()["client_id"] == first.json()["client_id"]
    assert sorted(c["name"] for c in listed.json()) == ["Second feed", "Torbay evidence feed"]
    for secret in (clients.secret, first.json()["client_secret"]):
        assert secret not in listed.text
        assert all(secret.encode() not in n.state for n in log)


def test_a_revoked_client_is_cut_off_at_once_its_websocket_included(clients: Clients) -> None:
    world, headers = clients.world, clients.as_client()
    token = headers["Authorization"].removeprefix("Bearer ")

    async def scenario() -> tuple[httpx.Response, list[dict[str, Any]], ConnectionClosed]:
        async with LiveClient(world.server.live, token=token) as live:
            await live.subscribe(f"progress:{world.programme_id}")
            assert (await next_of(live, "subscribed"))["topic"] == f"progress:{world.programme_id}"
            await live.subscribe("audit:" + str(world.programme_id))  # not among its scopes
            assert "audit:read" in (await next_of(live, "refused"))["reason"]
            revoked = await asyncio.to_thread(
                clients.post, ADMIN, f"/clients/{clients.client_id}/revocation", {"reason": "The feed is retired."}
            )
            return revoked, *await closed_after(live)

    revoked, heard, closed = run(scenario())
    after = clients.http.get(f"{V1}/programmes/{world.programme_id}/progress", headers=headers)
    again = clients.token()

    assert revoked.status_code == 200, revoked.text
    assert closed.rcvd is not None and closed.rcvd.code == 1008 and "revoked" in closed.rcvd.reason
    assert after.status_code == 401 and "revoked" in after.json()["detail"]
    assert (again.status_code, again.json()["error"]) == (401, "invalid_client")


def test_a_grant_corral_does_not_give_is_refused_in_oauth2_s_words(clients: Clients) -> None:
    answer = clients.http.post(f"{V1}/auth/token", data={"grant_type": "authorization_code", "code": "x"})

    assert (answer.status_code, answer.json()["error"]) == (400, "unsupported_grant_type")
