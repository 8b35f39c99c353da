"""Shared reading of the progress tables: a provider-milestone's status word, and row loading."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from domain.achievement import AssessmentStatus
from domain.milestones import Quarter
from domain.deadlines import Standing, due_note, standing
from domain.submission import AWAITING_EVIDENCE, SubmissionStatus
from projections.progress.view import ProgressView

NOT_YET_DUE = "not yet due"
AWAITING = "awaiting evidence"
OVERDUE = Standing.OVERDUE.value
# Withdrawn evidence is shown as none sent: awaiting evidence, overdue, or not yet due.
STATUSES = (
    NOT_YET_DUE,
    AWAITING,
    OVERDUE,
    *(state.value for state in SubmissionStatus if state is not SubmissionStatus.WITHDRAWN),
    *(status.value for status in AssessmentStatus),
)


@dataclass(frozen=True)
class Restated:
    """A closed provider-milestone's latest restatement: its status and achievement, why, the day it takes effect
    and when Corral recorded it."""

    status: str
    achievement: Decimal | None
    reason: str
    effective_on: date
    recorded_at: datetime


@dataclass(frozen=True)
class MilestoneProgress:
    """One provider-milestone as the screens show it."""

    programme_id: str
    scheme_id: str
    scheme_title: str
    provider_id: str
    code: str
    title: str
    quarter: Quarter
    due: date
    status: str
    state: str | None
    revision: int | None
    last_action_at: datetime | None
    lead_comments: str | None
    assessment: str | None
    achievement: Decimal | None
    assessed_revision: int | None
    revised_on_appeal: bool
    override_reason: str | None  # why the status departs from the share the figures gave
    figures_share: Decimal | None  # the share of its thresholds a numeric milestone's assessed figures gave
    weight: Decimal
    numeric: bool
    fixed_value: Decimal | None
    late: bool
    submission_id: str | None
    due_note: str | None  # for evidence still owed: "due in 3 days", "due today", "2 days overdue"
    standing: Standing | None  # for evidence still owed: where its due date stands today
    restated: Restated | None = None  # after the close; the assessment above is the one the quarter closed with
    # The latest evidence's figures, for a numeric milestone, as recorded (checked only where they are used).
    numerator_value: Decimal | None = None
    denominator_value: Decimal | None = None

    @property
    def owed(self) -> bool:
        """True while the provider still owes evidence: none sent, withdrawn, or returned to be revised."""
        return self.standing is not None


def status_word(row: Any, first_day: date, today: date) -> str:
    """The assessment, else the evidence's state, else whether evidence is yet due (its quarter begun), or overdue."""
    if row.assessment:
        return str(row.assessment)
    if row.state and row.state != SubmissionStatus.WITHDRAWN.value:
        return str(row.state)
    if today < first_day:
        return NOT_YET_DUE
    return OVERDUE if today > row.due else AWAITING


def _owed(row: Any) -> bool:
    return not row.assessment and (row.state is None or row.state in OWED_STATES)


OWED_STATES = frozenset(state.value for state in AWAITING_EVIDENCE)


def load_progress(
    view: ProgressView,
    today: date | None = None,
    *,
    conn: Connection | None = None,
    programme_ids: Sequence[str] | None = None,
    **where: str,
) -> list[MilestoneProgress]:
    """Provider-milestones of agreed schemes, filtered by equality on progress columns (and, when given, to any of
    `programme_ids`, in the one query), in scheme order.

    Reads on `conn` when given (e.g. inside a projection's batch), else on a connection of its own.
    """
    today = today or view.reading_clock.today()
    p, s, m, g = view.progress, view.schemes, view.milestones, view.programmes
    columns: tuple[Any, ...] = (
        p,
        s.c.title.label("scheme_title"),
        s.c.ordinal.label("scheme_ordinal"),
        g.c.contract_year,
    )
    columns += (m.c.title.label("milestone_title"), m.c.due, m.c.weight, m.c.numerator, m.c.ordinal)
    rows = progress_rows(view, columns, conn=conn, programme_ids=programme_ids, **where)
    return [_progress(r, today) for r in rows]


