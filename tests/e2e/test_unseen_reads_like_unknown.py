"""Something a caller may not see reads exactly like something that does not exist, on every route that names ids.

Ids are uuid5 of natural keys, so they can be guessed. For every GET and POST route of the app's own route table
whose path names ids (the API and the pages), and for each caller who may not see what the world's real ids name - a
provider of another commissioner's programme, a provider of the programme outside the scheme, another commissioner
and an administrator - the answer for the real ids is compared with the answer for random ones, each id replaced in
turn and then all at once: the same status, and the same body once every id is replaced by a placeholder.

The world is the access matrix's, built again for this module; the API's rows are its matrix's, so whom a route
hides a thing from is written once. The pages, and a few extra cases, have their rows below. A route that names ids
and has no row fails the test, as the matrix does.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from uuid import uuid4

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from api.main import create_app
from domain.actors import Role
from tests.builders import COMMUNITY_ID
from tests.e2e import test_api_access_matrix as matrix
from tests.e2e.test_api_access_matrix import (
    COMMUNITYS_OWN,
    FORBIDDEN,
    HIDDEN,
    MATRIX,
    REVIEW,
    USERS,
    Row,
    User,
    World,
    changes,
    commissioning,
    either,
    in_programme,
    in_scheme,
    lead,
    participant,
    provider,
    reads,
)

world = matrix.world  # the access matrix's world, built again (once per database) for this module

OUTSIDERS = ("oscar", "priya", "olga", "root")
CALLERS = tuple(user for user in USERS if user.name in OUTSIDERS)
RANDOM: dict[str, Callable[[], str]] = {
    "programme_id": lambda: str(uuid4()),
    "scheme_id": lambda: str(uuid4()),
    "submission_id": lambda: str(uuid4()),
    "provider_id": lambda: str(uuid4()),
    "organisation_id": lambda: str(uuid4()),
    "endpoint_id": lambda: str(uuid4()),
    "sha256": lambda: secrets.token_hex(32),
    "milestone_code": lambda: f"M{secrets.token_hex(4)}",
    "code": lambda: f"M{secrets.token_hex(4)}",
    "number": lambda: str(1000 + secrets.randbelow(9000)),
    "client_id": lambda: secrets.token_hex(
        12
    ),  # an API client's  # an evidence pack's: one never presented reads as unseen
}
# An identity provider's key (/auth/oidc/{provider}) names the server's configuration, the same to everyone.
NOT_IDS = {"quarter", "form", "provider"}
# A user account's username: whether an administrator may name another organisation's account is issue 14's item 2.
ELSEWHERE = {"username"}
PLACEHOLDER = "<id>"

CODE = {"code": "milestone_code"}
OWN = {"provider_id": "own"}  # the caller's own organisation, as a provider id
BOARD = either(commissioning, lead)
HISTORY = f"{REVIEW}/assessments/{{provider_id}}/{{milestone_code}}/history"
PAGE_REVIEW = "/schemes/{scheme_id}/quarters/{quarter}"
THE_COMMISSIONER = matrix.named("gill")
DECISION = {
    "provider_id": str(COMMUNITY_ID),
    "milestone_code": "M1",
    "version": "2",
    "status": "Met",
    "rationale": "ok",
}


def page_changes(sees: Callable[[User], bool]) -> Any:
    """A page's change: no role is turned away before the thing is looked up, so it is 404 to whoever may not see it."""
    return changes(*Role, sees=sees)


