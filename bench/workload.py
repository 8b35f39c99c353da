"""A lawful event log of any size: synthetic programmes played through the application's own use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from api.cli.demo.play import due, register, staff
from domain import ids
from domain.achievement import AssessmentStatus, status_for_share, threshold_share
from domain.actors import Actor, Role
from domain.application import Corral
from domain.evidence import Evidence, Figures
from domain.milestones import Milestone, NumericMeasure, Quarter
from domain.organisation import Sector
from domain.programme import ProviderTerms
from domain.scheme import Participant, SchemeTerms
from domain.scheme_terms import Exclusion
from domain.service import Recorded

YEAR = 2020
COMMISSIONER = "BENCH-CCG"
MESSAGE = "Your Q1 evidence is due on Friday: please send the audit."


def provider_codes(count: int) -> tuple[str, ...]:
    """The codes of the first `count` bench providers."""
    return tuple(f"BENCH-P{number}" for number in range(1, count + 1))


PROVIDERS = provider_codes(6)
MEASURE = NumericMeasure("patients screened within 24 hours", "patients admitted", Decimal("0.80"), Decimal("0.95"))
NARRATIVE_STATUSES = (
    AssessmentStatus.MET,
    AssessmentStatus.MET,
    AssessmentStatus.PARTIALLY_MET,
    AssessmentStatus.NOT_MET,
)


@dataclass(frozen=True)
class BenchScheme:
    """A scheme the workload plays: its id, index, lead, participants and commissioner."""

    id: UUID
    index: int
    lead: Actor
    participants: tuple[Actor, ...]
    numeric: bool
    commissioner: Actor = field(default_factory=lambda: commissioner())


def neighbour(scheme: BenchScheme) -> UUID:
    """A participant of the scheme other than its lead."""
    return next(p.organisation_id for p in scheme.participants if p != scheme.lead)


def nudges(app: Corral, scheme: BenchScheme, count: int) -> None:
    """The lead nudges a neighbour `count` times: one command, one event each."""
    for _ in range(count):
        app.nudge_provider(scheme.lead, scheme.id, Quarter.Q1, neighbour(scheme), MESSAGE)


def commissioner() -> Actor:
    """The commissioner of every bench programme."""
    return staff(COMMISSIONER, Role.COMMISSIONER)


def head(app: Corral) -> int:
    """The last position in the log (0 when empty)."""
    return app.recorder.max_notification_id() or 0


def grow_log(app: Corral, events: int, first_programme: int = 0) -> int:
    """Play programmes a scheme-quarter at a time until the log holds at least `events` events; returns the head."""
    register_organisations(app)
    number = first_programme
    while head(app) < events:
        schemes = set_up_programme(app, f"Bench economy {number}")
        for quarter in Quarter:
            for scheme in schemes:
                if head(app) >= events:
                    return head(app)
                play_quarter(app, scheme, quarter)
        number += 1
    return head(app)


def register_organisations(app: Corral, providers: tuple[str, ...] = PROVIDERS) -> None:
    """The commissioner and the providers (by default six), once."""
    if all(app.exists(ids.organisation_id(code)) for code in (COMMISSIONER, *providers)):
        return
    if not app.exists(ids.organisation_id(COMMISSIONER)):
        register(app, COMMISSIONER, "Bench commissioning group", Sector.ICB)
    for number, code in enumerate(providers, start=1):
        register(app, code, f"Bench provider {number}", Sector.ACUTE)


def set_up_programme(app: Corral, health_economy: str, providers: tuple[str, ...] = PROVIDERS) -> list[BenchScheme]:
    """A programme every provider joins, with a scheme per provider, each led by a different provider."""
    gill = commissioner()
    programme_id = app.set_up_programme(gill, health_economy, YEAR).id
    for number, code in enumerate(providers):
        terms = ProviderTerms(ids.organisation_id(code), Decimal(10_000_000 * (number + 1)), Decimal("0.025"))
        app.join_programme(gill, programme_id, terms)
    return [_agree_scheme(app, programme_id, index, providers) for index in range(len(providers))]


def _agree_scheme(app: Corral, programme_id: UUID, index: int, providers: tuple[str, ...]) -> BenchScheme:
    gill, lead = commissioner(), providers[index]
    left_out = providers[(index + 1) % len(providers)] if index % 2 else None
    codes = tuple(code for code in providers if code != left_out)
    numeric = index % 2 == 0
    title = f"Bench scheme {index}"
    milestones = quarterly_milestones(title, YEAR, numeric)
    out = (Exclusion(ids.organisation_id(left_out), "Not relevant to its patients."),) if left_out else ()
    participants = tuple(Participant(ids.organisation_id(c)) for c in codes)
    terms = SchemeTerms(title, participants, milestones, exclusions=out)
    scheme_id = app.draft_scheme(gill, programme_id, f"S{index}", terms).id
    version = 1
    if index == 0:
        amended = SchemeTerms(
            f"{title} (amended)", terms.participants, milestones, description="Weights agreed.", exclusions=out
        )
        app.amend_draft(gill, scheme_id, amended, "The lead asked for a clearer title.")
        version = 2
    app.designate_lead(gill, scheme_id, ids.organisation_id(lead))
    for code in codes:
        app.sign_scheme(staff(code), scheme_id, version)
    app.sign_scheme(gill, scheme_id, version)
    return BenchScheme(scheme_id, index, staff(lead), tuple(staff(c) for c in codes), numeric)


def quarterly_milestones(
    title: str, year: int, numeric: bool, name: str = "{title}: {quarter} milestone"
) -> tuple[Milestone, ...]:
    """A milestone a quarter, due as the demo's are, measured against MEASURE from Q2 on when `numeric`."""
    return tuple(
        Milestone(
            q.value,
            name.format(title=title, quarter=q.value),
            q,
            due(q, year),
            measure=MEASURE if numeric and q is not Quarter.Q1 else None,
        )
        for q in Quarter
    )