def _progress(r: Any, today: date) -> MilestoneProgress:
    """One provider-milestone as the screens show it, from its joined row, as of `today`."""
    quarter, owed = Quarter(r.quarter), _owed(r)
    return MilestoneProgress(
        programme_id=r.programme_id,
        scheme_id=r.scheme_id,
        scheme_title=r.scheme_title,
        provider_id=r.provider_id,
        code=r.milestone_code,
        title=r.milestone_title,
        quarter=quarter,
        due=r.due,
        status=status_word(r, quarter.first_day(r.contract_year), today),
        state=r.state,
        revision=r.revision,
        last_action_at=r.last_action_at,
        lead_comments=r.lead_comments,
        assessment=r.assessment,
        achievement=r.achievement,
        assessed_revision=r.assessed_revision,
        revised_on_appeal=bool(r.revised_on_appeal),
        override_reason=r.override_reason,
        figures_share=r.figures_share,
        weight=r.weight,
        numeric=r.numerator is not None,
        fixed_value=r.fixed_value,
        late=bool(r.late),
        submission_id=r.submission_id,
        due_note=due_note(r.due, today) if owed else None,
        standing=standing(r.due, today) if owed else None,
        restated=_restated(r),
        numerator_value=r.numerator_value,
        denominator_value=r.denominator_value,
    )


def progress_rows(
    view: ProgressView,
    columns: Sequence[Any],
    *,
    conn: Connection | None = None,
    programme_ids: Sequence[str] | None = None,
    **where: str,
) -> list[Any]:
    """The `columns` of provider-milestones of agreed schemes (progress joined to its scheme, programme and
    milestone), filtered as `load_progress` is, in scheme order."""
    p, s, m, g = view.progress, view.schemes, view.milestones, view.programmes
    query = (
        select(*columns)
        .join(s, s.c.id == p.c.scheme_id)
        .join(g, g.c.id == p.c.programme_id)
        .join(
            m,
            and_(
                m.c.scheme_id == p.c.scheme_id, m.c.terms_version == s.c.agreed_version, m.c.code == p.c.milestone_code
            ),
        )
        .where(*(p.c[column] == value for column, value in where.items()))
        .where(*(() if programme_ids is None else (p.c.programme_id.in_(programme_ids),)))
        .order_by(s.c.ordinal, s.c.id, m.c.ordinal, m.c.code, p.c.provider_id)
    )
    return fetch(view, query, conn)


def rows_of(view: ProgressView, programme_id: str, provider_id: str | None = None) -> list[MilestoneProgress]:
    """The programme's provider-milestones, or one provider's."""
    if provider_id is None:
        return load_progress(view, programme_id=programme_id)
    return load_progress(view, programme_id=programme_id, provider_id=provider_id)


def _restated(r: Any) -> Restated | None:
    if r.restated_assessment is None:
        return None
    return Restated(
        r.restated_assessment, r.restated_achievement, r.restated_reason, r.restated_effective_on, r.restated_at
    )


def fetch(view: ProgressView, query: Any, conn: Connection | None = None) -> list[Any]:
    """Every row of a query as a named tuple, on `conn` when given (inside a batch), else on a connection of its own.

    A named tuple's column is read at a tuple's speed; SQLAlchemy's row finds a column by name only after Python's
    own lookup has failed (~0.5 us). A national programme's payments read 29 columns of 24,000 rows: about 800 ms
    that way, 500 ms this way (BENCHMARKS.md, "Progress rows read as named tuples")."""
    with reading(view, conn) as on:
        result = on.execute(query)
        make = _row_type(tuple(result.keys()))._make
        return [make(row) for row in result.all()]


@lru_cache(maxsize=512)
def _row_type(columns: tuple[str, ...]) -> Any:
    """A named tuple type for rows of these columns (made once per shape of query)."""
    return namedtuple("Row", columns, rename=True)  # noqa: PYI024 - its fields are known only at run time


@contextmanager
def reading(view: ProgressView, conn: Connection | None = None) -> Iterator[Connection]:
    """`conn` when given (inside a batch, or a read sharing one), else the views' reading connection for the block."""
    if conn is not None:
        yield conn
        return
    with view.database.reading() as own:
        yield own


def name_order(name: str, tie: str) -> tuple[str, str, str]:
    """A sort key for names that is the same on every database (their collations differ): case-folded, then as
    written, then the id."""
    return name.casefold(), name, tie


def programme_order(contract_year: int, health_economy: str, programme_id: str) -> tuple[int, tuple[str, str, str]]:
    """The order every list of programmes takes: contract year, then name, then id."""
    return contract_year, name_order(health_economy, programme_id)


def organisation_names(view: ProgressView) -> dict[str, str]:
    """Every organisation's current name, by id."""
    with view.database.reading() as conn:
        return {r.id: r.name for r in conn.execute(select(view.organisations.c.id, view.organisations.c.name))}
