"""A bounded schemathesis run against /openapi.json: nothing a client sends yields a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr

from api.main import create_app
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import OPERATOR, COMMUNITY_ID, quick_hash
from tests.integration.given import agreed_scheme

PASSWORD = "a long enough password"
TOKEN: dict[str, str] = {}
SEEN: list[int] = []


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    served = Settings(
        database_url=f"sqlite:///{folder / 'corral.sqlite3'}",
        secret_key=SecretStr("f" * 48),
        attachments_dir=folder / "files",
    )
    app = build_application(served)
    agreed_scheme(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    fastapi_app = create_app(served)
    with TestClient(fastapi_app) as client:
        token = client.post("/api/v1/auth/token", data={"username": "colin", "password": PASSWORD}).json()
        TOKEN["Authorization"] = f"Bearer {token['access_token']}"
    # schemathesis runs the app's lifespan itself: one at a time, as one server per SQLite file projects.
    yield schemathesis.openapi.from_asgi("/openapi.json", fastapi_app)


def test_no_request_makes_the_server_fail(api_schema: Any) -> None:
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case: Any) -> None:
            response = case.call(headers=TOKEN)
            SEEN.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        call()

    assert failures == []
    assert len(SEEN) > 100 and any(code < 300 for code in SEEN)
