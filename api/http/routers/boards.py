"""The provider's home, the lead's collation board and the audit trail, each for those who may read it."""

from __future__ import annotations

from dataclasses import asdict
import json
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.http.access import audit_access, board_access, may_read_assessments, may_read_dashboard
from api.http.deps import CorralApp, CurrentActor, ProgressReadings, ViewsAfter
from api.http.params import MAX_POSITION, FilterText, Moment
from api.http.routers.programmes import Money
from domain.actors import Actor
from domain.history import assessment_history
from domain.milestones import Quarter
from projections.audit.queries import AuditPage, audit_trail
from projections.audit.view import AuditView
from projections.progress.collation import collation_board
from projections.progress.dashboard import provider_dashboard
from projections.progress.view import ProgressView
from projections.registry import view_of

router = APIRouter(tags=["boards"])


@router.get("/providers/{provider_id}/dashboard")
def dashboard(provider_id: UUID, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> Any:
    """Your organisation's schemes, milestones soonest first, evidence, assessments and money."""
    may_read_dashboard(actor, provider_id)
    return _json(
        [
            asdict(d) | {"money": Money.of(d.money).model_dump(mode="json")}
            for d in provider_dashboard(readings, str(provider_id))
        ]
    )


@router.get("/schemes/{scheme_id}/quarters/{quarter}/board")
def board(scheme_id: UUID, quarter: Quarter, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> Any:
    """Who has sent what, who is missing, the nudges and whether the pack is ready: for the lead and commissioner."""
    board_access(readings, actor, str(scheme_id))
    return _json(asdict(collation_board(readings, str(scheme_id), quarter)))


@router.get("/programmes/{programme_id}/audit")
def audit(
    request: Request,
    programme_id: UUID,
    actor: CurrentActor,
    readings: ProgressReadings,
    _: ViewsAfter,
    scheme_id: UUID | None = None,
    provider_id: UUID | None = None,
    quarter: Quarter | None = None,
    user: Annotated[FilterText | None, Query(description="the acting user's id")] = None,
    since: Moment | None = None,
    until: Moment | None = None,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_POSITION, description="the next_before of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Any:
    """The audit trail, newest first, a page at a time: for the commissioner and the auditor."""
    page = audit_page(
        request,
        programme_id,
        actor,
        readings,
        scheme_id=scheme_id,
        provider_id=provider_id,
        quarter=quarter,
        actor=user,
        since=since,
        until=until,
        before_position=before,
        limit=limit,
    )
    return _json({"entries": [asdict(e) for e in page.entries], "next_before": page.next_before})


def audit_page(
    request: Request, programme_id: UUID, reader: Actor, readings: ProgressView, **filters: Any
) -> AuditPage:
    """A page of the programme's audit trail (`audit_trail`'s filters), if the reader may read it."""
    audit_access(readings, reader, str(programme_id))
    return audit_trail(view_of(request.app.state.views, AuditView), programme_id=programme_id, **filters)


def _json(value: Any) -> Response:
    """JSON for the reads, encoded in one pass: Decimals as exact strings, never floats; moments in ISO 8601."""
    text = json.dumps(value, default=_plain, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(text, media_type="application/json")


def _plain(value: Any) -> Any:
    """What JSON cannot hold as it is, as it is written instead."""
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} has no JSON form")


@router.get("/schemes/{scheme_id}/quarters/{quarter}/assessments/{provider_id}/{milestone_code}/history")
def assessment_history_of(
    scheme_id: UUID, quarter: Quarter, provider_id: UUID, milestone_code: str, actor: CurrentActor, corral: CorralApp
) -> Any:
    """Every decision on one provider-milestone, oldest first, with the exact evidence each was based on."""
    may_read_assessments(corral, actor, scheme_id, provider_id)
    return _json([asdict(h) for h in assessment_history(corral, scheme_id, quarter, provider_id, milestone_code)])