PAGES = (
    # An API client on the administrator's clients page: another organisation's reads as a made-up one.
    Row(
        "POST",
        "/clients/{client_id}/revoke",
        matrix.administers_account("feed", COMMUNITY_ID),
        form={"version": "2", "reason": "Replaced."},
    ),
    Row("GET", "/programmes/{programme_id}", reads(in_programme)),
    Row("GET", "/programmes/{programme_id}/payments", reads(in_programme)),
    Row("GET", "/programmes/{programme_id}/what-if", reads(in_programme)),
    # Only a commissioner ever continues a programme (403 to every other role, as over the API); asked without
    # confirming, the programme's own commissioner is shown what continuing does, and nothing is recorded.
    Row(
        "POST",
        "/programmes/{programme_id}/continuation",
        changes(Role.COMMISSIONER, sees=commissioning),
        form={"version": "1"},
    ),
    Row("GET", "/programmes/{programme_id}/audit", reads(commissioning)),
    # The payment rules page is the commissioner's side's; only its staff adopt (a blank reason here: nothing recorded).
    Row("GET", "/programmes/{programme_id}/payment-rules", reads(commissioning)),
    Row(
        "POST",
        "/programmes/{programme_id}/payment-rules",
        page_changes(THE_COMMISSIONER),
        form={"version": "1", "rules": "partial-60", "reason": " "},
    ),
    # The payment schedule: a basis that is no number, and a thirteenth month, so that nothing is recorded.
    Row(
        "POST",
        "/programmes/{programme_id}/on-account-basis",
        page_changes(THE_COMMISSIONER),
        form={"version": "1", "expected_achievement": "most", "approval_threshold": "1", "reason": "As last year."},
    ),
    Row(
        "POST",
        "/programmes/{programme_id}/statements",
        changes(Role.COMMISSIONER, Role.FINANCE_APPROVER, sees=in_programme, may=matrix.commissioning),
        form={"version": "0", "provider_id": str(COMMUNITY_ID), "month": "13"},
    ),
    # Setting up on the pages: the programme's commissioner alone; the forms sent here are refused, recording nothing.
    Row("GET", "/programmes/{programme_id}/providers/new", reads(THE_COMMISSIONER)),
    Row("GET", "/programmes/{programme_id}/schemes/new", reads(THE_COMMISSIONER)),
    Row(
        "POST",
        "/programmes/{programme_id}/providers",
        page_changes(THE_COMMISSIONER),
        form={"version": "1", "provider_id": str(COMMUNITY_ID), "contract_value": "lots", "cquin_rate": "2.5"},
    ),
    Row("POST", "/programmes/{programme_id}/schemes", page_changes(THE_COMMISSIONER), form={"version": "1"}),
    Row("POST", "/schemes/{scheme_id}/lead", page_changes(THE_COMMISSIONER), form={"version": "1"}),
    # Changing a scheme's terms: its commissioner alone; the form sent here has no reason, so it records nothing.
    Row("GET", "/schemes/{scheme_id}/terms", reads(THE_COMMISSIONER)),
    Row("POST", "/schemes/{scheme_id}/terms", page_changes(THE_COMMISSIONER), form={"version": "1"}),
    Row(
        "GET",
        "/programmes/{programme_id}/providers/{provider_id}/quarters",
        reads(either(commissioning, provider(COMMUNITY_ID))),
    ),
    Row("GET", "/schemes/{scheme_id}/agreement", reads(in_scheme)),
    # Importing schemes: the programme's commissioner alone; a workbook that is none, or not kept, is refused with 422.
    Row("GET", "/programmes/{programme_id}/import", reads(THE_COMMISSIONER)),
    Row(
        "POST",
        "/programmes/{programme_id}/import",
        page_changes(THE_COMMISSIONER),
        files={"workbook": ("schemes.xlsx", b"not a workbook", "application/octet-stream")},
    ),
    Row(
        "POST",
        "/programmes/{programme_id}/import/confirm",
        page_changes(THE_COMMISSIONER),
        form={"version": "1", "workbook": "0" * 64, "proof": "made up"},
    ),
    Row("GET", "/schemes/{scheme_id}/milestones/{code}/evidence", reads(participant), on=CODE),
    Row("GET", "/submissions/{submission_id}", reads(COMMUNITYS_OWN)),
    Row("GET", f"{PAGE_REVIEW}/board", reads(BOARD)),
    Row("GET", f"{PAGE_REVIEW}/review", reads(commissioning)),
    Row("GET", f"{PAGE_REVIEW}/assessments/{{provider_id}}", reads(COMMUNITYS_OWN)),
    Row("GET", f"{PAGE_REVIEW}/assessments/{{provider_id}}", reads(in_scheme), on=OWN),
    Row(
        "POST",
        "/schemes/{scheme_id}/milestones/{code}/evidence",
        page_changes(participant),
        form={"version": "0", "narrative": "Audit."},
        on=CODE,
    ),
    Row(
        "POST",
        "/schemes/{scheme_id}/milestones/{code}/withdrawal",
        page_changes(participant),
        form={"version": "1", "reason": "sent too early"},
        on=CODE,
    ),
    Row("POST", "/submissions/{submission_id}/acceptance", page_changes(COMMUNITYS_OWN), form={"version": "1"}),
    Row(
        "POST",
        "/submissions/{submission_id}/return",
        page_changes(COMMUNITYS_OWN),
        form={"version": "1", "comments": "please attach the audit"},
    ),
    Row(
        "POST", "/schemes/{scheme_id}/signatures", page_changes(in_scheme), form={"terms_version": "1", "version": "1"}
    ),
    Row(
        "POST",
        f"{PAGE_REVIEW}/nudges",
        page_changes(BOARD),
        form={"provider_id": str(COMMUNITY_ID), "version": "2", "message": "M2 is due"},
    ),
    Row("POST", f"{PAGE_REVIEW}/pack", page_changes(BOARD), form={"version": "2"}),
    Row("POST", f"{PAGE_REVIEW}/assessments", page_changes(commissioning), form=DECISION),
    Row("POST", f"{PAGE_REVIEW}/appeals", page_changes(commissioning), form=DECISION | {"reason": "on appeal"}),
    Row(
        "POST",
        f"{PAGE_REVIEW}/restatements",
        page_changes(commissioning),
        form=DECISION | {"reason": "figures restated after validation"},
    ),
    Row("POST", f"{PAGE_REVIEW}/query", page_changes(commissioning), form={"version": "2", "questions": "Why?"}),
    Row("POST", f"{PAGE_REVIEW}/closure", page_changes(commissioning), form={"version": "2"}),
    Row(
        "POST",
        f"{PAGE_REVIEW}/call-ins",
        page_changes(commissioning),
        form={"version": "2", "submission_id": "6f0c8a52-4c1e-5d7e-9a3b-2b7f3c1d9e41", "reason": "lead silent"},
    ),
)
# The history of a provider-milestone with the caller's own provider id: a real scheme must not answer 200 [].
EXTRA = (Row("GET", HISTORY, reads(in_scheme), on=OWN),)


