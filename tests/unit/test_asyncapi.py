"""The live websocket's AsyncAPI document is valid AsyncAPI 3.0.0 and says everything the live package knows: every
topic kind, every message type sent or read, every close code, and an update exactly as a topic writes it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator, Draft202012Validator

from api.live import asyncapi, sockets
from api.live.topics import KINDS, Topic
from api.main import create_app
from api.storage.settings import Settings

LIVE = Path(asyncapi.__file__).parent
SPEC = Path(__file__).parents[1] / "fixtures" / "asyncapi" / "3.0.0.json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return asyncapi.document()


def payload(document: dict[str, Any], kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["messages"][kind]["payload"]
    return schema


def test_the_document_is_valid_asyncapi_3(document: dict[str, Any]) -> None:
    validator = Draft7Validator(json.loads(SPEC.read_text()))

    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)] == []


def test_a_document_with_asyncapi_2s_actions_is_caught_by_the_same_schema(document: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(document))
    broken["operations"]["send_update"]["action"] = "publish"  # AsyncAPI 2's word, not 3's

    assert not Draft7Validator(json.loads(SPEC.read_text())).is_valid(broken)


def test_every_topic_kind_the_code_knows_is_described(document: dict[str, Any]) -> None:
    channel = document["channels"]["live"]
    topic = payload(document, "subscribe")["properties"]["topic"]

    assert set(channel["x-topics"]) == set(KINDS)
    assert all(re.match(topic["pattern"], pattern) for pattern in KINDS.values())
    assert not re.match(topic["pattern"], "somewhere:else")


def test_every_message_type_the_live_package_sends_or_reads_is_described(document: dict[str, Any]) -> None:
    written = set()
    for source in set(LIVE.glob("*.py")) - {LIVE / "asyncapi.py"}:
        written |= set(re.findall(r'"type": "(\w+)"', source.read_text()))  # what the server sends
    written |= set(re.findall(r'kind [!=]= "(\w+)"', (LIVE / "endpoint.py").read_text()))  # what it reads

    assert written - set(document["components"]["messages"]) == set()
    assert {"subscribe", "update", "heartbeat", "revoked", "ping"} <= written


def test_every_close_code_the_live_package_uses_is_described(document: dict[str, Any]) -> None:
    codes = {v for name, v in vars(sockets).items() if name.isupper() and isinstance(v, int) and 1000 <= v < 5000}

    assert {str(code) for code in codes} == set(document["channels"]["live"]["x-close-codes"])


def test_an_update_as_a_topic_writes_it_fits_the_documented_message(document: dict[str, Any]) -> None:
    row = SimpleNamespace(
        event_type="EvidenceReturnedByLead",
        aggregate_type="Submission",
        aggregate_id="b2d4",
        aggregate_version=2,
        programme_id="p1",
        scheme_id="s1",
        provider_id="o1",
        quarter="Q3",
        actor_organisation_name="Community Care Trust",
        occurred_at=datetime(2014, 10, 24, 9, 12, tzinfo=UTC),
        actor_user_id="cct.quality",
        description="returned the evidence",
        reason="Add the attendance figures",
        position=1207,
    )
    detailed = Topic("board:s1:Q3", frozenset({"p1"}), None, scheme_id="s1", quarter="Q3", detailed=True)
    shared = Topic("progress:p1", frozenset({"p1"}), frozenset({"s1"}))
    inbox = Topic("inbox:cct.quality", frozenset(), None, inbox=("o1", "a1"))
    validator = Draft202012Validator(payload(document, "update"))

    for topic in (detailed, shared, inbox):
        assert [e.message for e in validator.iter_errors(json.loads(topic.update(row)))] == []


def test_the_document_is_served_beside_the_openapi_document_at_the_public_address_whatever_host_is_asked() -> None:
    client = TestClient(
        create_app(Settings(public_url="https://corral.example.nhs.uk")), base_url="https://evil.example"
    )

    served = client.get("/asyncapi.json")

    assert served.status_code == 200
    assert served.json()["servers"]["corral"] | {"security": []} == {
        "host": "corral.example.nhs.uk",
        "protocol": "wss",
        "pathname": "/",
        "security": [],
    }
    assert "/asyncapi.json" not in client.get("/openapi.json").json()["paths"]
