"""Your inbox: your organisation's notices, newest first; mark one or all read; choose how you hear of them by email."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query
from fastapi.responses import Response

from api.http.commands import FormAct
from api.http.deps import NotificationsReadings, ViewsAfter
from domain.notifications import LAST_POSITION, EmailChoice
from domain.service import Recorded
from projections.notifications.queries import email_choice, inbox, require_own_notices
from projections.notifications.view import NotificationsView
from web.pages.base import CurrentPage, FormFailure, Page, page_router

router = page_router("/inbox")
INBOX = "/inbox"
CHOICES = [
    (EmailChoice.IMMEDIATE.value, "At once", "An email for each notice, as it happens."),
    (EmailChoice.DAILY.value, "Once a day", "One email a day listing the day's notices."),
    (EmailChoice.OFF.value, "Never", "Notices only here, in your inbox."),
]


def _inbox_page(
    page: Page,
    view: NotificationsView,
    unread: bool = False,
    before: int | None = None,
    failure: FormFailure | None = None,
) -> Response:
    username = page.viewer.actor.user_id
    shown = inbox(view, username, unread_only=unread, before=before)
    context = {
        "title": "Your inbox",
        "inbox": shown,
        "unread_only": unread,
        "version": page.corral.user_account(username).version,
        "choice": email_choice(view, username),
        "choices": CHOICES,
    }
    return page.show("inbox.html", context, failure)


@router.get("")
def inbox_page(
    page: CurrentPage,
    view: NotificationsReadings,
    _: ViewsAfter,
    unread: bool = False,
    before: Annotated[int | None, Query(ge=1, le=LAST_POSITION)] = None,
) -> Response:
    """Your organisation's notices, newest first, unread ones marked."""
    return _inbox_page(page, view, unread, before)


@router.post("/read")
def read(
    page: CurrentPage,
    act: FormAct,
    view: NotificationsReadings,
    notice: Annotated[str, Form()] = "",
    up_to: Annotated[int | None, Form(ge=0, le=LAST_POSITION)] = None,
) -> Response:
    """Mark one notice read, or (with `up_to`, the newest shown) every notice up to it."""

    def mark() -> Recorded:
        named = [notice] if notice else []
        if named:
            require_own_notices(view, act.actor.user_id, named)
        return act.corral.read_notifications(act.actor, named, up_to, act.expected_version)

    form = "read-all" if up_to is not None else f"read-{notice}"
    return page.act(act, mark, form, {}, lambda failure: _inbox_page(page, view, failure=failure), INBOX)


@router.post("/email")
def email(
    page: CurrentPage, act: FormAct, view: NotificationsReadings, choice: Annotated[str, Form()] = ""
) -> Response:
    """Choose how you hear of your notices by email."""
    return page.act(
        act,
        lambda: act.corral.choose_email(act.actor, choice, act.expected_version),
        "email",
        {"choice": choice},
        lambda failure: _inbox_page(page, view, failure=failure),
        INBOX,
    )
