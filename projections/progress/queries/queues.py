"""Work queues: what is waiting for each organisation today.

- a provider: evidence returned to it, nudges it has not answered, evidence due soon and overdue;
- a scheme's lead, also: submissions waiting for its decision, who is missing, and the packs it owes;
- the commissioner: packs waiting for assessment, queries outstanding, quarters ready to close, packs overdue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, select

from domain.actors import Actor, Role
from domain.deadlines import Standing, due_note, reminder_due, standing
from domain.milestones import Quarter
from domain.quarter_review import ReviewStatus
from domain.submission import SubmissionStatus
from projections.progress.queries.reading import MilestoneProgress, fetch, load_progress, organisation_names
from projections.progress.queries.reading import programme_order
from projections.progress.view import ProgressView

WAITING_FOR_LEAD = SubmissionStatus.SUBMITTED.value
NOT_YET_PRESENTED = (None, ReviewStatus.OPEN.value, ReviewStatus.QUERIED.value)


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for someone: what, where, by when, and the page to act on it."""

    programme_id: str
    scheme_id: str
    scheme_title: str
    quarter: str
    what: str
    link: str
    due: date | None = None
    note: str | None = None  # "3 days overdue", "due in 5 days"
    overdue: bool = False


@dataclass(frozen=True)
class QueueSection:
    key: str
    title: str
    items: list[WorkItem] = field(default_factory=list)


@dataclass(frozen=True)
class WorkQueue:
    """Sections in the order they are shown; an empty section still says it is clear."""

    sections: list[QueueSection]

    @property
    def count(self) -> int:
        """How many things are waiting, in every section."""
        return sum(len(s.items) for s in self.sections)


@dataclass(frozen=True)
class _Quarter:
    """One scheme-quarter as the queues read it: its title, lead, review, pack deadline and provider-milestones."""

    programme_id: str
    scheme_id: str
    title: str
    quarter: str
    contract_year: int
    lead_id: str | None
    review_status: str | None
    pack_due: date | None
    rows: list[MilestoneProgress]

    def item(self, what: str, link: str, due: date | None = None, note: str | None = None, **kw: Any) -> WorkItem:
        return WorkItem(self.programme_id, self.scheme_id, self.title, self.quarter, what, link, due, note, **kw)

    @property
    def board(self) -> str:
        return f"/schemes/{self.scheme_id}/quarters/{self.quarter}/board"

    @property
    def review(self) -> str:
        return f"/schemes/{self.scheme_id}/quarters/{self.quarter}/review"


def work_queue(view: ProgressView, actor: Actor, today: date | None = None) -> WorkQueue:
    """The actor's organisation's queue: a provider's (and a lead's), or the commissioner's; empty for other roles."""
    today = today or view.reading_clock.today()
    organisation = str(actor.organisation_id)
    if actor.role is Role.PROVIDER:
        return _provider_queue(view, organisation, today)
    if actor.role is Role.COMMISSIONER:
        return _commissioner_queue(view, organisation, today)
    return WorkQueue([])


def evidence_to_remind(view: ProgressView, today: date) -> list[MilestoneProgress]:
    """Corral's own queue: evidence still owed, in open quarters, whose provider is due a reminder today."""
    return [r for q in _open_quarters(view, today) for r in q.rows if r.owed and reminder_due(r.due, today)]


