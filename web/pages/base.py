"""What every page shares: templates, the signed-in viewer, security headers and errors shown as pages."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.http.commands import Command, Refusal, described, refused
from api.http.deps import CorralApp, CurrentActor, ProgressReadings, ServerSettings, SessionClaims
from api.http.session import csrf_token
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.application import Corral
from domain.errors import ConcurrentChangeError, DomainError
from domain.limits import WIDE
from domain.milestones import contract_year_label
from domain.payments import pounds
from domain.quarter_review import ReviewStatus
from domain.scheme import SchemeStatus
from domain.service import Recorded
from domain.submission import SubmissionStatus
from domain.user_account import named
from projections.progress.queries.reading import AWAITING, NOT_YET_DUE
from web.pages.flash import Flash, carry, forget, taken
from projections.progress.view import ProgressView

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
# Each status word the views give, and the colour of its tag; the word itself is always shown.
TAG_COLOURS = {
    AssessmentStatus.MET.value: "green",
    AssessmentStatus.PARTIALLY_MET.value: "yellow",
    AssessmentStatus.NOT_MET.value: "red",
    AssessmentStatus.NOT_APPLICABLE.value: "grey",
    SubmissionStatus.PRESENTED.value: "purple",
    SubmissionStatus.ACCEPTED.value: "aqua-green",
    SubmissionStatus.SUBMITTED.value: "blue",
    SubmissionStatus.RETURNED.value: "orange",
    SubmissionStatus.WITHDRAWN.value: "grey",
    AWAITING: "white",
    NOT_YET_DUE: "grey",
    ReviewStatus.OPEN.value: "blue",
    ReviewStatus.PRESENTED.value: "purple",
    ReviewStatus.QUERIED.value: "orange",
    ReviewStatus.CLOSED.value: "grey",
    SchemeStatus.DRAFT.value: "yellow",
    SchemeStatus.AGREED.value: "green",
    SchemeStatus.VARYING.value: "orange",
}


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"£{pounds(value):,.2f}"


def _percent(value: Decimal | None, places: int = 1) -> str:
    if value is None:
        return "–"
    with localcontext(WIDE):
        scaled = value * 100
    # Figures recorded before the limits on input may be beyond any sensible rate: never write out a huge number.
    return f"{scaled:.{places}f}%" if not scaled.is_finite() or scaled.adjusted() < 15 else f"{scaled:.3E}%"


environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True
)
environment.filters["money"] = _money
environment.filters["percent"] = _percent
environment.filters["year"] = contract_year_label
environment.globals["tag_colour"] = lambda status: TAG_COLOURS.get(str(status), "white")
# Each change form carries a key made as it is drawn: sent twice, it acts once (api/http/commands.py's FormAct).
environment.globals["idempotency_key"] = lambda: secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the pages need them: who, for which organisation, and the session's CSRF token."""

    actor: Actor
    organisation: str
    csrf: str
    display_name: str = ""

    @property
    def name(self) -> str:
        """`Priya Shah (dpt.quality)`, or the username alone for someone without a name."""
        return named(self.display_name, self.actor.user_id)

    @property
    def is_provider(self) -> bool:
        """True for provider staff."""
        return self.actor.role is Role.PROVIDER

    @property
    def sees_everything(self) -> bool:
        """True for the commissioner's staff and auditors."""
        return self.actor.role in (Role.COMMISSIONER, Role.AUDITOR)


def get_viewer(actor: CurrentActor, claims: SessionClaims, settings: ServerSettings, corral: CorralApp) -> Viewer:
    """The signed-in viewer; without a session the page redirects to sign in."""
    organisation = corral.organisation(actor.organisation_id).name
    name = corral.user_account(actor.user_id).display_name
    return Viewer(actor, organisation, csrf_token(claims.token_id, settings.signing_key()), name)


