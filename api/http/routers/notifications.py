"""Your inbox: the notices for your organisation, newest first, which you have read, and how you hear of them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut, described
from api.http.deps import CurrentActor, NotificationsReadings, ViewsAfter
from api.http.reads import json_read
from api.http.routing import api_router
from domain.notifications import LAST_POSITION, MOST_READ_AT_ONCE, EmailChoice, notice_ids
from domain.service import Recorded
from projections.notifications.queries import MAX_LIMIT, Inbox, inbox, require_own_notices

router = api_router("/me", tags=["notifications"])


class ReadIn(BaseModel):
    ids: list[str] = Field(default=[], max_length=MOST_READ_AT_ONCE, description="notices read, by id")
    all: bool = Field(default=False, description="every notice in your inbox now is read")
    up_to: int | None = Field(default=None, ge=0, le=LAST_POSITION, description="every notice up to this position")


class EmailIn(BaseModel):
    choice: EmailChoice


@router.get("/notifications", response_model=Inbox)
def my_notifications(
    actor: CurrentActor,
    view: NotificationsReadings,
    _: ViewsAfter,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    before: Annotated[int | None, Query(ge=1, le=LAST_POSITION)] = None,
) -> Any:
    """Your organisation's notices, newest first (only unread ones if asked), with how many are unread."""
    shown = inbox(view, actor.user_id, unread_only=unread, limit=limit, before=before)
    return json_read(asdict(shown))


@router.post("/notifications/read", response_model=RecordedOut)
def mark_notifications_read(body: ReadIn, act: Act, view: NotificationsReadings) -> JSONResponse:
    """Mark notices of your inbox read: some by id, every one up to a position, or all there are now."""

    def mark() -> Recorded:
        ids = notice_ids(body.ids)
        require_own_notices(view, act.actor.user_id, ids)
        up_to = inbox(view, act.actor.user_id, limit=1).newest if body.all else body.up_to
        return act.corral.read_notifications(act.actor, ids, up_to, act.expected_version)

    return act.run(f"read notifications {described(body)}", mark)


@router.post("/email", response_model=RecordedOut)
def choose_email(body: EmailIn, act: Act) -> JSONResponse:
    """Choose how you hear of your notices by email: immediate, daily (one digest a day) or off."""
    return act.run(
        f"email {described(body)}", lambda: act.corral.choose_email(act.actor, body.choice.value, act.expected_version)
    )
