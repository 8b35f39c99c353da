"""Every error as RFC 9457 problem+json, mapped from domain errors in this one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from domain.programme_errors import ProgrammeAlreadyContinuedError
from domain.errors import (
    StaleVersionError,
    AlreadyExistsError,
    ConcurrentChangeError,
    DomainError,
    Namer,
    NotFoundError,
    NotPermittedError,
)
from domain.application import Corral
from domain.limits import InvalidInputError

PROBLEM = "application/problem+json"
# The paths that answer JSON; every other path is a page, and a page's error is shown as a page.
API_PATHS = ("/api/", "/healthz", "/readyz", "/openapi.json", "/asyncapi.json", "/docs", "/redoc")

Pages = Callable[[Request, int, str, str], Response]
"""Draws an error page: the request, the status, a title and what to tell the reader (the composition root hands
in the page layer's)."""
STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (StaleVersionError, status.HTTP_412_PRECONDITION_FAILED),
    (NotPermittedError, status.HTTP_403_FORBIDDEN),
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (AlreadyExistsError, status.HTTP_409_CONFLICT),
    (ProgrammeAlreadyContinuedError, status.HTTP_409_CONFLICT),
    (ConcurrentChangeError, status.HTTP_409_CONFLICT),
    (DomainError, status.HTTP_422_UNPROCESSABLE_CONTENT),
]


def is_api(path: str) -> bool:
    """True for a path that answers JSON, not a page."""
    return path.startswith(API_PATHS[0]) or path in API_PATHS[1:]


def wants_page(request: Request) -> bool:
    """True for a browser asking for a page: HTML accepted, at a path that is not the API's."""
    return not is_api(request.url.path) and "text/html" in request.headers.get("accept", "")


def problem(status_code: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem+json response; its detail is a sentence, as a person reads it."""
    body = {"type": "about:blank", "title": title, "status": status_code, "detail": sentence(detail), **extra}
    return JSONResponse(jsonable_encoder(body), status_code=status_code, media_type=PROBLEM)


def status_of(error: DomainError) -> int:
    """The HTTP status a broken domain rule is answered with, for an API client and a page alike."""
    return next(code for kind, code in STATUS_BY_ERROR if isinstance(error, kind))


def sentence(text: str) -> str:
    """The text with its first letter upper case, as a message a person reads starts."""
    return text[:1].upper() + text[1:]


def organisation_names(corral: Corral) -> Namer:
    """Organisations by name, as every signed-in user may read them (GET /organisations)."""

    def name(organisation_id: UUID) -> str:
        try:
            return corral.organisation(organisation_id).name
        except NotFoundError:
            return "an organisation no longer registered"

    return name


def _unnamed(organisation_id: UUID) -> str:
    return "a provider"


def domain_problem(error: DomainError, names: Namer = _unnamed) -> JSONResponse:
    """The problem a broken domain rule becomes, naming the rule, and the field when the rule is about one; any
    organisation it concerns is named by `names`."""
    code = status_of(error)
    rule = error.rule()
    if isinstance(error, InvalidInputError):
        return _fields_problem([{"field": error.field, "message": error.message}], rule=rule)
    about = {"field": error.field} if error.field else {}  # the input the rule is about, to show beside it
    return problem(code, _words(rule), error.described(names), rule=rule, **about)


def _fields_problem(fields: list[dict[str, str]], **extra: Any) -> JSONResponse:
    """422 naming each field at fault, the same for the request's shape and the domain's limits on input."""
    detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return problem(status.HTTP_422_UNPROCESSABLE_CONTENT, "The request is not valid", detail, errors=fields, **extra)


def install(app: FastAPI, pages: Pages | None = None) -> None:
    """Register the handlers that turn errors into problems; with `pages`, an HTTP error a browser meets outside
    the page routes (an address no route has, a method a route does not take) is drawn as a page."""

    @app.exception_handler(DomainError)
    def domain_error(request: Request, error: DomainError) -> JSONResponse:
        return domain_problem(error, organisation_names(request.app.state.corral))

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(part) for part in e["loc"][1:]) or "body", "message": e["msg"]}
            for e in error.errors()
        ]
        return _fields_problem(fields)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException) -> Response:
        title, detail = _title(error.status_code), str(error.detail)
        if pages is not None and wants_page(request):
            response = pages(request, error.status_code, title, detail)
        else:
            response = problem(error.status_code, title, detail)
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response


def _words(rule: str) -> str:
    spaced = "".join(f" {c.lower()}" if c.isupper() else c for c in rule).strip()
    return spaced[:1].upper() + spaced[1:]


def _title(status_code: int) -> str:
    return {401: "Not signed in", 403: "Not allowed", 404: "Not found", 409: "Conflict"}.get(status_code, "Error")
