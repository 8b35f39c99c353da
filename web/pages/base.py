"""What every page shares: templates, the signed-in viewer, security headers and errors shown as pages."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.http.deps import CorralApp, CurrentActor, ProgressReadings, ServerSettings, SessionClaims
from api.http.session import csrf_token
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.application import Corral
from domain.errors import ConcurrentChangeError, DomainError, NotFoundError, NotPermittedError
from domain.limits import WIDE, InvalidInputError
from domain.milestones import contract_year_label
from domain.payments import pounds
from domain.quarter_review import ReviewStatus
from domain.scheme import SchemeStatus
from domain.submission import SubmissionStatus
from projections.progress.queries.reading import AWAITING, NOT_YET_DUE
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


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the pages need them: who, for which organisation, and the session's CSRF token."""

    actor: Actor
    organisation: str
    csrf: str

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
    return Viewer(actor, organisation, csrf_token(claims.token_id, settings.signing_key()))


CurrentViewer = Annotated[Viewer, Depends(get_viewer)]


@dataclass(frozen=True)
class Page:
    """What a page route works with: the request, the viewer, the application and the progress views."""

    request: Request
    viewer: Viewer
    corral: Corral
    readings: ProgressView

    def show(self, template: str, context: Mapping[str, Any], failure: FormFailure | None = None) -> HTMLResponse:
        """The page; 422 when it shows a form the server refused."""
        return render(
            self.request, template, {**context, "failure": failure}, self.viewer, 200 if failure is None else 422
        )

    def act(self, action: Callable[[], Any], form: str, values: Mapping[str, Any], again: Again, done: str) -> Response:
        """Run a use case, then go to `done` once the views include it; a broken rule shows the form again."""
        recorded, error = attempt(action)
        if error is not None:
            return again(refused(form, values, error))
        return see_other(after(done, recorded.position))


async def get_page(request: Request, viewer: CurrentViewer, corral: CorralApp, readings: ProgressReadings) -> Page:
    """The page's request, viewer, application and views."""
    return Page(request, viewer, corral, readings)


CurrentPage = Annotated[Page, Depends(get_page)]
# The version of the record a change form acts on, as the page showed it: a hidden field in every change form.
SeenVersion = Annotated[int, Form()]


Again = Callable[["FormFailure"], Response]


@dataclass
class FormFailure:
    """A form the server refused: which form, what the user typed, and the errors by field id."""

    form: str
    values: Mapping[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)


# Which field a refused rule is about, so the error summary links to it; an InvalidInputError names its own field.
FIELD_OF_RULE = {
    "InvalidEvidence": "narrative",
    "FiguresRequired": "numerator",
    "CommentsRequired": "comments",
    "ReasonRequired": "reason",
    "RationaleRequired": "rationale",
    "StatusDisagreesWithFigures": "status",
    "AttachmentRefused": "files",
    "AttachmentNotUploaded": "files",
    "StatusRequired": "status",
}

# The form field that carries an input the domain names otherwise: files uploaded become the evidence's attachments.
FIELD_OF_INPUT = {"attachments": "files"}

STALE_FORM = "Someone else changed this first: reload the page to see their change, then try again"


def refused(form: str, values: Mapping[str, Any], error: DomainError) -> FormFailure:
    """The failure to show for a domain rule the form broke; a form older than the record says so plainly."""
    if isinstance(error, ConcurrentChangeError):
        return FormFailure(form, values, [(f"{form}-submit", STALE_FORM)])
    if isinstance(error, InvalidInputError):
        name = FIELD_OF_INPUT.get(error.field.split(".")[0], error.field.split(".")[0])
        shown = name if name in values or name in FIELD_OF_INPUT.values() else "submit"
        message = str(error)
        return FormFailure(form, values, [(f"{form}-{shown}", message[:1].upper() + message[1:])])
    rule = type(error).__name__.removesuffix("Error")
    return FormFailure(form, values, [(f"{form}-{FIELD_OF_RULE.get(rule, 'submit')}", str(error))])


def attempt(action: Callable[[], Any]) -> tuple[Any, DomainError | None]:
    """Run a use case; a broken rule is returned to show on the form, but not-found and not-permitted become pages."""
    try:
        return action(), None
    except (NotFoundError, NotPermittedError):
        raise
    except DomainError as error:
        return None, error


def render(
    request: Request, template: str, context: Mapping[str, Any], viewer: Viewer | None, status_code: int = 200
) -> HTMLResponse:
    """A page from its template, with the viewer and the path for the layout."""
    html = environment.get_template(template).render(
        {**context, "viewer": viewer, "path": request.url.path, "Role": Role}
    )
    return HTMLResponse(html, status_code=status_code)


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
            except NotFoundError as error:
                response = _error_page(request, 404, "Page not found", str(error))
            except NotPermittedError as error:
                response = _error_page(request, 403, "You cannot do that", str(error))
            except DomainError as error:
                response = _error_page(request, 422, "That could not be done", str(error))
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