def _provider_queue(view: ProgressView, provider_id: str, today: date) -> WorkQueue:
    names = organisation_names(view)
    mine = _open_quarters(view, today, provider_id=provider_id)
    led = _open_quarters(view, today, lead_id=provider_id)
    nudged = _nudges(view, provider_id)
    returned, nudges, overdue, soon = [], [], [], []
    for q in mine:
        own = [r for r in q.rows if r.provider_id == provider_id]
        for r in own:
            evidence = f"/schemes/{r.scheme_id}/milestones/{r.code}/evidence"
            if r.state == SubmissionStatus.RETURNED.value:
                returned.append(q.item(f"{_milestone(r)}: {r.lead_comments or 'returned by the lead'}", evidence))
            if r.standing is Standing.OVERDUE:
                overdue.append(q.item(_milestone(r), evidence, r.due, r.due_note, overdue=True))
            elif r.standing in (Standing.DUE_SOON, Standing.DUE_TODAY):
                soon.append(q.item(_milestone(r), evidence, r.due, r.due_note))
        if any(r.owed for r in own):
            for nudge in nudged.get((q.scheme_id, q.quarter), []):
                by = names.get(q.lead_id or "", "The lead")
                link = next(f"/schemes/{r.scheme_id}/milestones/{r.code}/evidence" for r in own if r.owed)
                nudges.append(q.item(f"{by}: {nudge.message}", link, note=f"nudged {nudge.nudged_at:%-d %b %Y}"))
    sections = [
        QueueSection("returned", "Returned to you", returned),
        QueueSection("nudged", "Nudged by the lead", nudges),
        QueueSection("overdue", "Overdue", _by_due(overdue)),
        QueueSection("due_soon", "Due soon", _by_due(soon)),
    ]
    if led:
        sections += _lead_sections(led, names, today)
    return WorkQueue(sections)


def _lead_sections(led: list[_Quarter], names: dict[str, str], today: date) -> list[QueueSection]:
    deciding, missing, packs = [], [], []
    for q in led:
        for r in q.rows:
            if r.state == WAITING_FOR_LEAD:
                what = f"{names.get(r.provider_id, r.provider_id)}: {_milestone(r)}"
                deciding.append(q.item(what, f"/submissions/{r.submission_id}", note=f"revision {r.revision}"))
        if q.review_status not in NOT_YET_PRESENTED or today < Quarter(q.quarter).first_day(q.contract_year):
            continue
        owing = sorted(
            {names.get(r.provider_id, r.provider_id) for r in q.rows if r.owed}, key=lambda n: (n.casefold(), n)
        )
        if owing:
            missing.append(q.item(f"{len(owing)} missing: {', '.join(owing)}", q.board))
        if q.pack_due is not None:
            late = standing(q.pack_due, today) is Standing.OVERDUE
            packs.append(q.item("Present the pack", q.board, q.pack_due, due_note(q.pack_due, today), overdue=late))
    return [
        QueueSection("waiting_for_decision", "Submissions waiting for your decision", deciding),
        QueueSection("missing", "Who is missing", missing),
        QueueSection("pack_due", "Packs due", _by_due(packs)),
    ]


def _commissioner_queue(view: ProgressView, commissioner_id: str, today: date) -> WorkQueue:
    to_assess, queries, to_close, overdue = [], [], [], []
    for q in _open_quarters(view, today, commissioner_id=commissioner_id):
        unassessed = [r for r in q.rows if r.assessment is None]
        if q.review_status == ReviewStatus.PRESENTED.value and unassessed:
            to_assess.append(q.item(f"{len(unassessed)} to assess", q.review))
        elif q.review_status == ReviewStatus.QUERIED.value:
            queries.append(q.item("Query outstanding with the lead", q.review))
        if q.rows and not unassessed:
            to_close.append(q.item("Every milestone assessed: close the quarter", q.review))
        elif q.review_status in (None, ReviewStatus.OPEN.value) and q.pack_due is not None and today > q.pack_due:
            waiting = sum(1 for r in q.rows if r.state in (WAITING_FOR_LEAD, SubmissionStatus.ACCEPTED.value))
            what = f"Pack overdue; {waiting} submission{'s' if waiting != 1 else ''} waiting with the lead"
            overdue.append(q.item(what, q.review, q.pack_due, due_note(q.pack_due, today), overdue=True))
    return WorkQueue(
        [
            QueueSection("to_assess", "Packs waiting for assessment", to_assess),
            QueueSection("queries", "Queries outstanding", queries),
            QueueSection("ready_to_close", "Quarters ready to close", to_close),
            QueueSection("packs_overdue", "Packs overdue", _by_due(overdue)),
        ]
    )


