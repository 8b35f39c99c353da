"""The attachments folder at fault, under a real `corral serve`: missing, it is made again; read-only or replaced by a
file, the store is unavailable, a 503 with Retry-After, never a crash.

Root may write to a read-only folder, so as root the server runs without that power (setpriv drops
CAP_DAC_OVERRIDE), as a server run by an ordinary account would."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.storage.settings import Settings
from api.storage.wiring import build_application
from bench.servers import CORRAL, Service, corral_env, free_port, running
from domain.actors import Role
from tests.builders import COMMUNITY_ID, OPERATOR, quick_hash
from tests.integration.given import Agreed, agreed_scheme

PASSWORD = "a long enough password"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WITHOUT_OVERRIDE = ["--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]


@dataclass
class Server:
    http: str
    folder: Path
    agreed: Agreed


def _as_an_ordinary_account() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root, the test needs setpriv (util-linux) to serve without CAP_DAC_OVERRIDE")
    return [setpriv, *WITHOUT_OVERRIDE]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'corral.sqlite3'}")
    app = build_application(settings)
    agreed = agreed_scheme(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    folder = tmp_path / "files"
    env = corral_env(settings, attachments_dir=folder)
    command = [*_as_an_ordinary_account(), str(CORRAL), "serve"]
    with running(Service(command, env, port=free_port(), ready="/readyz", log=tmp_path / "server.log")) as served:
        try:
            yield Server(served.http, folder, agreed)
        finally:
            if folder.is_dir():
                folder.chmod(0o755)


def _unavailable(answer: httpx.Response) -> bool:
    return answer.status_code == 503 and int(answer.headers.get("retry-after", "0")) > 0


def test_a_missing_read_only_or_replaced_attachments_folder_is_made_again_or_a_503(server: Server) -> None:
    token = httpx.post(f"{server.http}/api/v1/auth/token", data={"username": "colin", "password": PASSWORD})
    colin = {"Authorization": f"Bearer {token.json()['access_token']}"}

    def upload(content: bytes = PDF) -> httpx.Response:
        return httpx.post(f"{server.http}/api/v1/attachments", files={"file": ("a.pdf", content)}, headers=colin)

    first = upload()
    submission = httpx.post(
        f"{server.http}/api/v1/schemes/{server.agreed.scheme_id}/milestones/M1/submissions",
        json={"narrative": "Audit attached.", "attachments": [first.json()]},
        headers=colin,
    ).json()["id"]
    download = f"{server.http}/api/v1/submissions/{submission}/attachments/{first.json()['sha256']}"
    server.folder.chmod(0o555)
    read_only = upload(PDF + b"% read-only\n")
    server.folder.chmod(0o755)
    shutil.rmtree(server.folder, ignore_errors=True)
    missing = upload(PDF + b"% missing\n")
    shutil.rmtree(server.folder, ignore_errors=True)
    server.folder.write_text("not a folder")
    replaced = upload(PDF + b"% replaced\n")
    replaced_download = httpx.get(download, headers=colin)

    assert first.status_code == 201, first.text
    assert _unavailable(read_only), read_only.text
    assert read_only.headers["content-type"] == "application/problem+json"
    assert "attachment store is unavailable" in read_only.json()["detail"] and read_only.json()["error_id"]
    assert missing.status_code == 201, missing.text
    assert _unavailable(replaced), replaced.text
    assert _unavailable(replaced_download), replaced_download.text


def test_the_evidence_form_says_try_again_when_the_attachments_folder_cannot_be_written(server: Server) -> None:
    server.folder.mkdir(exist_ok=True)
    server.folder.chmod(0o555)
    with httpx.Client(base_url=server.http) as browser:
        browser.post("/sign-in", data={"username": "colin", "password": PASSWORD, "next": "/"})
        csrf = browser.get("/api/v1/auth/session").json()["csrf_token"]

        page = browser.post(
            f"/schemes/{server.agreed.scheme_id}/milestones/M1/evidence",
            data={"csrf_token": csrf, "version": "0", "narrative": "Our audit is attached."},
            files={"files": ("audit.pdf", PDF, "application/pdf")},
        )

    assert _unavailable(page) and page.headers["content-type"].startswith("text/html"), page.text
    assert "Try again in a moment" in page.text
