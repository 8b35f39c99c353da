"""Attachments over HTTP: limited in size, typed by content, named safely, served only to those who may read."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.attachments import AttachmentStore
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.actors import Role
from domain.evidence import Attachment, Evidence
from domain.submission import Submission
from tests.builders import ON_TIME, ACUTE_ID, COMMUNITY, COMMUNITY_ID, OPERATOR, PRIVATE_ID, quick_hash
from tests.e2e.serving import client_of
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
    password_hash = quick_hash(PASSWORD)
    for username, organisation_id in (("alice", ACUTE_ID), ("colin", COMMUNITY_ID), ("priya", PRIVATE_ID)):
        app.register_user(OPERATOR, username, organisation_id, Role.PROVIDER, password_hash)
    app.close()
    with client_of(signed) as client:
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


Api = tuple[TestClient, str, dict[str, dict[str, str]]]
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _upload(client: TestClient, headers: dict[str, str], name: str = "audit.pdf", content: bytes = PDF) -> str:
    answer = client.post("/api/v1/attachments", files={"file": (name, content, "application/pdf")}, headers=headers)
    assert answer.status_code == 201, answer.text
    sha256: str = answer.json()["sha256"]
    return sha256


def _submit(client: TestClient, scheme_id: str, headers: dict[str, str], *attachments: dict[str, object]) -> Any:
    evidence = {"narrative": "Audit attached.", "attachments": list(attachments)}
    return client.post(f"/api/v1/schemes/{scheme_id}/milestones/M1/submissions", json=evidence, headers=headers)


def _problem(answer: Any, *ids: str) -> tuple[int, str]:
    detail = answer.json().get("detail", "")
    for value in ids:
        detail = detail.replace(value, "<id>")
    return answer.status_code, detail


def test_a_provider_naming_another_providers_file_in_its_evidence_is_refused_exactly_as_an_unknown_file_is(
    api: Api,
) -> None:
    client, scheme_id, headers = api
    neighbours = _upload(client, headers["colin"])
    unknown = hashlib.sha256(b"a file nobody uploaded").hexdigest()

    naming_neighbours = _submit(client, scheme_id, headers["alice"], {"sha256": neighbours})
    naming_unknown = _submit(client, scheme_id, headers["alice"], {"sha256": unknown})

    assert naming_neighbours.status_code == 422
    assert _problem(naming_neighbours, neighbours) == _problem(naming_unknown, unknown)
    assert naming_neighbours.json()["rule"] == naming_unknown.json()["rule"] == "AttachmentNotUploaded"
    assert (
        _problem(naming_neighbours, neighbours)[1] == "No file with SHA-256 <id> has been uploaded by your organisation"
    )


def test_a_client_claimed_media_type_and_name_are_never_what_is_recorded_or_served(api: Api) -> None:
    client, scheme_id, headers = api
    sha256 = _upload(client, headers["colin"], "audit.pdf")
    claim = {"sha256": sha256, "name": "audit.html", "size": 1, "media_type": "text/html"}

    submitted = _submit(client, scheme_id, headers["colin"], claim)
    recorded = client.get(f"/api/v1/submissions/{submitted.json()['id']}", headers=headers["colin"]).json()
    served = client.get(f"/api/v1/submissions/{submitted.json()['id']}/attachments/{sha256}", headers=headers["alice"])

    assert submitted.status_code == 201
    assert recorded["evidence"]["attachments"] == [
        {"sha256": sha256, "name": "audit.pdf", "size": len(PDF), "media_type": "application/pdf"}
    ]
    assert served.status_code == 200 and served.content == PDF
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["content-disposition"] == 'attachment; filename="audit.pdf"'
    assert served.headers["x-content-type-options"] == "nosniff"


def test_the_download_of_a_file_in_another_providers_evidence_is_the_same_404_as_an_unknown_file(api: Api) -> None:
    client, scheme_id, headers = api
    neighbours = _upload(client, headers["colin"])
    colins = _submit(client, scheme_id, headers["colin"], {"sha256": neighbours}).json()["id"]
    alices = _submit(client, scheme_id, headers["alice"]).json()["id"]
    # The attack: name the neighbour's file in your own evidence, then download it from there.
    revision = {"narrative": "Audit.", "attachments": [{"sha256": neighbours}], "reason": "attach the audit"}
    client.post(f"/api/v1/submissions/{alices}/revisions", json=revision, headers=headers["alice"])
    unknown, nowhere = hashlib.sha256(b"a file nobody uploaded").hexdigest(), str(uuid4())
    cases = {
        "a neighbour's file in your own evidence": ("alice", alices, neighbours),
        "an unknown file in your own evidence": ("alice", alices, unknown),
        "a file of evidence you may not read": ("priya", colins, neighbours),
        "an unknown file of an unknown submission": ("priya", nowhere, unknown),
    }

    seen = {
        case: _problem(client.get(f"/api/v1/submissions/{s}/attachments/{h}", headers=headers[user]), s, h)
        for case, (user, s, h) in cases.items()
    }

    assert len(set(seen.values())) == 1, seen
    assert next(iter(seen.values()))[0] == 404


def test_a_file_that_is_no_longer_kept_is_the_same_404_as_one_that_never_was(api: Api, tmp_path: Path) -> None:
    client, scheme_id, headers = api
    sha256 = _upload(client, headers["colin"])
    submission = _submit(client, scheme_id, headers["colin"], {"sha256": sha256}).json()["id"]
    (tmp_path / "files" / sha256[:2] / sha256).unlink()
    unknown = hashlib.sha256(b"a file nobody uploaded").hexdigest()

    missing = client.get(f"/api/v1/submissions/{submission}/attachments/{sha256}", headers=headers["colin"])
    never = client.get(f"/api/v1/submissions/{submission}/attachments/{unknown}", headers=headers["colin"])
    malformed = client.get(f"/api/v1/submissions/{submission}/attachments/not-a-hash", headers=headers["colin"])

    assert missing.status_code == 404
    assert _problem(missing, sha256) == _problem(never, unknown) == _problem(malformed, "not-a-hash")


def test_evidence_recorded_before_uploads_were_is_served_by_its_stored_content_never_by_its_claimed_type(
    settings: Settings, tmp_path: Path
) -> None:
    served_settings = settings.model_copy(
        update={"secret_key": SecretStr("a" * 48), "attachments_dir": tmp_path / "files"}
    )
    app = build_application(served_settings)
    scheme = app.scheme(agreed_scheme(app).scheme_id)
    stored = AttachmentStore(served_settings.attachments_dir, 4096).keep(io.BytesIO(HTML), "page.html")
    claimed = Attachment(stored.sha256, "page.html", len(HTML), "text/html")
    # What the log may hold from before: evidence naming a file with the type its client claimed, and no upload.
    legacy = Submission.submit(
        COMMUNITY,
        scheme.programme_id,
        scheme.id,
        COMMUNITY_ID,
        scheme.agreed_terms.milestone("M1"),
        Evidence("Audit.", attachments=(claimed,)),
        ON_TIME,
    )
    app.save(legacy)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD))
    app.close()

    with client_of(served_settings) as client:
        token = client.post("/api/v1/auth/token", data={"username": "colin", "password": PASSWORD}).json()
        served = client.get(
            f"/api/v1/submissions/{legacy.id}/attachments/{stored.sha256}",
            headers={"Authorization": f"Bearer {token['access_token']}"},
        )

    assert served.status_code == 200 and served.content == HTML
    assert served.headers["content-type"].startswith("text/plain")
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["x-content-type-options"] == "nosniff"


def test_a_file_sent_with_the_evidence_form_is_uploaded_as_the_organisations_own_then_named_in_its_evidence(
    api: Api,
) -> None:
    client, scheme_id, headers = api

    sent = client.post(
        f"/schemes/{scheme_id}/milestones/M1/evidence",
        data={"version": "0", "narrative": "Audit attached."},
        files={"files": ("audit.pdf", PDF, "text/html")},
        headers=headers["colin"],
        follow_redirects=False,
    )
    submission = ids.submission_id(UUID(scheme_id), "M1", COMMUNITY_ID)
    recorded = client.get(f"/api/v1/submissions/{submission}", headers=headers["colin"]).json()

    assert sent.status_code == 303
    assert recorded["evidence"]["attachments"] == [
        {
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "name": "audit.pdf",
            "size": len(PDF),
            "media_type": "application/pdf",
        }
    ]