CurrentViewer = Annotated[Viewer, Depends(get_viewer)]


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
        confirmed: Flash | None = None,
    ) -> Response:
        """Run a use case on the command path, once per form key, then go to `done` (saying `confirmed` there) once the
        views include it; a refusal shows the form again. `asked`: what the form asks, when more than its values."""
        request = f"{self.request.url.path} {form} {described(values if asked is None else asked)}"
        outcome = command.attempt(request, action)
        if isinstance(outcome, Refusal):
            return self.refused(outcome, form, values, again)
        going = see_other(after(done, outcome.position))
        return going if confirmed is None else carry(going, self.request, confirmed)

    def refused(self, refusal: Refusal, form: str, values: Mapping[str, Any], again: Again) -> Response:
        """The form again with why it was refused; what the viewer may not see or do is a page of its own."""
        if refusal.status in ERROR_TITLES:
            return _error_page(self.request, refusal.status, ERROR_TITLES[refusal.status], refusal.detail)
        return again(failure_of(refusal, form, values))


async def get_page(request: Request, viewer: CurrentViewer, corral: CorralApp, readings: ProgressReadings) -> Page:
    """The page's request, viewer, application and views."""
    return Page(request, viewer, corral, readings)


CurrentPage = Annotated[Page, Depends(get_page)]


Again = Callable[["FormFailure"], Response]


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


def failure_of(refusal: Refusal, form: str, values: Mapping[str, Any]) -> FormFailure:
    """The form's errors for a refusal: at each input out of limits, else at the input the rule is about, else at the
    button; a form older than the record says so plainly."""
    if refusal.rule is not None and issubclass(refusal.rule, ConcurrentChangeError):
        errors = [(f"{form}-submit", STALE_FORM)]
    elif refusal.inputs:
        errors = [(f"{form}-{_input(name, values)}", _sentence(f"{name}: {text}")) for name, text in refusal.inputs]
    else:
        about = refusal.rule.field if refusal.rule is not None else None
        errors = [(f"{form}-{_input(about, values)}", refusal.detail)]
    return FormFailure(form, values, errors, refusal.status)


def _input(name: str | None, values: Mapping[str, Any]) -> str:
    """The form's field for an input the domain names (its first part, for a dotted path); the button if none."""
    shown = FIELD_OF_INPUT.get(name.split(".")[0], name.split(".")[0]) if name else "submit"
    return shown if shown in values or shown in FIELD_OF_INPUT.values() else "submit"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def render(
    request: Request, template: str, context: Mapping[str, Any], viewer: Viewer | None, status_code: int = 200
) -> HTMLResponse:
    """A page from its template, with the viewer and the path for the layout."""
    flash = taken(request) if viewer is not None else None
    html = environment.get_template(template).render(
        {**context, "viewer": viewer, "path": request.url.path, "Role": Role, "flash": flash}
    )
    response = HTMLResponse(html, status_code=status_code)
    forget(response, request)
    return response


def see_other(url: str) -> RedirectResponse:
    """Post-redirect-get: the page to show after a change."""
    return RedirectResponse(url, status_code=303)


def after(url: str, position: int) -> str:
    """A page's address that waits until the views include a change just made."""
    return f"{url}{'&' if '?' in url else '?'}after={position}"


def _error_page(request: Request, status_code: int, title: str, detail: str) -> HTMLResponse:
    return render(request, "error.html", {"title": title, "detail": detail, "status": status_code}, None, status_code)


def fault_page(request: Request, status_code: int, title: str, detail: str) -> Response:
    """The error page for what no page answers itself (a store unavailable, a fault, a body too large)."""
    response = _error_page(request, status_code, title, detail)
    response.headers.update(SECURITY_HEADERS)
    return response


class PageRoute(APIRoute):
    """A page: security headers on every answer; no session goes to sign in, and errors are pages, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await handler(request)
            except HTTPException as error:
                response = _http_error(request, error)
            except DomainError as error:
                refusal = refused(error)
                title = ERROR_TITLES.get(refusal.status, "That could not be done")
                response = _error_page(request, refusal.status, title, refusal.detail)
            except RequestValidationError as error:
                response = _invalid(request, error)
            response.headers.update(SECURITY_HEADERS)
            return response

        return page


def _invalid(request: Request, error: RequestValidationError) -> HTMLResponse:
    """422 naming the query parameters that are out of bounds; any other part of the address or form, 404."""
    named = sorted({str(e["loc"][1]) for e in error.errors() if e["loc"][0] == "query" and len(e["loc"]) > 1})
    if named:
        detail = f"This address asks for something out of range: check {', '.join(named)}."
        return _error_page(request, 422, "That address is not valid", detail)
    return _error_page(request, 404, "Page not found", "The address or the form sent was not one this service knows.")


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
