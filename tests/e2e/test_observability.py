"""What operators read in a running Corral's log: one JSON object a line, with the time, the level, the request's id
(the X-Request-ID it answered) and the user acting; sign-in failures, lock-outs and mail sent or failed logged with
their fields (never a password, an address or a link); and an unexpected error's id in the same line as its
traceback. (/metrics: test_metrics.py.)"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from api.http.deps import CurrentActor
from api.observability import logs
from api.storage.settings import Settings
from api.storage.wiring import build_application
from bench.servers import Corral, serving
from domain.actors import Role
from domain.application import Corral as CorralApp
from domain.milestones import Quarter
from tests.builders import ACUTE, COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import programme_set_up
from tests.integration.read_models import views_of
from tests.integration.test_mail import COLIN, colin_and_alice, mailer
from tests.mail_server import MailServer, smtp_server

PASSWORD = "a long enough password"
WRONG = "not the password at all"
ADMIN = "sdt-ccg.admin"
SECRET = "o" * 48
Line = dict[str, Any]


@dataclass
class Running:
    server: Corral
    log: Path
    mail: MailServer
    programme_id: str

    def get(self, path: str, **options: Any) -> httpx.Response:
        return httpx.get(f"{self.server.http}{path}", timeout=30, **options)

    def post(self, path: str, **options: Any) -> httpx.Response:
        return httpx.post(f"{self.server.http}{path}", timeout=30, **options)

    def sign_in(self, password: str = PASSWORD, username: str = ADMIN) -> httpx.Response:
        return self.post("/api/v1/auth/token", data={"username": username, "password": password})

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.sign_in().json()['access_token']}"}

    def invite(self, username: str, key: str | None = None) -> httpx.Response:
        body = {"username": username, "role": "commissioner", "email": f"{username}@example.nhs.uk"}
        headers = self.bearer() | ({"Idempotency-Key": key} if key else {})
        return self.post("/api/v1/users/invitations", json=body, headers=headers)

    def lines(self) -> list[Line]:
        """Every line the server has logged, each parsed as JSON (failing on any that is not)."""
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def line(self, found: Callable[[Line], bool]) -> Line:
        """The first logged line `found` picks, waited for (a line is written as its request is answered)."""
        deadline = time.monotonic() + 30
        while True:
            chosen = [line for line in self.lines() if found(line)]
            if chosen or time.monotonic() > deadline:
                assert chosen, f"no such line in:\n{self.log.read_text()[-4000:]}"
                return chosen[0]
            time.sleep(0.05)


@contextmanager
def running(settings: Settings, folder: Path, workers: int = 1, **values: Any) -> Iterator[Running]:
    """`corral serve` (and a projector on PostgreSQL) logging JSON, mailing through a test SMTP server; an
    administrator of the commissioner may sign in."""
    app = build_application(settings)
    programme_id = str(programme_set_up(app))
    app.register_user(OPERATOR, ADMIN, COMMISSIONER_ID, Role.ADMINISTRATOR, quick_hash(PASSWORD))
    app.close()
    with (
        smtp_server() as mail,
        serving(
            settings, SECRET, folder, workers, smtp_host=mail.host, smtp_port=mail.port, log_format="json", **values
        ) as server,
    ):
        yield Running(server, folder / "server.log", mail, programme_id)


def test_each_line_is_json_with_its_time_and_level_and_a_request_is_logged_with_its_id_and_who_asked(
    settings: Settings, tmp_path: Path
) -> None:
    with running(settings, tmp_path) as served:
        offered = served.get("/healthz", headers={"X-Request-ID": "probe-0001-abcdef"})
        made = served.get("/healthz", headers={"X-Request-ID": "not an id!"})
        me = served.get("/api/v1/me", headers=served.bearer())

        kept = served.line(lambda line: line.get("request_id") == "probe-0001-abcdef")
        new = served.line(lambda line: line.get("request_id") == made.headers["X-Request-ID"])
        signed_in = served.line(lambda line: line.get("request_id") == me.headers["X-Request-ID"])
        lines = served.lines()

    assert offered.headers["X-Request-ID"] == "probe-0001-abcdef"
    assert made.headers["X-Request-ID"] != "not an id!" and len(made.headers["X-Request-ID"]) == 32
    assert (kept["logger"], kept["method"], kept["path"], kept["status"]) == ("uvicorn.access", "GET", "/healthz", 200)
    assert new["path"] == "/healthz"
    assert (signed_in["path"], signed_in["user"], signed_in["organisation"]) == (
        "/api/v1/me",
        ADMIN,
        str(COMMISSIONER_ID),
    )
    assert lines and all(line["level"] and line["timestamp"].endswith("Z") for line in lines)
    assert any(line["logger"] == "uvicorn.error" for line in lines)  # uvicorn's own lines too


def test_a_failed_sign_in_and_a_lock_out_are_logged_with_the_username_and_client_never_the_password(
    settings: Settings, tmp_path: Path
) -> None:
    with running(settings, tmp_path, sign_in_failures_per_username=2) as served:
        refused = [served.sign_in(WRONG).status_code for _ in range(3)]

        failed = served.line(lambda line: line["event"] == "sign-in failed")
        locked = served.line(lambda line: line["event"].startswith("sign-in locked out"))
        text = served.log.read_text()

    assert refused == [401, 401, 429]
    assert (failed["username"], failed["client"], failed["level"]) == (ADMIN, "127.0.0.1", "warning")
    assert failed["reason"] == "wrong username or password" and failed["trusted_device"] is False
    assert (locked["username"], locked["limit"], locked["level"]) == (ADMIN, "username", "warning")
    assert locked["retry_after"] > 0 and locked["request_id"]
    assert WRONG not in text and PASSWORD not in text


def test_mail_sent_and_mail_failed_are_logged_by_message_id_without_its_address_or_link(
    settings: Settings, tmp_path: Path
) -> None:
    with running(settings, tmp_path) as served:
        sent = served.invite("nina")
        served.mail.inbox.refusing.set()
        unsent = served.invite("omar")

        went = served.line(lambda line: line["event"] == "mail sent")
        failed = served.line(lambda line: line["event"].startswith("mail failed"))
        (message,) = served.mail.inbox.messages
        text = served.log.read_text()

    assert sent.json()["emailed"] is True and unsent.json()["emailed"] is False
    assert (went["message_id"], went["recipients"], went["level"]) == (message["Message-ID"], 1, "info")
    assert went["user"] == ADMIN and went["request_id"] == sent.headers["X-Request-ID"]
    assert failed["recipients"] == 1 and failed["level"] == "warning" and failed["message_id"]
    assert "nina@" not in text and "omar@" not in text and "token=" not in text


def test_an_unexpected_error_logs_its_error_id_as_a_field_of_the_line_with_its_traceback(
    settings: Settings, tmp_path: Path
) -> None:
    served = settings.model_copy(update={"secret_key": SecretStr(SECRET), "attachments_dir": tmp_path / "files"})
    app = build_application(served)
    programme_set_up(app)
    app.register_user(OPERATOR, ADMIN, COMMISSIONER_ID, Role.ADMINISTRATOR, quick_hash(PASSWORD))
    app.close()

    def broken(actor: CurrentActor) -> None:
        raise RuntimeError("a bug nobody foresaw")

    with logged_as_json() as written, client_of(served, raise_server_exceptions=False) as client:
        fastapi_app: FastAPI = client.app  # type: ignore[assignment]
        fastapi_app.add_api_route("/api/v1/broken", broken)
        token = client.post("/api/v1/auth/token", data={"username": ADMIN, "password": PASSWORD}).json()
        answer = client.get("/api/v1/broken", headers={"Authorization": f"Bearer {token['access_token']}"})
    lines = [json.loads(line) for line in written.getvalue().splitlines()]

    error_id = answer.json()["error_id"]
    (line,) = [line for line in lines if line.get("error_id") == error_id]
    assert answer.status_code == 500 and line["level"] == "error" and line["logger"] == "corral.http"
    assert "RuntimeError: a bug nobody foresaw" in line["exception"] and "Traceback" in line["exception"]
    assert line["request_id"] == answer.headers["X-Request-ID"] and line["user"] == ADMIN


@contextmanager
def logged_as_json() -> Iterator[io.StringIO]:
    """Everything logged in this process, formatted as a server formats it, into a buffer."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logs.formatter("json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield written
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_mail_from_the_outbox_is_logged_when_it_fails_with_its_attempt_and_when_it_is_sent_at_last(
    app: CorralApp, settings: Settings, tmp_path: Path
) -> None:
    with smtp_server() as mail:
        mailing = settings.model_copy(update={"smtp_host": mail.host, "smtp_port": mail.port})
        with views_of(mailing) as views, logged_as_json() as written:
            agreed = colin_and_alice(app)
            app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1 is due")
            views.caught_up(app)
            mail.inbox.refusing.set()
            refused = mailer(views, mailing).run_once()
            mail.inbox.refusing.clear()
            sent = mailer(views, mailing).run_once(datetime.now(UTC) + timedelta(hours=1))
        (message,) = mail.inbox.messages
    lines = [json.loads(line) for line in written.getvalue().splitlines()]

    failed = [line for line in lines if line["event"].startswith("mail failed")]
    went = [line for line in lines if line["event"] == "mail sent"]
    assert (refused, sent) == (0, 1)
    assert [(line["message_id"], line["attempts"], line["level"]) for line in failed] == [
        (message["Message-ID"], 1, "warning")
    ]
    assert "451" in failed[0]["error"] and failed[0]["retry_in"] > 0
    assert [(line["message_id"], line["recipients"], line["outbox"]) for line in went] == [
        (message["Message-ID"], 1, True)
    ]
    assert COLIN not in str([line for line in lines if line["logger"].startswith("corral")])
