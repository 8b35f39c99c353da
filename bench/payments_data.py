"""A national-scale programme for the payments read: one programme of N providers, every one in each of 10 schemes of
12 milestones (3 a quarter), written through the use cases into a store kept between runs (see bench/payments.py).

The year as the read meets it: Q1 and Q2 assessed and closed, and some of Q1's milestones restated after the close;
Q3 assessed, still open; Q4 half submitted, nothing assessed. Schemes are played by several processes at once, each
through its own cached application: after the set-up no command touches an aggregate another process writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from time import perf_counter
from uuid import UUID

from api.cli.demo.play import due, register, staff
from api.storage.settings import Settings
from api.storage.wiring import build_application
from bench.national_data import Phase, event_count, in_processes
from bench.stores import connect, generating_app
from bench.workload import MEASURE, NARRATIVE_STATUSES
from domain import ids
from domain.achievement import AssessmentStatus, status_for_share, threshold_share
from domain.actors import Actor, Role
from domain.application import Corral
from domain.evidence import Evidence, Figures
from domain.milestones import Milestone, Quarter
from domain.organisation import Sector
from domain.programme import ProviderTerms
from domain.restatement import Correction
from domain.scheme import Participant, SchemeTerms

YEAR = 2020
SCHEMES = 10
PER_QUARTER = 3
ASSESSED = (Quarter.Q1, Quarter.Q2, Quarter.Q3)
CLOSED = (Quarter.Q1, Quarter.Q2)
RESTATED_EVERY = 20  # one provider in 20 has a Q1 milestone restated in every scheme
COMMISSIONER = "PAY-ICB"
USERNAME = "pay-icb.bench"
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$never-used-to-sign-in$0"  # tokens are issued directly


def provider_code(number: int) -> str:
    """The code of the `number`th provider (from 0); every programme takes the first N."""
    return f"PAY-P{number:03d}"


def economy(providers: int) -> str:
    """The health economy of the programme of `providers` providers."""
    return f"Payments bench, {providers} providers"


def programme_id(providers: int) -> UUID:
    """The programme of `providers` providers."""
    return ids.programme_id(ids.organisation_id(COMMISSIONER), economy(providers), YEAR)


READER = provider_code(0)  # the provider whose staff read its own money: in every programme, whatever its size
READER_USERNAME = "pay-p000.bench"


def provider_reader() -> Actor:
    """A provider's member of staff, who reads only that provider's payments."""
    return Actor(READER_USERNAME, ids.organisation_id(READER), Role.PROVIDER)


def with_reader(settings: Settings) -> None:
    """The provider's reader's account, added to a store generated before it was (recording nothing if it exists)."""
    app = build_application(settings)
    try:
        reader = provider_reader()
        if not app.exists(ids.user_id(READER_USERNAME)):
            admin = Actor("bench.admin", reader.organisation_id, Role.ADMINISTRATOR)
            app.register_user(admin, READER_USERNAME, reader.organisation_id, Role.PROVIDER, PASSWORD_HASH)
    finally:
        app.close()


def commissioner() -> Actor:
    """The commissioner who reads every provider's payments."""
    return Actor(USERNAME, ids.organisation_id(COMMISSIONER), Role.COMMISSIONER)


@dataclass(frozen=True)
class Played:
    """One scheme as its players need it: its id, index, lead and the providers' actors."""

    id: UUID
    index: int
    lead: Actor
    providers: tuple[Actor, ...]


def milestones(index: int) -> tuple[Milestone, ...]:
    """Three milestones a quarter weighted 1, 2, 3; on even schemes the first of each quarter is numeric."""
    return tuple(
        Milestone(
            f"{q.value}-M{k + 1}",
            f"Scheme {index + 1}, {q.value}, milestone {k + 1}",
            q,
            due(q, YEAR),
            weight=Decimal(k + 1),
            measure=MEASURE if index % 2 == 0 and k == 0 else None,
        )
        for q in Quarter
        for k in range(PER_QUARTER)
    )


def set_up(app: Corral, providers: int, schemes: int = SCHEMES) -> list[Played]:
    """The organisations, the commissioner's user, the programme every provider joins and its agreed schemes."""
    register(app, COMMISSIONER, "Payments bench commissioner", Sector.ICB)
    codes = [provider_code(p) for p in range(providers)]
    for p, code in enumerate(codes):
        register(app, code, f"Payments bench provider {p:03d}", Sector.ACUTE)
    gill = commissioner()
    if not app.exists(ids.user_id(USERNAME)):
        admin = Actor("bench.admin", gill.organisation_id, Role.ADMINISTRATOR)
        app.register_user(admin, USERNAME, gill.organisation_id, Role.COMMISSIONER, PASSWORD_HASH)
    programme = app.set_up_programme(gill, economy(providers), YEAR, schemes_per_lead=None).id
    for p, code in enumerate(codes):
        value = Decimal(10_000_000 + 250_000 * (p % 40))
        app.join_programme(gill, programme, ProviderTerms(ids.organisation_id(code), value, Decimal("0.0125")))
    played = []
    for index in range(schemes):
        weights = [Decimal(1 + (p + index) % 3) for p in range(providers)]
        participants = tuple(Participant(ids.organisation_id(c), w) for c, w in zip(codes, weights, strict=True))
        terms = SchemeTerms(f"National scheme {index + 1}", participants, milestones(index))
        scheme_id = app.draft_scheme(gill, programme, f"NS{index + 1}", terms).id
        lead = codes[index % providers]
        app.designate_lead(gill, scheme_id, ids.organisation_id(lead))
        for signer in (*(staff(c) for c in codes), gill):
            app.sign_scheme(signer, scheme_id, 1)
        played.append(Played(scheme_id, index, staff(lead), tuple(staff(c) for c in codes)))
    return played


