"""Every error is an answer, never a crash: bad input is a 422 naming the parameter, a store that cannot be used a
503 with Retry-After, and anything unexpected a problem+json 500 whose error id is in the log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.conftest import POSTGRES_URL, _postgres_dsn
from tests.e2e.serving import client_of
from tests.integration.given import Agreed, agreed_scheme

PASSWORD = "a long enough password"


@dataclass
class Served:
    client: TestClient
    agreed: Agreed
    settings: Settings

    def headers(self, username: str = "gill") -> dict[str, str]:
        token = self.client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
        return {"Authorization": f"Bearer {token['access_token']}"}


def _given(settings: Settings) -> tuple[Agreed, int]:
    """An agreed scheme with its commissioner gill and provider colin; and the log's head."""
    app = build_application(settings)
    agreed = agreed_scheme(app)
    app.register_user(OPERATOR, "gill", COMMISSIONER_ID, Role.COMMISSIONER, quick_hash(PASSWORD))
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD))
    head = app.recorder.max_notification_id() or 0
    app.close()
    return agreed, head


@contextmanager
def serving(settings: Settings) -> Iterator[Served]:
    """A server projecting in its process, once its views hold what was given."""
    agreed, head = _given(settings)
    with client_of(settings, raise_server_exceptions=False) as client:
        served = Served(client, agreed, settings)
        assert client.get("/api/v1/programmes", params={"after": head}, headers=served.headers()).status_code == 200
        yield served


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[Served]:
    with serving(_signed(settings, tmp_path)) as running:
        yield running


def _signed(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={"secret_key": SecretStr("e" * 48), "attachments_dir": tmp_path / "files", "embedded_projector": True}
    )


OUT_OF_RANGE = [
    ("before", str(2**63)),
    ("before", str(10**30)),
    ("before", str(-(10**30))),
    ("before", "0"),
    ("since", "0001-01-01T00:00:00+05:00"),
    ("until", "9999-12-31T23:59:59-05:00"),
    ("since", str(10**30)),
    ("user", "gill\x00"),
]


@pytest.mark.parametrize("name,value", OUT_OF_RANGE)
def test_an_audit_filter_out_of_range_is_a_422_naming_it(served: Served, name: str, value: str) -> None:
    audit = f"/api/v1/programmes/{served.agreed.programme_id}/audit"

    answer = served.client.get(audit, params={name: value}, headers=served.headers())
    csv = served.client.get(f"{audit}.csv", params={name: value}, headers=served.headers())

    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in answer.json()["errors"]] == [name]
    if name in ("since", "until"):
        assert csv.status_code == 422 and [e["field"] for e in csv.json()["errors"]] == [name]


def test_the_widest_moments_there_are_filter_nothing_out(served: Served) -> None:
    audit = f"/api/v1/programmes/{served.agreed.programme_id}/audit"
    widest = {"since": "0001-01-01T00:00:00Z", "until": "9999-12-31T23:59:59.999999", "before": str(2**63 - 1)}

    everything = served.client.get(audit, headers=served.headers()).json()["entries"]
    answer = served.client.get(audit, params=widest, headers=served.headers())
    csv = served.client.get(
        f"{audit}.csv", params={"since": widest["since"], "until": widest["until"]}, headers=served.headers()
    )

    assert answer.status_code == 200 and answer.json()["entries"] == everything and len(everything) > 5
    assert csv.status_code == 200 and len(csv.text.splitlines()) == len(everything) + 1


def test_the_audit_page_answers_every_filter_it_is_given(served: Served) -> None:
    served.client.post("/sign-in", data={"username": "gill", "password": PASSWORD, "next": "/"})
    page = f"/programmes/{served.agreed.programme_id}/audit"

    too_far = served.client.get(page, params={"before": str(2**63)})
    nul = served.client.get(page, params={"user": "\x00"})
    widest = {"since-day": "1", "since-month": "1", "since-year": "0001"}
    last_day = served.client.get(page, params=widest | {"until-day": "31", "until-month": "12", "until-year": "9999"})

    assert too_far.status_code == 422 and "before" in too_far.text
    assert nul.status_code == 422 and "user" in nul.text
    assert last_day.status_code == 200 and "audit trail" in last_day.text


def test_a_programme_id_that_is_no_id_is_a_422_not_a_crash(served: Served) -> None:
    for path in ("progress", "payments", "progress.csv", "payments.xlsx"):
        answer = served.client.get(f"/api/v1/programmes/%00nul/{path}", headers=served.headers())

        assert answer.status_code == 422, (path, answer.text)


