"""An organisation's administrator manages its webhooks over the JSON API: the secret is in the answer that makes it
(and its replay) and nowhere else, an http:// address is refused naming the field, a rotation gives a new secret,
the delivery log is the organisation's own, and another organisation's endpoint reads exactly like an unknown one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.webhooks import webhook_secret
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.e2e.test_api_administrators import bearer
from tests.integration.given import programme_set_up

PASSWORD = "a long enough password"
KEY = "k" * 48
HOOKS = "/api/v1/webhooks"
ENDPOINT = {"url": "https://ehr.community.example/corral", "kinds": ["submission.returned", "quarter.closed"]}


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    signed = settings.model_copy(update={"secret_key": SecretStr(KEY), "embedded_projector": True})
    app = build_application(signed)
    programme_set_up(app)
    for username, organisation_id, role in (
        ("cct.admin", COMMUNITY_ID, Role.ADMINISTRATOR),
        ("sdt-ccg.admin", COMMISSIONER_ID, Role.ADMINISTRATOR),
        ("colin", COMMUNITY_ID, Role.PROVIDER),
    ):
        app.register_user(OPERATOR, username, organisation_id, role, quick_hash(PASSWORD))
    app.close()
    with client_of(signed) as served:
        yield served


def test_registering_shows_the_secret_once_and_the_list_never(client: TestClient) -> None:
    admin = bearer(client, "cct.admin") | {"Idempotency-Key": "register-epr"}

    registered = client.post(HOOKS, json=ENDPOINT | {"description": "our EPR"}, headers=admin)
    replayed = client.post(HOOKS, json=ENDPOINT | {"description": "our EPR"}, headers=admin)
    position = registered.json()["position"]
    listed = client.get(HOOKS, params={"after": position}, headers=bearer(client, "cct.admin"))

    assert registered.status_code == 201, registered.text
    endpoint_id, secret = registered.json()["id"], registered.json()["secret"]
    assert secret == webhook_secret(KEY, endpoint_id, 1) and secret.startswith("whsec_")
    assert replayed.headers["Idempotent-Replayed"] == "true" and replayed.json()["secret"] == secret
    (shown,) = listed.json()
    assert shown["id"] == endpoint_id and shown["kinds"] == ENDPOINT["kinds"] and shown["enabled"] is True
    assert secret not in listed.text and "secret" not in shown


def test_an_http_address_or_a_kind_there_is_not_is_refused_naming_the_field(client: TestClient) -> None:
    admin = bearer(client, "cct.admin")

    plain = client.post(HOOKS, json=ENDPOINT | {"url": "http://ehr.community.example/corral"}, headers=admin)
    unknown = client.post(HOOKS, json=ENDPOINT | {"kinds": ["evidence.read"]}, headers=admin)

    assert plain.status_code == 422, plain.text
    assert plain.json()["errors"] == [{"field": "url", "message": "a webhook is sent only to an https:// address"}]
    assert unknown.status_code == 422 and "kinds" in unknown.text


def test_a_rotation_gives_a_new_secret_and_disabling_and_enabling_are_recorded(client: TestClient) -> None:
    admin = bearer(client, "cct.admin")
    registered = client.post(HOOKS, json=ENDPOINT, headers=admin).json()
    endpoint = f"{HOOKS}/{registered['id']}"

    rotated = client.post(f"{endpoint}/secret-rotation", headers=admin)
    disabled = client.post(f"{endpoint}/disablement", json={"reason": "moving the receiver"}, headers=admin)
    listed = client.get(HOOKS, params={"after": disabled.json()["position"]}, headers=admin).json()
    enabled = client.post(f"{endpoint}/enablement", headers=admin | {"If-Match": disabled.headers["ETag"]})

    assert rotated.status_code == 200 and rotated.json()["generation"] == 2
    assert rotated.json()["secret"] == webhook_secret(KEY, registered["id"], 2) != registered["secret"]
    assert listed[0]["enabled"] is False and listed[0]["generation"] == 2
    assert enabled.status_code == 200 and enabled.headers["ETag"] == '"4"'


def test_another_organisations_endpoint_reads_and_changes_exactly_like_an_unknown_one(client: TestClient) -> None:
    registered = client.post(HOOKS, json=ENDPOINT, headers=bearer(client, "cct.admin")).json()
    other = bearer(client, "sdt-ccg.admin")
    theirs, made_up = f"{HOOKS}/{registered['id']}", f"{HOOKS}/{uuid4()}"

    for path, body in (("deliveries", None), ("disablement", {"reason": "not ours"}), ("secret-rotation", None)):
        method = "GET" if body is None and path == "deliveries" else "POST"
        real = client.request(method, f"{theirs}/{path}", json=body, headers=other)
        unknown = client.request(method, f"{made_up}/{path}", json=body, headers=other)
        assert real.status_code == unknown.status_code == 404
        assert real.json()["detail"] == unknown.json()["detail"]
    own = client.get(
        f"{theirs}/deliveries", params={"after": registered["position"]}, headers=bearer(client, "cct.admin")
    )
    staff = client.get(f"{theirs}/deliveries", headers=bearer(client, "colin"))
    assert own.status_code == 200 and own.json() == []
    assert staff.status_code == 404
    assert client.get(HOOKS, headers=other).json() == []


@pytest.mark.parametrize(
    ("url", "mistake"),
    [
        ("https://127.0.0.1:8443/corral", "127.0.0.1 is an address inside a private network"),
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254 is an address inside a private network"),
        ("https://[fd00::1]/corral", "fd00::1 is an address inside a private network"),
        ("https://localhost/corral", "localhost is this server itself"),
        ("https://ehr.community.example:22/corral", "a webhook goes to port 443 or a port from 1024 to 65535"),
    ],
)
def test_an_address_inside_a_network_localhost_or_a_well_known_port_is_refused_naming_the_url(
    client: TestClient, url: str, mistake: str
) -> None:
    refused = client.post(HOOKS, json=ENDPOINT | {"url": url}, headers=bearer(client, "cct.admin"))

    assert refused.status_code == 422, refused.text
    ((error,),) = [refused.json()["errors"]]
    assert error["field"] == "url" and error["message"].startswith(mistake)


def test_an_organisation_registers_or_enables_no_more_than_the_most_endpoints_enabled_at_once(
    client: TestClient,
) -> None:
    admin = bearer(client, "cct.admin")
    made = [client.post(HOOKS, json=ENDPOINT | {"url": f"{ENDPOINT['url']}/{n}"}, headers=admin) for n in range(20)]
    first = f"{HOOKS}/{made[0].json()['id']}"
    disabled = client.post(f"{first}/disablement", json={"reason": "moving the receiver"}, headers=admin)
    client.get(HOOKS, params={"after": disabled.json()["position"]}, headers=admin)  # the count is the view's
    in_its_place = client.post(HOOKS, json=ENDPOINT | {"url": f"{ENDPOINT['url']}/20"}, headers=admin)
    caught_up = client.get(HOOKS, params={"after": in_its_place.json()["position"]}, headers=admin)

    one_more = client.post(HOOKS, json=ENDPOINT | {"url": f"{ENDPOINT['url']}/21"}, headers=admin)
    enabled_again = client.post(f"{first}/enablement", headers=admin)

    assert {m.status_code for m in made} == {201} and len(caught_up.json()) == 21
    for refused in (one_more, enabled_again):
        assert refused.status_code == 422, refused.text
        ((error,),) = [refused.json()["errors"]]
        assert error["field"] == "endpoints" and "at most 20 webhook endpoints enabled at once" in error["message"]
