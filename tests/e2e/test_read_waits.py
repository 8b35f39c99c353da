"""Read-your-writes (`?after=`) against a real server: a position the log has not reached is refused at once, and
a read waiting for the views holds no worker thread, so one user's waits cannot starve everyone else's requests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import SecretStr

from api.http.deps import VIEWS_WAIT
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from domain.actors import Role
from projections.runner import catch_up
from tests.builders import COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from bench.servers import Served, served
from tests.e2e.serving import run
from tests.integration.given import Agreed, agreed_scheme

PASSWORD = "a long enough password"
FLOOD = 80
PROMPT = 0.8 * VIEWS_WAIT  # seconds: more than the flood takes to answer on a loaded machine, less than one wait


@dataclass
class Stage:
    """A served scheme and signed-in tokens; whether its server projects is up to the fixture."""

    server: Served
    settings: Settings
    agreed: Agreed
    tokens: dict[str, str]

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def submit(self) -> int:
        answer = httpx.post(
            f"{self.server.http}/api/v1/schemes/{self.agreed.scheme_id}/milestones/M1/submissions",
            json={"narrative": "Safety plans audited.", "attachments": []},
            headers=self.headers("colin"),
        )
        assert answer.status_code == 201, answer.text
        return int(answer.json()["position"])


def stage_on(settings: Settings, projects: bool) -> Iterator[Stage]:
    signed = settings.model_copy(update={"secret_key": SecretStr("k" * 48), "embedded_projector": projects})
    app = build_application(signed)
    agreed = agreed_scheme(app)
    for username, organisation_id, role in (
        ("colin", COMMUNITY_ID, Role.PROVIDER),
        ("gill", COMMISSIONER_ID, Role.COMMISSIONER),
    ):
        app.register_user(OPERATOR, username, organisation_id, role, quick_hash(PASSWORD))
    database, projections = build_views(signed)
    catch_up(app, projections)  # the views start at the head, projected or not
    database.close()
    app.close()
    with served(signed) as server:
        tokens = {
            user: httpx.post(f"{server.http}/api/v1/auth/token", data={"username": user, "password": PASSWORD}).json()[
                "access_token"
            ]
            for user in ("colin", "gill")
        }
        yield Stage(server, signed, agreed, tokens)


@pytest.fixture
def projected(settings: Settings) -> Iterator[Stage]:
    yield from stage_on(settings, projects=True)


@pytest.fixture
def unprojected(settings: Settings) -> Iterator[Stage]:
    """No projector runs: the views stay where they were when the server started, until a test projects."""
    yield from stage_on(settings, projects=False)


async def flood_and_bystander(stage: Stage, after: int) -> tuple[list[httpx.Response], float, float, httpx.Response]:
    """`FLOOD` reads at once with `after`, and a bystander's /me once they are all sent: every read's answer, the
    seconds the slowest of them took, the seconds the bystander took, and its answer."""
    progress = f"/api/v1/programmes/{stage.agreed.programme_id}/progress"
    limits = httpx.Limits(max_connections=FLOOD + 1)
    async with httpx.AsyncClient(base_url=stage.server.http, limits=limits, timeout=30) as http:

        async def timed(path: str, user: str, **params: int) -> tuple[httpx.Response, float]:
            started = time.monotonic()
            answer = await http.get(path, params=params, headers=stage.headers(user))
            return answer, time.monotonic() - started

        reads = [asyncio.create_task(timed(progress, "gill", after=after)) for _ in range(FLOOD)]
        await asyncio.sleep(0.3)  # every read is in by now
        me, bystander = await timed("/api/v1/me", "colin")
        answers = await asyncio.gather(*reads)
    return [a for a, _ in answers], max(t for _, t in answers), bystander, me


def test_reads_waiting_for_a_position_beyond_the_log_are_refused_at_once_and_a_bystander_is_not_kept_waiting(
    projected: Stage,
) -> None:
    answers, slowest, bystander, me = run(flood_and_bystander(projected, after=10**12))

    assert {a.status_code for a in answers} == {422}
    assert "after" in answers[0].json()["detail"].lower()
    assert slowest < PROMPT and bystander < PROMPT and me.status_code == 200


def test_a_negative_position_is_refused_naming_after(projected: Stage) -> None:
    answer = httpx.get(
        f"{projected.server.http}/api/v1/programmes/{projected.agreed.programme_id}/progress",
        params={"after": -1},
        headers=projected.headers("gill"),
    )

    assert answer.status_code == 422 and "after" in answer.json()["detail"].lower()


def test_reads_waiting_on_views_that_do_not_move_hold_no_worker_thread_and_end_in_a_503_to_retry(
    unprojected: Stage,
) -> None:
    position = unprojected.submit()  # recorded, never projected while the test runs

    answers, slowest, bystander, me = run(flood_and_bystander(unprojected, after=position))

    assert {a.status_code for a in answers} == {503}
    assert all(a.headers["Retry-After"] for a in answers)
    assert 0.9 * VIEWS_WAIT < slowest < 2 * VIEWS_WAIT  # each waited its time out, all at once
    assert bystander < PROMPT and me.status_code == 200


def test_a_read_waits_for_its_own_write_and_sees_it(projected: Stage) -> None:
    position = projected.submit()

    read = httpx.get(
        f"{projected.server.http}/api/v1/programmes/{projected.agreed.programme_id}/progress",
        params={"after": position},
        headers=projected.headers("gill"),
    )

    assert read.status_code == 200 and read.json()["counts"].get("submitted", 0) == 1


def test_a_read_waits_for_views_projected_by_another_process_and_ends_as_soon_as_they_arrive(
    unprojected: Stage,
) -> None:
    position = unprojected.submit()

    async def scenario() -> tuple[httpx.Response, float]:
        async with httpx.AsyncClient(base_url=unprojected.server.http, timeout=30) as http:
            started = time.monotonic()
            reading = asyncio.create_task(
                http.get(
                    f"/api/v1/programmes/{unprojected.agreed.programme_id}/progress",
                    params={"after": position},
                    headers=unprojected.headers("gill"),
                )
            )
            await asyncio.sleep(0.5)
            await asyncio.to_thread(project, unprojected.settings)  # as `corral projector` would
            return await reading, time.monotonic() - started

    read, seconds = run(scenario())

    assert read.status_code == 200 and read.json()["counts"].get("submitted", 0) == 1
    assert seconds < 0.9 * VIEWS_WAIT  # not the wait's timeout


def project(settings: Settings) -> None:
    app = build_application(settings)
    database, projections = build_views(settings)
    try:
        catch_up(app, projections)
    finally:
        database.close()
        app.close()