def figures_for(scheme: BenchScheme, provider: int, quarter: Quarter, attempt: int = 0) -> Figures | None:
    """The figures a provider reports, when the quarter's milestone is numeric."""
    if not scheme.numeric or quarter is Quarter.Q1:
        return None
    return Figures(Decimal(70 + (7 * provider + 3 * scheme.index + quarter.index + attempt) % 30), Decimal(100))


def evidence_for(scheme: BenchScheme, provider: int, quarter: Quarter, attempt: int = 0) -> Evidence:
    """One revision of a provider's evidence."""
    text = f"{quarter.value} evidence from provider {provider} for scheme {scheme.index}, revision {attempt + 1}."
    return Evidence(text, figures_for(scheme, provider, quarter, attempt))


def play_quarter(app: Corral, scheme: BenchScheme, quarter: Quarter) -> None:
    """Submit, revise, withdraw, return, accept, nudge, present, query, assess and close one scheme-quarter."""
    attempts = [_collect(app, scheme, quarter, i, provider) for i, provider in enumerate(scheme.participants)]
    app.present_pack(scheme.lead, scheme.id, quarter)
    if (scheme.index + quarter.index) % 3 == 0:
        gill, first = scheme.commissioner, scheme.participants[0]
        app.query_pack(gill, scheme.id, quarter, "Which period do these figures cover?")
        submission_id = ids.submission_id(scheme.id, quarter.value, first.organisation_id)
        app.return_evidence(scheme.lead, submission_id, "Please state the period covered.")
        attempts[0] += 1
        app.revise_evidence(first, submission_id, evidence_for(scheme, 0, quarter, attempts[0]), "Period stated.")
        app.accept_evidence(scheme.lead, submission_id)
        app.present_pack(scheme.lead, scheme.id, quarter)
    _assess(app, scheme, quarter, attempts)
    app.close_quarter(scheme.commissioner, scheme.id, quarter)


def _collect(app: Corral, scheme: BenchScheme, quarter: Quarter, i: int, provider: Actor) -> int:
    """One provider's evidence up to the lead's acceptance; returns the last attempt number."""
    k, q = scheme.index, quarter.index
    if (i + q) % 6 == 5:
        message = f"Your {quarter.value} evidence is due."
        app.nudge_provider(scheme.lead, scheme.id, quarter, provider.organisation_id, message)
    attempt = 0
    submission_id = app.submit_evidence(provider, scheme.id, quarter.value, evidence_for(scheme, i, quarter)).id
    if (i + k) % 3 == 0:
        attempt += 1
        app.revise_evidence(provider, submission_id, evidence_for(scheme, i, quarter, attempt), "Corrected figures.")
    if (i + k + q) % 5 == 1:
        app.withdraw_evidence(provider, submission_id, "Sent too early.")
        attempt += 1
        app.revise_evidence(provider, submission_id, evidence_for(scheme, i, quarter, attempt), "Resubmitted.")
    if (i + q) % 4 == 2:
        app.return_evidence(scheme.lead, submission_id, "Please attach the audit.")
        attempt += 1
        app.revise_evidence(provider, submission_id, evidence_for(scheme, i, quarter, attempt), "Audit attached.")
    app.accept_evidence(scheme.lead, submission_id, "Thank you.")
    return attempt


def _assess(app: Corral, scheme: BenchScheme, quarter: Quarter, attempts: list[int]) -> None:
    gill = scheme.commissioner
    for i, provider in enumerate(scheme.participants):
        reported = figures_for(scheme, i, quarter, attempts[i])
        if reported is None:
            status = NARRATIVE_STATUSES[(i + scheme.index + quarter.index) % len(NARRATIVE_STATUSES)]
        else:
            status = status_for_share(threshold_share(MEASURE, reported))
        pid = provider.organisation_id
        app.assess_milestone(gill, scheme.id, quarter, pid, quarter.value, status, f"Assessed as {status.value}.")
        if reported is None and status is AssessmentStatus.NOT_MET and i % 2 == 0:
            revised, reason = AssessmentStatus.PARTIALLY_MET, "The appeal showed part of the work was done."
            app.revise_assessment(gill, scheme.id, quarter, pid, quarter.value, revised, "Part met.", reason)


class Churn:
    """Commands of one event each on an open quarter: a lead's nudges and providers' revisions, in turn."""

    def __init__(self, app: Corral, health_economy: str = "Bench churn") -> None:
        register_organisations(app)
        self.app = app
        self.scheme = set_up_programme(app, health_economy)[1]
        self.submissions = [
            app.submit_evidence(provider, self.scheme.id, Quarter.Q1.value, evidence_for(self.scheme, i, Quarter.Q1)).id
            for i, provider in enumerate(self.scheme.participants)
        ]
        self.steps = 0

    def step(self) -> Recorded:
        """The next command: even steps nudge a participant, odd steps revise one's evidence."""
        number, self.steps = self.steps, self.steps + 1
        which = (number // 2) % len(self.scheme.participants)
        provider = self.scheme.participants[which]
        if number % 2 == 0:
            message = f"Reminder {number}: your Q1 evidence is due."
            return self.app.nudge_provider(
                self.scheme.lead, self.scheme.id, Quarter.Q1, provider.organisation_id, message
            )
        evidence = evidence_for(self.scheme, which, Quarter.Q1, number)
        return self.app.revise_evidence(provider, self.submissions[which], evidence, f"Revision {number}.")
