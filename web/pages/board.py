"""The lead's collation board: who has sent what, who is missing; nudge them; present the pack."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Form
from fastapi.responses import Response

from api.http.commands import FormAct
from api.http.deps import ViewsAfter
from domain import ids
from domain.milestones import Quarter
from projections.progress.queries import CollationBoard, board_access, collation_board
from web.pages import confirmations
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.reading import people, quarter_review, review_version, scheme_quarter

router = page_router("/schemes/{scheme_id}/quarters/{quarter}")


def _board_page(
    page: Page, scheme_id: UUID, quarter: Quarter, failure: FormFailure | None = None, confirming: bool = False
) -> Response:
    access = board_access(page.readings, page.viewer.actor, str(scheme_id))
    shown = scheme_quarter(page.readings, page.viewer.actor, scheme_id, quarter, "collation board")
    board = shown["board"]
    context = shown | {
        "missing": _missing(board),
        "people": people(page.corral, (n.nudged_by for p in board.participants for n in p.nudges)),
        "confirming": confirming,
        "is_lead": str(scheme_id) in access.leads,
        "version": review_version(quarter_review(page.corral, scheme_id, quarter)),
        "submission_ids": {
            (p.provider_id, m.code): ids.submission_id(scheme_id, m.code, UUID(p.provider_id))
            for p in board.participants
            for m in p.milestones
        },
    }
    return page.show("board.html", context, failure)


def _missing(board: CollationBoard) -> list[tuple[str, str]]:
    """(organisation name, milestone code) of each piece of evidence not accepted into the pack."""
    return [(p.name, code) for p in board.participants for code in p.missing]


def _board(scheme_id: UUID, quarter: Quarter) -> str:
    return f"/schemes/{scheme_id}/quarters/{quarter.value}/board"


@router.get("/board")
def board(page: CurrentPage, scheme_id: UUID, quarter: Quarter, _: ViewsAfter) -> Response:
    """Each participant's evidence for the quarter, the nudges sent, and whether the pack is ready."""
    return _board_page(page, scheme_id, quarter)


@router.post("/nudges")
def nudge(
    page: CurrentPage,
    act: FormAct,
    scheme_id: UUID,
    quarter: Quarter,
    provider_id: Annotated[UUID, Form()],
    message: Annotated[str, Form()] = "",
) -> Response:
    """Remind a participant that its evidence is due."""
    board_access(page.readings, page.viewer.actor, str(scheme_id))
    return page.act(
        act,
        lambda: act.corral.nudge_provider(act.actor, scheme_id, quarter, provider_id, message, act.expected_version),
        f"nudge-{provider_id}",
        {"message": message},
        lambda failure: _board_page(page, scheme_id, quarter, failure),
        _board(scheme_id, quarter),
        confirmed=confirmations.nudged(page, provider_id, quarter),
    )


@router.post("/pack")
def present(
    page: CurrentPage, act: FormAct, scheme_id: UUID, quarter: Quarter, confirm: Annotated[str, Form()] = ""
) -> Response:
    """Present every accepted submission to the commissioner, pinned by revision; with evidence missing, only once
    the lead has seen who is missing and confirmed."""
    board_access(page.readings, page.viewer.actor, str(scheme_id))
    if confirm != "yes" and _missing(collation_board(page.readings, str(scheme_id), quarter)):
        return _board_page(page, scheme_id, quarter, confirming=True)
    return page.act(
        act,
        lambda: act.corral.present_pack(act.actor, scheme_id, quarter, act.expected_version),
        "present",
        {},
        lambda failure: _board_page(page, scheme_id, quarter, failure),
        _board(scheme_id, quarter),
        confirmed=confirmations.presented(page, page.corral.scheme(scheme_id), quarter),
    )