def parameters(path: str) -> list[str]:
    """The names of a path's parameters, in order."""
    return [part.split("}")[0] for part in path.split("{")[1:]]


def names_ids(path: str) -> bool:
    """True when the path names an id (not only a quarter or a format), and none that is another item's."""
    names = set(parameters(path))
    return bool(names - NOT_IDS) and not names & ELSEWHERE


ROWS = tuple(row for row in MATRIX if names_ids(row.path)) + PAGES + EXTRA


def routes_naming_ids(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) of the app, API and pages, whose path names an id."""
    return {
        (method, context.path)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.path is not None
        for method in context.methods or ()
        if method != "HEAD" and names_ids(context.path)
    }


def test_every_route_that_names_ids_is_compared_and_every_id_it_names_can_be_made_up() -> None:
    routes, rows = routes_naming_ids(create_app()), {(row.method, row.path) for row in ROWS}
    names = {name for _, path in routes for name in parameters(path)}

    assert {"no row": sorted(routes - rows), "no such route": sorted(rows - routes)} == {
        "no row": [],
        "no such route": [],
    }
    assert names - NOT_IDS - set(RANDOM) == set()


def answer(world: World, row: Row, user: User, values: dict[str, str], ids: list[str]) -> tuple[int, str]:
    """The status of the row's request with these path values, and its body with every id in `ids` made a placeholder."""
    given = world.client.request(
        row.method,
        row.path.format(**values),
        headers=world.headers[user.name],
        json=row.json,
        data=row.form,
        files=row.files,
        follow_redirects=False,
    )
    world.client.cookies.clear()
    body = given.text
    for value in sorted(ids, key=len, reverse=True):
        body = body.replace(value, PLACEHOLDER)
    return given.status_code, body


def where_they_differ(one: str, other: str, around: int = 80) -> tuple[str, str]:
    """The two bodies from a little before the first character at which they differ."""
    at = next((i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other)))
    start = max(0, at - around // 4)
    return one[start : at + around], other[start : at + around]


def leaks(world: World, rows: tuple[Row, ...]) -> list[str]:
    """Each (row, caller, made-up ids) whose answer differs from the answer for the real ids, described."""
    found = []
    for row in rows:
        outsiders = [user for user in CALLERS if row.rule(user) in (HIDDEN, FORBIDDEN)]
        if not outsiders:
            found.append(
                f"{row.method} {row.path}: none of {', '.join(OUTSIDERS)} is kept from it, so nothing is compared"
            )
        for user in outsiders:
            values = world.values | {"me": user.name, "own": str(user.organisation)}
            real = {name: values[row.on.get(name, name)] for name in parameters(row.path)}
            named = [name for name in real if name in RANDOM]
            made_up = {name: RANDOM[name]() for name in named}
            ids = [real[name] for name in named] + list(made_up.values())
            expected = answer(world, row, user, real, ids)
            if row.method == "GET" and expected[0] != 404:
                found.append(f"GET {row.path} as {user.name} ({user.who}): {expected[0]}, not 404, for the real ids")
            for changed in [[name] for name in named] + [named]:
                got = answer(world, row, user, real | {name: made_up[name] for name in changed}, ids)
                if got != expected:
                    theirs, ours = where_they_differ(got[1], expected[1])
                    found.append(
                        f"{row.method} {row.path} as {user.name} ({user.who}), {' and '.join(changed)} made up: "
                        f"{got[0]} {theirs!r} where the real ones give {expected[0]} {ours!r}"
                    )
    return found


def assert_alike(world: World, rows: tuple[Row, ...]) -> None:
    found = leaks(world, rows)
    assert not found, f"{len(found)} answers tell a real id from a made-up one:\n" + "\n".join(found)


def test_a_read_of_a_real_thing_that_is_not_yours_reads_like_a_read_of_nothing(world: World) -> None:
    assert_alike(world, tuple(row for row in ROWS if row.method == "GET"))


def test_a_change_to_a_real_thing_that_is_not_yours_reads_like_a_change_to_nothing(world: World) -> None:
    assert_alike(world, tuple(row for row in ROWS if row.method != "GET"))