def _open_quarters(view: ProgressView, today: date, **where: str) -> list[_Quarter]:
    """Agreed scheme-quarters not yet closed, with their rows: a provider's, a lead's or a commissioner's."""
    s, g, d, r = view.schemes, view.programmes, view.pack_deadlines, view.reviews
    query = (
        select(s.c.id, s.c.programme_id, s.c.title, s.c.lead_id, s.c.ordinal, g.c.contract_year, g.c.health_economy)
        .join(g, g.c.id == s.c.programme_id)
        .where(s.c.agreed_version.is_not(None))
    )
    if "lead_id" in where:
        query = query.where(s.c.lead_id == where["lead_id"])
    if "commissioner_id" in where:
        query = query.where(g.c.commissioner_id == where["commissioner_id"])
    if "provider_id" in where:
        p = view.participants
        query = query.where(s.c.id.in_(select(p.c.scheme_id).where(p.c.provider_id == where["provider_id"])))
    schemes = sorted(
        fetch(view, query),
        key=lambda x: (programme_order(x.contract_year, x.health_economy, x.programme_id), x.ordinal, x.id),
    )
    if not schemes:
        return []
    ids = [x.id for x in schemes]
    deadlines = {
        (x.scheme_id, x.quarter): x.due
        for x in fetch(
            view,
            select(d.c.scheme_id, d.c.quarter, d.c.due)
            .join(s, and_(s.c.id == d.c.scheme_id, s.c.agreed_version == d.c.terms_version))
            .where(d.c.scheme_id.in_(ids)),
        )
    }
    reviews = {
        (x.scheme_id, x.quarter): x.status
        for x in fetch(view, select(r.c.scheme_id, r.c.quarter, r.c.status).where(r.c.scheme_id.in_(ids)))
    }
    rows: dict[tuple[str, str], list[MilestoneProgress]] = defaultdict(list)
    programme_ids = list(dict.fromkeys(x.programme_id for x in schemes))  # every programme's rows in one query
    if "provider_id" in where:
        loaded = load_progress(view, today, programme_ids=programme_ids, provider_id=where["provider_id"])
    else:
        loaded = load_progress(view, today, programme_ids=programme_ids)
    for row in loaded:
        rows[(row.scheme_id, row.quarter.value)].append(row)
    found = []
    for scheme in schemes:
        for quarter in Quarter:
            key = (scheme.id, quarter.value)
            if key not in rows or reviews.get(key) == ReviewStatus.CLOSED.value:
                continue
            found.append(
                _Quarter(
                    scheme.programme_id,
                    scheme.id,
                    scheme.title,
                    quarter.value,
                    scheme.contract_year,
                    scheme.lead_id,
                    reviews.get(key),
                    deadlines.get(key),
                    rows[key],
                )
            )
    return found


@dataclass(frozen=True)
class _Nudge:
    nudged_at: Any
    message: str


def _nudges(view: ProgressView, provider_id: str) -> dict[tuple[str, str], list[_Nudge]]:
    n = view.nudges
    found: dict[tuple[str, str], list[_Nudge]] = defaultdict(list)
    for x in fetch(view, select(n).where(n.c.provider_id == provider_id).order_by(n.c.position.desc())):
        found[(x.scheme_id, x.quarter)].append(_Nudge(x.nudged_at, x.message))
    return found


def _milestone(r: MilestoneProgress) -> str:
    """`M1: Safety plans audited`; the title alone when the code is the quarter's (the item names its quarter)."""
    return r.title if r.code == r.quarter.value else f"{r.code}: {r.title}"


def _by_due(items: list[WorkItem]) -> list[WorkItem]:
    return sorted(items, key=lambda i: (i.due or date.max, i.scheme_title))
