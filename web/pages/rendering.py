"""How a page is drawn: its template with the filters, the signed-in viewer, the security headers, and errors drawn
as pages in the full layout, both for a route's own errors and for what no route answered."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.http.deps import session_of
from domain.achievement import AssessmentStatus
from domain.actors import Role
from domain.on_account import month_label
from domain.milestones import contract_year_label
from domain.quarter_review import ReviewStatus
from domain.scheme import SchemeStatus
from domain.submission import SubmissionStatus
from projections.progress.queries.reading import AWAITING, NOT_YET_DUE, OVERDUE
from projections.notifications.view import NotificationsView
from projections.registry import view_of
from web.pages import formats, thresholds
from web.pages.flash import forget, taken
from web.pages.viewer import Viewer, viewer_of

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
    OVERDUE: "red",
    SubmissionStatus.CALLED_IN.value: "purple",
    "late": "orange",
    NOT_YET_DUE: "grey",
    ReviewStatus.OPEN.value: "blue",
    ReviewStatus.PRESENTED.value: "purple",
    ReviewStatus.QUERIED.value: "orange",
    ReviewStatus.CLOSED.value: "grey",
    SchemeStatus.DRAFT.value: "yellow",
    SchemeStatus.AGREED.value: "green",
    SchemeStatus.VARYING.value: "orange",
}


environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True
)
environment.filters.update(money=formats.money, percent=formats.percent, day=formats.day, moment=formats.moment)
environment.filters["year"] = contract_year_label
environment.filters["month_name"] = month_label
environment.filters.update(threshold=thresholds.threshold, baseline=thresholds.baseline)
environment.globals["milestone_name"] = formats.milestone_name
environment.globals["tag_colour"] = lambda status: TAG_COLOURS.get(str(status), "white")
# Each change form carries a key made as it is drawn: sent twice, it acts once (api/http/commands.py's FormAct).
environment.globals["idempotency_key"] = lambda: secrets.token_urlsafe(24)


def render(
    request: Request, template: str, context: Mapping[str, Any], viewer: Viewer | None, status_code: int = 200
) -> HTMLResponse:
    """A page from its template, with the viewer, the path for the layout, and once the confirmation of what the
    viewer just did (web/pages/flash.py)."""
    flash = taken(request) if viewer is not None else None
    html = environment.get_template(template).render(
        {**context, "viewer": viewer, "path": request.url.path, "Role": Role, "flash": flash}
    )
    response = HTMLResponse(html, status_code=status_code)
    forget(response, request)
    return response


def session_viewer(request: Request) -> Viewer | None:
    """Whoever the session cookie signs in, for an error page drawn outside a route; None for no one, or for someone
    who cannot be looked up now. It reads the accounts: call it from a worker thread."""
    try:
        session = session_of(request)
        if session is None:
            return None
        claims, actor = session
        state = request.app.state
        return viewer_of(
            actor, claims.token_id, state.settings.signing_key(), state.corral, view_of(state.views, NotificationsView)
        )
    except Exception:  # an error page is drawn whatever else fails: then without the navigation
        return None


def error_page(request: Request, status_code: int, title: str, detail: str, viewer: Viewer | None) -> HTMLResponse:
    """An error as a page in the full layout (header, the viewer's navigation, footer) with a way back home."""
    context = {"title": title, "detail": detail, "status": status_code}
    response = render(request, "error.html", context, viewer, status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


# What a page says for a status that says it all, whatever the server's words for it.
PLAIN_WORDS = {
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.",
    ),
    405: (
        "That cannot be done at this address",
        "This page does not take that kind of request. Go back to the page you were on and try again.",
    ),
}


def fault_page(request: Request, status_code: int, title: str, detail: str) -> HTMLResponse:
    """The page for what no page route answered: an address no page has, a method it does not take, a store
    unavailable (when no one is looked up), a fault, a body too large."""
    title, detail = PLAIN_WORDS.get(status_code, (title, detail))
    viewer = None if status_code == 503 else session_viewer(request)
    return error_page(request, status_code, title, detail, viewer)
