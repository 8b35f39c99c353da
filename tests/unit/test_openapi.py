"""The OpenAPI document is one a client can be generated from: named operations, described tags, one schema per
model, every error a problem, the command headers, and examples that fit their schemas; a route added later is
described by the same rules without a word of its own."""

from __future__ import annotations

import json
import re
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from api.http import openapi
from api.http.commands import Act, RecordedOut
from api.http.errors import PROBLEM, domain_problem, problem
from api.http.paging import DEFAULT_PAGE, LARGEST_PAGE
from api.http import routing
from api.main import create_app
from domain.errors import NotPermittedError
from domain.limits import InvalidInputError

OPERATION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


class NoteIn(BaseModel):
    note: str


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    schema: dict[str, Any] = create_app().openapi()
    return schema


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in document["paths"].items() for method, op in item.items()]


def test_every_operation_has_a_unique_snake_case_operation_id_of_its_own_naming(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(document)]

    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    assert [i for i in ids if "_api_v1_" in i or i.endswith(tuple(f"_{m}" for m in METHODS))] == []
    assert len(ids) == len(set(ids))


def test_every_operation_has_a_documented_tag_and_every_tag_a_description(document: dict[str, Any]) -> None:
    tags = {tag["name"]: tag.get("description") for tag in document["tags"]}

    assert [op["operationId"] for _, _, op in operations(document) if not set(op.get("tags", ())) & set(tags)] == []
    assert [name for name, description in tags.items() if not description] == []


def test_each_model_has_one_schema_with_a_meaningful_name(document: dict[str, Any]) -> None:
    names = list(document["components"]["schemas"])

    assert [n for n in names if "__" in n or n.endswith(("-Input", "-Output"))] == []
    assert "HTTPValidationError" not in names and "ValidationError" not in names


def test_every_error_is_documented_as_a_problem(document: dict[str, Any]) -> None:
    errors = [
        (op["operationId"], code, answer)
        for _, _, op in operations(document)
        for code, answer in op["responses"].items()
        if code >= "400" and op["operationId"] != "readyz"  # readiness says which part is not ready, as when ready
    ]

    assert errors
    assert [(i, code) for i, code, answer in errors if answer["content"][PROBLEM] != {"schema": PROBLEM_REF}] == []
    oauth = [(i, code) for i, code, answer in errors if "application/json" in answer["content"]]
    assert oauth == [("sign_in", "400"), ("sign_in", "401")]  # the token endpoint also answers in OAuth2's words


def test_the_problem_schema_names_every_member_the_server_sends() -> None:
    sent = [
        problem(404, "Not found", "there is no such programme"),
        problem(503, "Try again in a moment", "the database cannot be used now", error_id="e1", store="database"),
        domain_problem(NotPermittedError("only commissioner staff do this")),
        domain_problem(InvalidInputError("reason", "give a reason")),
    ]

    for response in sent:
        body = json.loads(bytes(response.body))
        assert set(body) <= set(openapi.Problem.model_fields), body
        openapi.Problem.model_validate(body)


def test_the_statuses_follow_from_what_each_operation_declares(document: dict[str, Any]) -> None:
    paths = document["paths"]

    def codes(method: str, path: str) -> set[str]:
        return set(paths[f"/api/v1{path}"][method]["responses"])

    accept = paths["/api/v1/submissions/{submission_id}/acceptance"]["post"]
    assert {"400", "401", "403", "404", "409", "412", "422", "503"} <= codes(
        "post", "/submissions/{submission_id}/acceptance"
    )
    assert set(accept["responses"]["200"]["headers"]) == {"ETag", "Idempotent-Replayed"}
    assert {p["name"] for p in accept["parameters"] if p["in"] == "header"} == {"Idempotency-Key", "If-Match"}
    assert codes("get", "/programmes/{programme_id}/payments") == {"200", "401", "404", "422", "503"}
    assert codes("get", "/me") == {"200", "401", "503"}
    assert {"401", "429"} <= codes("post", "/auth/token") and "404" not in codes("post", "/auth/token")
    assert "Retry-After" in paths["/api/v1/auth/token"]["post"]["responses"]["429"]["headers"]
    assert "Retry-After" in paths["/api/v1/me"]["get"]["responses"]["503"]["headers"]
    assert "ETag" in paths["/api/v1/submissions/{submission_id}"]["get"]["responses"]["200"]["headers"]


def test_a_route_added_later_is_described_by_the_same_rules_without_a_word_of_its_own() -> None:
    router = routing.api_router(tags=["submissions"])

    @router.post("/things/{thing_id}/notes", response_model=RecordedOut)
    def add_note(thing_id: UUID, body: NoteIn, act: Act) -> JSONResponse:
        raise NotImplementedError

    app = FastAPI(generate_unique_id_function=routing.operation_id)
    app.router.routes.extend(routing.routes_of([router]))
    openapi.install(app)

    operation = app.openapi()["paths"]["/api/v1/things/{thing_id}/notes"]["post"]

    assert operation["operationId"] == "add_note"
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "409", "412", "413", "422", "503"}
    assert operation["responses"]["409"]["content"][PROBLEM]["schema"] == PROBLEM_REF
    assert "ETag" in operation["responses"]["200"]["headers"]


def test_the_main_operations_have_examples_that_fit_their_schemas(document: dict[str, Any]) -> None:
    examples = []
    for _, _, op in operations(document):
        bodies = [*op.get("requestBody", {}).get("content", {}).values()]
        bodies += [media for answer in op["responses"].values() for media in answer.get("content", {}).values()]
        examples += [(op["operationId"], media["schema"], media["example"]) for media in bodies if "example" in media]

    named = {operation_id for operation_id, _, _ in examples}
    assert {"sign_in", "submit_evidence", "return_submission", "accept_submission", "present_pack", "assess"} <= named
    assert {"read_dashboard", "read_progress", "read_payments"} <= named
    for operation_id, schema, example in examples:
        validator = Draft202012Validator({**schema, "components": document["components"]})
        assert [e.message for e in validator.iter_errors(example)] == [], operation_id


def test_every_list_a_page_at_a_time_describes_its_limit_its_cursor_and_the_link_to_the_next_page(
    document: dict[str, Any],
) -> None:
    paged = {
        op["operationId"]: op
        for _, _, op in operations(document)
        if any(p["name"] == "cursor" for p in op.get("parameters", []))
    }

    assert {"list_programmes", "read_dashboard", "list_organisations", "api_clients", "list_webhooks"} <= set(paged)
    for name, op in paged.items():
        limit = next(p for p in op["parameters"] if p["name"] == "limit")["schema"]
        assert (limit["default"], limit["maximum"]) == (DEFAULT_PAGE, LARGEST_PAGE), name
        assert 'rel="next"' in op["responses"]["200"]["headers"]["Link"]["description"], name
    for name in ("list_programmes", "read_dashboard"):
        assert "year" in {p["name"] for p in paged[name]["parameters"]}
