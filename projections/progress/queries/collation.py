"""The lead's board for one scheme-quarter: who has sent what, who is missing, and whether the pack is ready."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select

from domain.deadlines import due_note
from domain.milestones import Quarter
from domain.quarter_review import ReviewStatus
from domain.submission import SubmissionStatus
from projections.progress.queries.reading import MilestoneProgress, load_progress, name_order, organisation_names
from projections.progress.view import ProgressView

IN_PACK = (SubmissionStatus.ACCEPTED.value, SubmissionStatus.PRESENTED.value)
READY_TO_PRESENT = (ReviewStatus.OPEN, ReviewStatus.QUERIED)


@dataclass(frozen=True)
class Nudge:
    nudged_at: datetime
    nudged_by: str
    message: str


@dataclass(frozen=True)
class ParticipantState:
    """One participant's evidence for the quarter."""

    provider_id: str
    name: str
    milestones: list[MilestoneProgress]
    missing: list[str]
    last_action_at: datetime | None
    nudges: list[Nudge]


@dataclass(frozen=True)
class CollationBoard:
    scheme_id: str
    quarter: Quarter
    review_status: str
    pack_number: int
    participants: list[ParticipantState]
    ready_to_present: bool
    questions: str | None = None
    pack_due: date | None = None
    pack_due_note: str | None = None  # while the pack is still owed: "due in 5 days", "3 days overdue"


def collation_board(view: ProgressView, scheme_id: str, quarter: Quarter, today: date | None = None) -> CollationBoard:
    """Each participant's state, what is missing, when they last acted and the nudges sent."""
    today = today or view.reading_clock.today()
    rows = load_progress(view, today, scheme_id=scheme_id, quarter=quarter.value)
    names = organisation_names(view)
    r, n, d, s = view.reviews, view.nudges, view.pack_deadlines, view.schemes
    with view.database.reading() as conn:
        pack_due = conn.execute(
            select(d.c.due)
            .join(s, and_(s.c.id == d.c.scheme_id, s.c.agreed_version == d.c.terms_version))
            .where(d.c.scheme_id == scheme_id, d.c.quarter == quarter.value)
        ).scalar()
        review = conn.execute(select(r).where(r.c.scheme_id == scheme_id, r.c.quarter == quarter.value)).first()
        nudges = conn.execute(
            select(n).where(n.c.scheme_id == scheme_id, n.c.quarter == quarter.value).order_by(n.c.position)
        ).all()
    participants = []
    for provider_id in dict.fromkeys(row.provider_id for row in rows):
        mine = [row for row in rows if row.provider_id == provider_id]
        acted = [row.last_action_at for row in mine if row.last_action_at is not None]
        participants.append(
            ParticipantState(
                provider_id=provider_id,
                name=names.get(provider_id, provider_id),
                milestones=mine,
                missing=[row.code for row in mine if row.state not in IN_PACK and row.assessment is None],
                last_action_at=max(acted) if acted else None,
                nudges=[Nudge(x.nudged_at, x.nudged_by, x.message) for x in nudges if x.provider_id == provider_id],
            )
        )
    participants.sort(key=lambda p: name_order(p.name, p.provider_id))
    status = ReviewStatus(review.status) if review is not None else ReviewStatus.OPEN
    return CollationBoard(
        scheme_id=scheme_id,
        quarter=quarter,
        review_status=status.value,
        pack_number=review.pack_number if review is not None else 0,
        participants=participants,
        ready_to_present=status in READY_TO_PRESENT and bool(rows) and not any(p.missing for p in participants),
        questions=review.questions if review is not None and status is ReviewStatus.QUERIED else None,
        pack_due=pack_due,
        pack_due_note=due_note(pack_due, today) if pack_due and status in READY_TO_PRESENT else None,
    )
