"""Attachments over HTTP: limited in size, typed by content, named safely, served only to those who may read."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from api.security import hash_password
from api.settings import Settings
from api.wiring import build_application
from domain.actors import Role
from tests.builders import ACUTE_ID, OPERATOR, COMMUNITY_ID, PRIVATE_ID
from tests.integration.given import agreed_scheme

PASSWORD = "a long enough password"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def api(settings: Settings, tmp_path: Path) -> Iterator[tuple[TestClient, str, dict[str, dict[str, str]]]]:
    signed = settings.model_copy(
        update={"secret_key": SecretStr("a" * 48), "attachments_dir": tmp_path / "files", "attachment_max_bytes": 4096}
    )
    app = build_application(signed)
    scheme_id = str(agreed_scheme(app).scheme_id)
    password_hash = hash_password(PASSWORD)
    for username, organisation_id in (("alice", ACUTE_ID), ("colin", COMMUNITY_ID), ("priya", PRIVATE_ID)):
        app.register_user(OPERATOR, username, organisation_id, Role.PROVIDER, password_hash)
    app.close()
    with TestClient(create_app(signed)) as client:
        headers = {}
        for username in ("alice", "colin", "priya"):
            token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
            headers[username] = {"Authorization": f"Bearer {token['access_token']}"}
        yield client, scheme_id, headers


def test_an_uploaded_file_is_referenced_in_evidence_and_downloaded_only_by_those_who_may_read_it(
    api: tuple[TestClient, str, dict[str, dict[str, str]]],
) -> None:
    client, scheme_id, headers = api
    uploaded = client.post(
        "/api/v1/attachments",
        files={"file": ("..\\..\\windows\\audit<1>.pdf", PDF, "text/plain")},
        headers=headers["colin"],
    ).json()
    evidence = {"narrative": "Audit attached.", "attachments": [uploaded]}
    submission = client.post(
        f"/api/v1/schemes/{scheme_id}/milestones/M1/submissions", json=evidence, headers=headers["colin"]
    ).json()["id"]
    url = f"/api/v1/submissions/{submission}/attachments/{uploaded['sha256']}"

    by_lead = client.get(url, headers=headers["alice"])
    by_neighbour = client.get(url, headers=headers["priya"])

    assert uploaded == {
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "name": "audit_1_.pdf",
        "size": len(PDF),
        "media_type": "application/pdf",
    }
    assert by_lead.status_code == 200 and by_lead.content == PDF
    assert by_lead.headers["content-disposition"].startswith("attachment;")
    assert by_neighbour.status_code == 404


@pytest.mark.parametrize(
    "name,content,rule",
    [
        ("big.csv", b"a,b\n" * 2000, "AttachmentRefused"),
        ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "AttachmentRefused"),
        ("", PDF, None),
    ],
)
def test_an_oversized_disguised_or_unnamed_file_is_refused_and_nothing_is_kept(
    api: tuple[TestClient, str, dict[str, dict[str, str]]],
    name: str,
    content: bytes,
    rule: str | None,
    tmp_path: Path,
) -> None:
    client, _, headers = api

    refused = client.post(
        "/api/v1/attachments", files={"file": (name, content, "application/pdf")}, headers=headers["colin"]
    )

    assert refused.status_code == 422
    if rule:
        assert refused.json()["rule"] == rule
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == []
