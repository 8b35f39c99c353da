"""What every page route shares: the page it works with, forms refused and shown again, and errors shown as pages."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.http.commands import Command, Refusal, Replayed, described, refused
from api.http.deps import CorralApp, ProgressReadings
from domain.application import Corral
from domain.errors import ConcurrentChangeError, DomainError
from domain.service import Recorded
from web.pages.flash import Flash, carry
from projections.progress.view import ProgressView
from web.pages.rendering import PLAIN_WORDS, SECURITY_HEADERS, error_page, render, session_viewer
from web.pages.viewer import CurrentViewer, Viewer


@dataclass(frozen=True)
class Page:
    """What a page route works with: the request, the viewer, the application and the progress views."""

    request: Request
    viewer: Viewer
    corral: Corral
    readings: ProgressView

    def show(self, template: str, context: Mapping[str, Any], failure: FormFailure | None = None) -> HTMLResponse:
        """The page; with the refusal's status when it shows a form the server refused."""
        status_code = 200 if failure is None else failure.status
        return render(self.request, template, {**context, "failure": failure}, self.viewer, status_code)

    def act(
        self,
        command: Command,
        action: Callable[[], Recorded],
        form: str,
        values: Mapping[str, Any],
        again: Again,
        done: str,
        asked: Mapping[str, Any] | None = None,
        confirmed: Flash | Callable[[], Flash] | None = None,
        placed: Placed | None = None,
    ) -> Response:
        """Run a use case on the command path, once per form key, then go to `done` (saying `confirmed` there) once the
        views include it; a refusal shows the form again. `asked`: what the form asks, when more than its values;
        `confirmed` may be a function, to say what the action found once it is done: a repeat of the form (the same
        key) is not told again, so a function that sends mail sends it once. `placed`: where a form shows an input the
        domain names by its path, and what it calls it."""
        request = f"{self.request.url.path} {form} {described(values if asked is None else asked)}"
        outcome = command.attempt(request, action)
        if isinstance(outcome, Refusal):
            return self.refused(outcome, form, values, again, placed)
        going = see_other(after(done, outcome.position))
        if confirmed is None or (callable(confirmed) and isinstance(outcome, Replayed)):
            return going
        return carry(going, self.request, confirmed() if callable(confirmed) else confirmed)

    def refused(
        self, refusal: Refusal, form: str, values: Mapping[str, Any], again: Again, placed: Placed | None = None
    ) -> Response:
        """The form again with why it was refused; what the viewer may not see or do is a page of its own."""
        if refusal.status in ERROR_TITLES:
            return error_page(self.request, refusal.status, ERROR_TITLES[refusal.status], refusal.detail, self.viewer)
        return again(failure_of(refusal, form, values, placed))


async def get_page(request: Request, viewer: CurrentViewer, corral: CorralApp, readings: ProgressReadings) -> Page:
    """The page's request, viewer, application and views."""
    return Page(request, viewer, corral, readings)


CurrentPage = Annotated[Page, Depends(get_page)]


Again = Callable[["FormFailure"], Response]
# Where a form shows an input the domain names by its path (`milestones.1.measure.maximum`): the input's name in the
# form (`m2-maximum`) and what the page calls it (`Milestone 2 maximum`).
Placed = Callable[[str], tuple[str, str]]


@dataclass
class FormFailure:
    """A form the server refused: which form, what the user typed, the errors by field id, and the status."""

    form: str
    values: Mapping[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)
    status: int = 422


# The form field that carries an input the domain names otherwise: files uploaded become the evidence's attachments.
FIELD_OF_INPUT = {"attachments": "files"}
# What a refusal with these statuses is shown as: a page of its own, not the form again.
ERROR_TITLES = {404: "Page not found", 403: "You cannot do that"}

STALE_FORM = "Someone else changed this first: reload the page to see their change, then try again"