def test_an_unexpected_error_is_a_problem_with_an_error_id_that_is_in_the_log(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("a bug nobody foresaw")

    served.client.app.add_api_route("/api/v1/broken", broken)  # type: ignore[attr-defined]
    served.client.app.add_api_route("/broken-page", broken)  # type: ignore[attr-defined]

    with caplog.at_level(logging.ERROR, logger="corral.http"):
        answer = served.client.get("/api/v1/broken")
        page = served.client.get("/broken-page")

    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    error_id = answer.json()["error_id"]
    assert re.fullmatch(r"[0-9a-f]{16}", error_id)
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None and "a bug nobody foresaw" in str(logged[0].exc_info[1])
    assert "a bug nobody foresaw" not in answer.text
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    page_id = re.search(r"error id ([0-9a-f]{16})", page.text)
    assert page_id and any(page_id.group(1) in r.getMessage() for r in caplog.records)


def _stop_sqlite(served: Served, database: Path) -> Path:
    """The database's folder goes away, and the server's pooled connections with it (as on a restart of the pool)."""
    moved = database.parent.with_name(database.parent.name + "-gone")
    database.parent.rename(moved)
    state = served.client.app.state  # type: ignore[attr-defined]
    state.view_database.engine.dispose()
    state.corral.recorder.datastore.engine.dispose()
    return moved


@pytest.fixture
def stoppable(settings: Settings, tmp_path: Path) -> Iterator[tuple[Served, Settings]]:
    """A server on a store the test can stop: on PostgreSQL through a role of its own, which can be refused."""
    if settings.sqlite_path() is None:
        role = f"r_{settings.database_schema}"
        admin = psycopg2.connect(_postgres_dsn())
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {role} LOGIN")
            cursor.execute(f"GRANT ALL ON SCHEMA {settings.database_schema} TO {role}")
        settings = settings.model_copy(update={"database_url": POSTGRES_URL.replace("//postgres@", f"//{role}@")})
    else:
        folder = tmp_path / "store"
        folder.mkdir()
        settings = settings.model_copy(update={"database_url": f"sqlite:///{folder / 'corral.sqlite3'}"})
    signed = _signed(settings, tmp_path)
    try:
        with serving(signed) as running:
            yield running, signed
    finally:
        if signed.sqlite_path() is None:
            with admin.cursor() as cursor:
                cursor.execute(f"ALTER ROLE {role} LOGIN")
                cursor.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'")
                cursor.execute(f"DROP OWNED BY {role} CASCADE")
                cursor.execute(f"DROP ROLE {role}")
            admin.close()


def test_a_stopped_database_is_a_503_with_retry_after_and_the_server_comes_back_with_it(
    stoppable: tuple[Served, Settings],
) -> None:
    served, settings = stoppable
    gill = served.headers()
    served.client.post("/sign-in", data={"username": "gill", "password": PASSWORD, "next": "/"})
    submissions = f"/api/v1/schemes/{served.agreed.scheme_id}/milestones/M1/submissions"
    colin = served.headers("colin")
    database = settings.sqlite_path()
    if database is None:
        role = settings.database_url.split("//")[1].split("@")[0]
        admin = psycopg2.connect(_postgres_dsn())
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"ALTER ROLE {role} NOLOGIN")
            cursor.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'")
    else:
        moved = _stop_sqlite(served, database)

    read = served.client.get("/api/v1/programmes", headers=gill)
    write = served.client.post(submissions, json={"narrative": "Audit attached.", "attachments": []}, headers=colin)
    page = served.client.get("/programmes")
    unready = served.client.get("/readyz")

    if database is None:
        with admin.cursor() as cursor:
            cursor.execute(f"ALTER ROLE {role} LOGIN")
        admin.close()
    else:
        moved.rename(database.parent)
    again = served.client.get("/api/v1/programmes", headers=gill)

    for answer in (read, write):
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert int(answer.headers["retry-after"]) > 0
        assert "database is unavailable" in answer.json()["detail"]
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert int(page.headers["retry-after"]) > 0 and "Try again in a moment" in page.text
    assert again.status_code == 200
    assert unready.status_code == 503 and unready.json()["status"] == "unavailable"
    assert unready.json()["database"].startswith("the event store cannot be used")
    assert served.client.get("/readyz").status_code == 200