def _figures(scheme: Played, provider: int, quarter: Quarter, milestone: int) -> Figures | None:
    if scheme.index % 2 or milestone:
        return None
    return Figures(Decimal(70 + (7 * provider + 3 * scheme.index + quarter.index) % 30), Decimal(100))


def play_scheme(app: Corral, scheme: Played) -> None:
    """Every quarter of one scheme, as far as the year has gone."""
    gill = commissioner()
    for quarter in Quarter:
        codes = [f"{quarter.value}-M{k + 1}" for k in range(PER_QUARTER)]
        for i, provider in enumerate(scheme.providers):
            for k, code in enumerate(codes):
                if quarter not in ASSESSED and (i + k) % 2:
                    continue
                evidence = Evidence(f"{code} from provider {i}.", _figures(scheme, i, quarter, k))
                submission = app.submit_evidence(provider, scheme.id, code, evidence).id
                if (i + k) % 7 == 3:
                    app.revise_evidence(provider, submission, evidence, "Corrected the narrative.")
                if quarter in ASSESSED or i % 4 == 0:
                    app.accept_evidence(scheme.lead, submission)
        if quarter not in ASSESSED:
            continue
        app.present_pack(scheme.lead, scheme.id, quarter)
        for i, provider in enumerate(scheme.providers):
            for k, code in enumerate(codes):
                app.assess_milestone(
                    gill,
                    scheme.id,
                    quarter,
                    provider.organisation_id,
                    code,
                    _status(scheme, i, quarter, k),
                    "As shown.",
                )
        if quarter in CLOSED:
            app.close_quarter(gill, scheme.id, quarter)
    for i, provider in enumerate(scheme.providers):
        if i % RESTATED_EVERY == 0:
            correction = Correction(AssessmentStatus.NOT_MET, "The audit found gaps.", "Audit after the close.")
            app.restate_assessment(gill, scheme.id, Quarter.Q1, provider.organisation_id, "Q1-M2", correction)


def _status(scheme: Played, provider: int, quarter: Quarter, milestone: int) -> AssessmentStatus:
    reported = _figures(scheme, provider, quarter, milestone)
    if reported is not None:
        return status_for_share(threshold_share(MEASURE, reported))
    return NARRATIVE_STATUSES[(provider + scheme.index + quarter.index + milestone) % len(NARRATIVE_STATUSES)]


def _play_share(url: str, schema: str, schemes: Sequence[Played]) -> None:
    app = generating_app(Settings(database_url=url, database_schema=schema))
    try:
        for scheme in schemes:
            play_scheme(app, scheme)
    finally:
        app.close()


def generate(settings: Settings, providers: int, processes: int, schemes: int = SCHEMES) -> Phase:
    """Set the programme up, then play its schemes, shared round-robin between processes; its events and time."""
    before = event_count(settings)
    started = perf_counter()
    app = generating_app(settings)
    try:
        played = set_up(app, providers, schemes)
    finally:
        app.close()
    url, schema = settings.database_url, settings.database_schema or ""
    in_processes(_play_share, [(url, schema, played[i::processes]) for i in range(processes) if played[i::processes]])
    return Phase(event_count(settings) - before, perf_counter() - started)


def generated(settings: Settings, providers: int, processes: int, schemes: int = SCHEMES) -> Phase:
    """The programme of `providers` providers, generated now unless an earlier run into the same store finished it
    (then its figures as that run recorded them)."""
    build_application(settings).close()  # the event store's tables, before any writer races to create them
    conn = connect(settings)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS payments_generation "
                "(providers int, schemes int, events bigint, seconds float8, processes int)"
            )
            cursor.execute(
                "SELECT events, seconds FROM payments_generation WHERE providers = %s AND schemes = %s",
                (providers, schemes),
            )
            row = cursor.fetchone()
        if row is not None:
            return Phase(int(row[0]), float(row[1]), earlier=True)
        phase = generate(settings, providers, processes, schemes)
        with conn, conn.cursor() as cursor:
            cursor.execute(
                "INSERT INTO payments_generation VALUES (%s, %s, %s, %s, %s)",
                (providers, schemes, phase.events, phase.seconds, processes),
            )
        return phase
    finally:
        conn.close()