def failure_of(refusal: Refusal, form: str, values: Mapping[str, Any], placed: Placed | None = None) -> FormFailure:
    """The form's errors for a refusal: at each input out of limits, else at the input the rule is about, else at the
    button; a form older than the record says so plainly. `placed` finds and names the inputs, when given."""
    if refusal.rule is not None and issubclass(refusal.rule, ConcurrentChangeError):
        errors = [(f"{form}-submit", STALE_FORM)]
    elif placed is not None:
        field = (refusal.rule.field if refusal.rule is not None else None) or ""
        named = refusal.inputs or ((field, refusal.detail),)
        errors = [place_error(form, placed, name, text) for name, text in named]
    elif refusal.inputs:
        errors = [(f"{form}-{_input(name, values)}", _sentence(f"{name}: {text}")) for name, text in refusal.inputs]
    else:
        about = refusal.rule.field if refusal.rule is not None else None
        errors = [(f"{form}-{_input(about, values)}", refusal.detail)]
    return FormFailure(form, values, errors, refusal.status)


def place_error(form: str, placed: Placed, name: str, text: str) -> tuple[str, str]:
    """The form's error for an input named by its path: at the input the form shows it in, named as the page names it."""
    shown, label = placed(name)
    return f"{form}-{shown}", _sentence(f"{label}: {text}" if label else text)


def _input(name: str | None, values: Mapping[str, Any]) -> str:
    """The form's field for an input the domain names (its first part, for a dotted path); the button if none."""
    shown = FIELD_OF_INPUT.get(name.split(".")[0], name.split(".")[0]) if name else "submit"
    return shown if shown in values or shown in FIELD_OF_INPUT.values() else "submit"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def see_other(url: str) -> RedirectResponse:
    """Post-redirect-get: the page to show after a change."""
    return RedirectResponse(url, status_code=303)


def after(url: str, position: int) -> str:
    """A page's address that waits until the views include a change just made."""
    return f"{url}{'&' if '?' in url else '?'}after={position}"


def _error_page(request: Request, status_code: int, title: str, detail: str) -> HTMLResponse:
    viewer = None if status_code == 503 else session_viewer(request)
    return error_page(request, status_code, title, detail, viewer)


class PageRoute(APIRoute):
    """A page: security headers on every answer; no session goes to sign in, and errors are pages, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await handler(request)
            except (HTTPException, DomainError, RequestValidationError) as error:
                # The error page shows who is signed in, which reads the accounts: off the event loop.
                response = await run_in_threadpool(_error_answer, request, error)
            response.headers.update(SECURITY_HEADERS)
            return response

        return page


def page_router(prefix: str = "") -> APIRouter:
    """A router of pages (`PageRoute`s), outside the API's document, each route made with its whole path."""
    return APIRouter(route_class=PageRoute, prefix=prefix, include_in_schema=False)


def _error_answer(request: Request, error: HTTPException | DomainError | RequestValidationError) -> Response:
    if isinstance(error, HTTPException):
        return _http_error(request, error)
    if isinstance(error, RequestValidationError):
        return _invalid(request, error)
    refusal = refused(error)
    title = ERROR_TITLES.get(refusal.status, "That could not be done")
    return _error_page(request, refusal.status, title, refusal.detail)


def _invalid(request: Request, error: RequestValidationError) -> HTMLResponse:
    """422 naming the query parameters that are out of bounds; any other part of the address or form, 404."""
    named = sorted({str(e["loc"][1]) for e in error.errors() if e["loc"][0] == "query" and len(e["loc"]) > 1})
    if named:
        detail = f"This address asks for something out of range: check {', '.join(named)}."
        return _error_page(request, 422, "That address is not valid", detail)
    return _error_page(request, 404, *PLAIN_WORDS[404])


def _http_error(request: Request, error: HTTPException) -> Response:
    if error.status_code == 401:
        target = request.url.path if request.method == "GET" else "/"
        return see_other(f"/sign-in?next={quote(target)}")
    if error.status_code == 403:
        return _error_page(
            request, 403, "You cannot do that", "The form had expired or did not come from this service: try again."
        )
    if error.status_code == 503:
        return _error_page(request, 503, "Try again in a moment", str(error.detail))
    return _error_page(request, error.status_code, "Something went wrong", str(error.detail))
