"""Bodies against a real server: none is read before its sender is known, and every one has a limit.

The attacks stream their bodies over a plain socket, watching for the answer between chunks, so that what the
server read before answering shows as what the client had managed to send by then.
"""

from __future__ import annotations

import logging
import select
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import COMMUNITY_ID, OPERATOR, quick_hash
from bench.servers import Served, served
from tests.integration.given import Agreed, agreed_scheme

PASSWORD = "a long enough password"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MiB = 1024 * 1024
CHUNK = 64 * 1024
ATTACHMENT_MAX = 256 * 1024
BODY_LIMIT = 1 * MiB  # the default limit of a body, CORRAL_MAX_BODY_BYTES
SIGN_IN_LIMIT = 16 * 1024  # the default limit of a sign-in's body
# Loopback and socket buffers hold some of what a client sends before the server reads any of it.
ALMOST_NOTHING = 4 * MiB
GIVE_UP = 64 * MiB  # a server still reading after this much would read it all: stop feeding it


@dataclass
class Server:
    served: Served
    agreed: Agreed
    settings: Settings

    def token(self) -> str:
        answer = httpx.post(
            f"{self.served.http}/api/v1/auth/token", data={"username": "colin", "password": PASSWORD}
        ).json()
        return str(answer["access_token"])


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[Server]:
    limited = settings.model_copy(
        update={
            "secret_key": SecretStr("b" * 48),
            "attachments_dir": tmp_path / "files",
            "attachment_max_bytes": ATTACHMENT_MAX,
        }
    )
    app = build_application(limited)
    agreed = agreed_scheme(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    with served(limited) as running:
        yield Server(running, agreed, limited)


@dataclass(frozen=True)
class Answer:
    status: int
    head: str
    sent: int  # body bytes the client had sent when the answer came


def streamed(
    port: int, target: str, headers: dict[str, str], body: Iterator[bytes], declared: int | None = None
) -> Answer:
    """POST `body` chunk by chunk (chunked, or with a declared Content-Length), watching for the answer between
    chunks; stop sending when it comes, or after GIVE_UP bytes without one."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, CHUNK)
    framing = {"Transfer-Encoding": "chunked"} if declared is None else {"Content-Length": str(declared)}
    lines = [f"POST {target} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in (headers | framing).items()]
    sent = 0
    with sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        for chunk in body:
            if select.select([sock], [], [], 0)[0] or sent >= GIVE_UP:
                break
            try:
                sock.sendall(chunk if declared is not None else f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):  # the server answered and closed the connection
                break
            sent += len(chunk)
        else:
            if declared is None:
                sock.sendall(b"0\r\n\r\n")
        sock.settimeout(30)
        head = b""
        while b"\r\n\r\n" not in head:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not data:
                break
            head += data
    text = head.decode("latin-1")
    status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/1.1 ") else 0
    return Answer(status, text, sent)


def upload_body(size: int) -> Iterator[bytes]:
    """A multipart upload of a `size`-byte file, a chunk at a time."""
    yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
    for _ in range(size // CHUNK):
        yield b"a,b\n" * (CHUNK // 4)
    yield b"\r\n--B--\r\n"


def json_body(size: int) -> Iterator[bytes]:
    """A JSON object with one long string, `size` bytes or so, a chunk at a time."""
    yield b'{"narrative": "'
    for _ in range(size // CHUNK):
        yield b"x" * CHUNK
    yield b'", "attachments": []}'


MULTIPART = {"Content-Type": "multipart/form-data; boundary=B"}
JSON = {"Content-Type": "application/json"}


def test_an_anonymous_chunked_upload_is_refused_before_its_body_is_read(server: Server) -> None:
    answer = streamed(server.served.port, "/api/v1/attachments", MULTIPART, upload_body(50 * MiB))

    assert answer.status == 401, answer
    assert answer.sent < ALMOST_NOTHING, f"the server read {answer.sent:,} bytes before answering"
    assert not (server.settings.attachments_dir.exists() and any(server.settings.attachments_dir.rglob("*")))


def test_an_anonymous_300_mib_json_body_is_refused_before_it_is_read(server: Server) -> None:
    target = f"/api/v1/schemes/{server.agreed.scheme_id}/milestones/M1/submissions"

    answer = streamed(server.served.port, target, JSON, json_body(300 * MiB))

    assert answer.status == 401, answer
    assert "application/problem+json" in answer.head
    assert answer.sent < ALMOST_NOTHING, f"the server read {answer.sent:,} bytes before answering"


def test_an_anonymous_web_form_with_files_goes_to_sign_in_before_its_body_is_read(server: Server) -> None:
    target = f"/schemes/{server.agreed.scheme_id}/milestones/M1/evidence"

    answer = streamed(server.served.port, target, MULTIPART, upload_body(50 * MiB))

    assert answer.status == 303 and "location: /sign-in?next=/" in answer.head.lower(), answer
    assert answer.sent < ALMOST_NOTHING, f"the server read {answer.sent:,} bytes before answering"


def test_a_forged_token_is_refused_before_the_body_is_read(server: Server) -> None:
    forged = {"Authorization": "Bearer " + server.token()[:-4] + "AAAA"}

    answer = streamed(server.served.port, "/api/v1/attachments", MULTIPART | forged, upload_body(50 * MiB))

    assert answer.status == 401 and answer.sent < ALMOST_NOTHING, answer


def test_a_signed_in_json_body_over_the_limit_is_cut_off_with_413_as_it_arrives(server: Server) -> None:
    target = f"/api/v1/schemes/{server.agreed.scheme_id}/milestones/M1/submissions"
    signed = {"Authorization": f"Bearer {server.token()}"} | JSON

    answer = streamed(server.served.port, target, signed, json_body(50 * MiB))

    assert answer.status == 413, answer
    assert "application/problem+json" in answer.head
    assert answer.sent < BODY_LIMIT + ALMOST_NOTHING


def test_a_signed_in_json_body_declared_over_the_limit_is_answered_413_before_it_is_sent(server: Server) -> None:
    target = f"/api/v1/schemes/{server.agreed.scheme_id}/milestones/M1/submissions"
    signed = {"Authorization": f"Bearer {server.token()}"} | JSON

    answer = streamed(server.served.port, target, signed, json_body(2 * MiB), declared=2 * MiB + 36)

    assert answer.status == 413, answer
    assert answer.sent < ALMOST_NOTHING


def test_an_upload_over_the_attachment_limit_is_answered_413_with_or_without_a_length(server: Server) -> None:
    too_big = ATTACHMENT_MAX + BODY_LIMIT + CHUNK
    signed = {"Authorization": f"Bearer {server.token()}"}

    declared = httpx.post(
        f"{server.served.http}/api/v1/attachments",
        files={"file": ("big.csv", b"a,b\n" * (too_big // 4))},
        headers=signed,
    )
    chunked = streamed(server.served.port, "/api/v1/attachments", MULTIPART | signed, upload_body(too_big))

    assert declared.status_code == 413, declared.text
    assert declared.headers["content-type"] == "application/problem+json"
    assert "bytes allowed" in declared.json()["detail"]
    assert chunked.status == 413, chunked


def test_a_signed_in_evidence_form_over_the_limit_is_a_413_page_and_nothing_else_goes_wrong(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    with httpx.Client(base_url=server.served.http) as browser:
        browser.post("/sign-in", data={"username": "colin", "password": PASSWORD, "next": "/"})
        cookie = f"corral_session={browser.cookies['corral_session']}"
    target = f"/schemes/{server.agreed.scheme_id}/milestones/M1/evidence"
    too_big = ATTACHMENT_MAX + BODY_LIMIT + CHUNK

    form = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}

    with caplog.at_level(logging.INFO):
        answer = streamed(server.served.port, target, MULTIPART | {"Cookie": cookie}, upload_body(too_big))
        # a form read only for its CSRF token, by a dependency rather than the route
        sign_out = streamed(server.served.port, "/sign-out", form, (b"a=" + b"x" * CHUNK for _ in range(100)))

    assert answer.status == 413 and "text/html" in answer.head, answer
    assert sign_out.status == 413, sign_out
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_sign_in_body_over_its_small_limit_is_answered_413(server: Server) -> None:
    huge = httpx.post(
        f"{server.served.http}/api/v1/auth/token",
        data={"username": "colin", "password": "x" * SIGN_IN_LIMIT},
    )
    page = httpx.post(
        f"{server.served.http}/sign-in", data={"username": "colin", "password": "x" * SIGN_IN_LIMIT, "next": "/"}
    )

    assert huge.status_code == 413 and page.status_code == 413


def test_uploads_evidence_forms_and_sign_in_within_the_limits_still_work(server: Server) -> None:
    http = server.served.http
    signed = {"Authorization": f"Bearer {server.token()}"}
    uploaded = httpx.post(f"{http}/api/v1/attachments", files={"file": ("audit.pdf", PDF)}, headers=signed)
    with httpx.Client(base_url=http) as browser:
        signed_in = browser.post("/sign-in", data={"username": "colin", "password": PASSWORD, "next": "/home"})
        csrf = browser.get("/api/v1/auth/session").json()["csrf_token"]
        form = browser.post(
            f"/schemes/{server.agreed.scheme_id}/milestones/M1/evidence",
            data={"csrf_token": csrf, "version": "0", "narrative": "Our audit is attached."},
            files={"files": ("audit.pdf", PDF, "application/pdf")},
        )
        without_csrf = browser.post(
            f"/schemes/{server.agreed.scheme_id}/milestones/M1/withdrawal", data={"version": "1", "reason": "x"}
        )

    assert uploaded.status_code == 201, uploaded.text
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/home"
    assert form.status_code == 303, form.text
    assert without_csrf.status_code == 403  # the CSRF check still stands, after the caller is known
