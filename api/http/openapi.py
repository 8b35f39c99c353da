"""The OpenAPI document as a client is generated from it: operationIds from the routes' names, described tags, one
schema per model, and every error a route can give as problem+json.

The errors are derived from each route, never listed by hand: from its method, its path parameters, its body and
the dependencies it declares (signing in, the command path of api/http/commands.py, the sign-in ledger), so a route
added later is described by the same rules. A route's own `responses` are kept, and take precedence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel, Field

from api.http.commands import get_command
from api.http.deps import Ledger, get_actor, get_claims
from api.http.errors import PROBLEM
from api.http.paging import paging
from api.http.session import SAFE_METHODS
from api.http.examples import EXAMPLES

TAGS: list[dict[str, str]] = [
    {"name": "health", "description": "Whether the process is up and whether this server can serve."},
    {
        "name": "auth",
        "description": "Signing in (OAuth2 password flow or a browser session), signing out, who you are.",
    },
    {"name": "programmes", "description": "Programmes, their progress, money, forecast and what-if."},
    {
        "name": "set-up",
        "description": "Organisations, programmes, providers joining, schemes drafted, agreed and signed.",
    },
    {"name": "schemes", "description": "One scheme's money, in total and by quarter."},
    {"name": "payments", "description": "Payment rules, payment on account and the monthly statements."},
    {"name": "submissions", "description": "Evidence submitted, revised, withdrawn, accepted or returned."},
    {
        "name": "reviews",
        "description": "A scheme-quarter's packs, queries, call-ins, assessments, appeals and closure.",
    },
    {"name": "packs", "description": "The evidence packs presented, as PDF and ZIP."},
    {
        "name": "boards",
        "description": "Work views: a provider's dashboard, a scheme-quarter's board, queues and audit.",
    },
    {"name": "attachments", "description": "Evidence files: uploaded once, downloaded by whoever may read them."},
    {"name": "exports", "description": "The JSON reads as CSV and Excel workbooks."},
    {"name": "users", "description": "Accounts: opened, described, their passwords changed, disabled."},
    {"name": "administration", "description": "An organisation's administrator: invitations, roles, grants, its name."},
    {"name": "notifications", "description": "Your inbox of notices and how you hear of them by email."},
    {"name": "api clients", "description": "Other systems' clients of an organisation: registered, listed, revoked."},
    {
        "name": "webhooks",
        "description": "An organisation's endpoints told of events it may read, and their deliveries.",
    },
]


class FieldFault(BaseModel):
    """One input at fault, and what is wrong with it."""

    field: str = Field(description="the input's path, e.g. `milestones.2.title`; `body` for the whole body")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem, as every error of this API is sent (application/problem+json)."""

    type: str = Field("about:blank", description="always about:blank: `title` and `rule` say what happened")
    title: str = Field(description="what kind of problem, in words")
    status: int = Field(description="the HTTP status")
    detail: str = Field(description="what happened, as a sentence a person reads")
    rule: str | None = Field(None, description="the broken rule's name, e.g. `SubmissionLocked`")
    field: str | None = Field(None, description="the input the rule is about, to show beside it")
    errors: list[FieldFault] | None = Field(None, description="each input at fault (422)")
    error_id: str | None = Field(None, description="a fault's id, as the server logged it (500, 503)")
    store: str | None = Field(None, description="the store that cannot be used now (503)")


RETRY_AFTER = {"description": "seconds to wait before trying again", "schema": {"type": "integer"}}
ETAG = {
    "description": 'the version of what the answer is about, for If-Match, e.g. `"3"`',
    "schema": {"type": "string"},
}
REPLAYED = {
    "description": "`true` when this answer is the one the first request with the same Idempotency-Key got",
    "schema": {"type": "string"},
}
NEXT_LINK = {
    "description": '`<…>; rel="next"` (RFC 8288): the address of the next page, absent on the last',
    "schema": {"type": "string"},
}
BINARY = {"type": "string", "format": "binary"}
VERSIONED: dict[int | str, dict[str, Any]] = {200: {"headers": {"ETag": ETAG}}}
"""A read that answers with a version as the ETag declares `responses=VERSIONED`."""

PARAMETER_NOTES = {
    "If-Match": "the ETag of what this changes, as last read; 412 when it has moved on",
    "Idempotency-Key": "a key of the client's choosing: a repeat with the same key acts once and answers as the first",
}


def install(app: FastAPI) -> None:
    """Serve the document built here at /openapi.json, built once per app."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, one schema per model, with its errors, headers and examples."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        separate_input_output_schemas=False,
    )
    models = schema.setdefault("components", {}).setdefault("schemas", {})
    models.pop("HTTPValidationError", None)
    models.pop("ValidationError", None)
    models["FieldFault"] = FieldFault.model_json_schema()
    models["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    models["Problem"].pop("$defs", None)
    for route in _documented(app):
        for method in route.methods or ():
            operation = schema["paths"][route.path_format][method.lower()]
            _describe(operation, route, method)
    return schema


def _documented(app: FastAPI) -> Iterator[RouteContext]:
    """Each route in the document, as mounted (its path and dependencies with its router's)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.include_in_schema:
            yield context


def _describe(operation: dict[str, Any], route: RouteContext, method: str) -> None:
    responses: dict[str, Any] = operation["responses"]
    if "HTTPValidationError" in str(responses.get("422")):  # FastAPI's: the server sends a problem instead
        del responses["422"]
    for code, text in errors_of(route, method).items():
        responses.setdefault(str(code), {"description": text})
    for status, answer in responses.items():
        # The API's refusals, and the sign-in flow's (a browser gets a page, any other client the problem).
        if status >= "400" and (route.path_format or "").startswith(("/api/", "/auth/")):
            # A route's own error model stays beside the problem: the token endpoint's OAuth2 errors (RFC 6749 §5.2).
            own = answer.get("content", {}).get("application/json")
            answer["content"] = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
            if own is not None and "$ref" in own.get("schema", {}):
                answer["content"]["application/json"] = own
            if status in ("429", "503"):
                answer.setdefault("headers", {})["Retry-After"] = RETRY_AFTER
    for answer in responses.values():
        for media in answer.get("content", {}).values():
            media.setdefault("schema", BINARY)  # a file, its type as the media type says
    if _uses(route, get_command):
        for status, answer in responses.items():
            if status.startswith("2"):
                answer.setdefault("headers", {}).update({"ETag": ETAG, "Idempotent-Replayed": REPLAYED})
    if _uses(route, paging):
        responses["200"].setdefault("headers", {})["Link"] = NEXT_LINK
    for parameter in operation.get("parameters", []):
        note = PARAMETER_NOTES.get(parameter["name"]) if parameter["in"] == "header" else None
        if note is not None:
            parameter.setdefault("description", note)
    examples = EXAMPLES.get(route.name)
    if examples is not None:
        examples.put(operation)


def errors_of(route: RouteContext, method: str) -> dict[int, str]:
    """The statuses a route may answer with a problem, and why, from what the route declares."""
    command = _uses(route, get_command)
    signed_in = _uses(route, get_actor) or _uses(route, get_claims)
    throttled = _uses(route, _dependency_of(Ledger))
    path: str = route.path_format or ""
    by_path = "{" in path
    params = route.dependant  # flattened: its own parameters and its dependencies'
    has_input = by_path or bool(params.query_params or params.header_params or route.body_field)
    rules: list[tuple[bool, int, str]] = [
        (command, 400, "If-Match is not an ETag this API gave"),
        (signed_in, 401, "not signed in: no token or session cookie, or one that has ended"),
        (throttled and not signed_in, 401, "the username or password is wrong"),
        (
            command or (signed_in and method not in SAFE_METHODS),
            403,
            "not allowed: a role that never does this, a rule of who may, or a session cookie without its CSRF token",
        ),
        (by_path or command, 404, "not found, or not yours to see (both read the same)"),
        (command, 409, "a conflict: it exists already, or another change came first"),
        (command, 412, "If-Match names a version that has moved on: read it again"),
        (route.body_field is not None, 413, "the body is larger than this route takes"),
        (has_input or command, 422, "an input is not valid (each named), or a rule of the domain refuses it"),
        (throttled, 429, "too many wrong passwords: wait as Retry-After says"),
        (
            path.startswith("/api/"),
            503,
            "the database or the attachments folder cannot be used now, or"
            " the views did not catch up in time: try again after Retry-After",
        ),
    ]
    return {code: text for applies, code, text in rules if applies}


def _uses(route: RouteContext, dependency: Callable[..., Any]) -> bool:
    return any(d.call is dependency for d in _dependencies(route.dependant))


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for inner in dependant.dependencies:
        yield inner
        yield from _dependencies(inner)


def _dependency_of(alias: Any) -> Callable[..., Any]:
    """The callable an `Annotated[T, Depends(f)]` alias depends on."""
    dependency: Callable[..., Any] = get_args(alias)[1].dependency
    return dependency
