"""Seed 004: South Devon and Torbay CCG's six shared schemes with six providers, 2014/15.

Contract values are illustrative. Q1 is played through and closed; Q2 is part way, so that
every state has something to show: accepted, returned, missing, presented, queried, assessed.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from api.storage.attachments import AttachmentStore
from api.cli.demo.play import as_at, assess, due, register, staff, submit_and_accept
from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.application import Corral
from domain.evidence import Evidence, Figures
from domain.milestones import MeasureUnit, Milestone, NumericMeasure, Quarter
from domain.organisation import Sector
from domain.restatement import Correction
from domain.on_account import OnAccountBasis
from domain.programme import ProviderTerms
from domain.scheme import Participant, SchemeTerms
from domain.scheme_terms import Exclusion

YEAR = 2014
HEALTH_ECONOMY = "South Devon and Torbay"
CCG = "SDT-CCG"
ACUTE, COMMUNITY, AMBULANCE, MENTAL_HEALTH, THIRD_SECTOR, PRIVATE = "SDHFT", "TSDHCT", "SWASFT", "DPT", "CCT", "MSH"
ORGANISATIONS = [
    (CCG, "South Devon and Torbay CCG", Sector.ICB, None),
    (ACUTE, "South Devon Healthcare NHS Foundation Trust", Sector.ACUTE, "180000000"),
    (COMMUNITY, "Torbay and Southern Devon Health and Care NHS Trust", Sector.COMMUNITY, "130000000"),
    (AMBULANCE, "South Western Ambulance Service NHS Foundation Trust", Sector.AMBULANCE, "40000000"),
    (MENTAL_HEALTH, "Devon Partnership NHS Trust", Sector.MENTAL_HEALTH, "75000000"),
    (THIRD_SECTOR, "Community Care Trust", Sector.THIRD_SECTOR, "2000000"),
    (PRIVATE, "Mount Stuart Hospital", Sector.INDEPENDENT_SECTOR, "6000000"),
]
EVERYONE = (ACUTE, COMMUNITY, AMBULANCE, MENTAL_HEALTH, THIRD_SECTOR, PRIVATE)
NHS_ONLY = (ACUTE, COMMUNITY, AMBULANCE, MENTAL_HEALTH, THIRD_SECTOR)
# Seed 004: the private hospital "will sign up only to the schemes relevant to its NHS patients".
LEFT_OUT_BECAUSE = {PRIVATE: "Mount Stuart Hospital signs up only to the schemes relevant to its NHS patients."}

REPORT = """{provider}
{quarter} {year} quarterly report: South Devon and Torbay shared CQUIN schemes

What we did this quarter, for each scheme we take part in, and what changed as a result.
(Demo data: an illustrative report.)
"""

PERCENT = MeasureUnit.PERCENT  # the seed speaks in percent
# (code, title, lead, participants, numeric measure for the shared Q2-Q4 milestones or None)
SCHEMES = [
    (
        "PATIENT-EXPERIENCE",
        "Improve patient experience",
        PRIVATE,
        EVERYONE,
        NumericMeasure("patients who would recommend", "patients responding", Decimal(85), Decimal(95), unit=PERCENT),
    ),
    (
        "STAFF-EXPERIENCE",
        "Improve staff experience",
        COMMUNITY,
        EVERYONE,
        NumericMeasure("staff responding to the survey", "staff", Decimal(40), Decimal(60), unit=PERCENT),
    ),
    ("INCIDENTS", "Improve incident investigation", AMBULANCE, EVERYONE, None),
    ("SELF-HARM", "Reduce self-harm and suicide", MENTAL_HEALTH, NHS_ONLY, None),
    ("DOMESTIC-ABUSE", "Reduce domestic violence and abuse", THIRD_SECTOR, NHS_ONLY, None),
    (
        "NUTRITION",
        "Improve nutrition and hydration in care settings",
        ACUTE,
        EVERYONE,
        NumericMeasure(
            "patients screened within 24 hours", "patients admitted", Decimal(80), Decimal(95), unit=PERCENT
        ),
    ),
]
STEPS = {
    Quarter.Q1: "Baseline measured and a joint action plan agreed",
    Quarter.Q2: "First quarter of the action plan delivered",
    Quarter.Q3: "Learning shared across the system",
    Quarter.Q4: "Year-end report on the improvement achieved",
}


def load(app: Corral, files: AttachmentStore) -> None:
    """Create the programme, its schemes and a year part played through, once; each provider's quarterly report is
    kept in `files`, so evidence packs and downloads have real files to hold."""
    for code, name, sector, _ in ORGANISATIONS:
        register(app, code, name, sector)
    commissioner = staff(CCG, Role.COMMISSIONER)
    if app.exists(ids.programme_id(commissioner.organisation_id, HEALTH_ECONOMY, YEAR)):
        return
    programme_id = app.set_up_programme(commissioner, HEALTH_ECONOMY, YEAR)
    for code, _, _, value in ORGANISATIONS[1:]:
        terms = ProviderTerms(ids.organisation_id(code), Decimal(str(value)), Decimal("0.025"))
        app.join_programme(commissioner, programme_id.id, terms)
    basis = OnAccountBasis(Decimal("0.9"), Decimal("250000"))
    app.set_on_account_basis(commissioner, programme_id.id, basis, "Paid monthly at 90%, near last year's achievement.")
    schemes = {
        code: _agree_scheme(app, commissioner, programme_id.id, code, title, lead, who, measure)
        for code, title, lead, who, measure in SCHEMES
    }
    with as_at(app, due(Quarter.Q1, YEAR) - timedelta(days=10)):
        for code, _, lead, who, _ in SCHEMES:
            _play_q1(app, files, commissioner, schemes[code], lead, who)
    with as_at(app, due(Quarter.Q2, YEAR) - timedelta(days=5)):
        _play_q2(app, files, commissioner, schemes)


def _milestones(title: str, participants: tuple[str, ...], measure: NumericMeasure | None) -> tuple[Milestone, ...]:
    shared = tuple(
        Milestone(
            q.value,
            STEPS[q],
            q,
            due(q, YEAR),
            measure=None if q is Quarter.Q1 else measure,
            description=f"{title}: {STEPS[q].lower()}.",
        )
        for q in Quarter
    )
    targeted = Milestone(
        "Q2-TARGETED",
        "Ambulance crews refer every frequent caller who self-harms to the crisis team",
        Quarter.Q2,
        due(Quarter.Q2, YEAR),
        provider_id=ids.organisation_id(AMBULANCE),
    )
    return shared + ((targeted,) if AMBULANCE in participants and title.startswith("Reduce self-harm") else ())


def _agree_scheme(
    app: Corral,
    commissioner: Actor,
    programme_id: UUID,
    code: str,
    title: str,
    lead: str,
    participants: tuple[str, ...],
    measure: NumericMeasure | None,
) -> UUID:
    terms = SchemeTerms(
        title,
        tuple(Participant(ids.organisation_id(p)) for p in participants),
        _milestones(title, participants, measure),
        description=f"A system-wide shared CQUIN scheme: {title.lower()}.",
        exclusions=tuple(
            Exclusion(ids.organisation_id(p), LEFT_OUT_BECAUSE[p]) for p in EVERYONE if p not in participants
        ),
    )
    scheme_id = app.draft_scheme(commissioner, programme_id, code, terms).id
    app.designate_lead(commissioner, scheme_id, ids.organisation_id(lead))
    for signer in (*participants, CCG):
        app.sign_scheme(staff(signer, Role.COMMISSIONER if signer == CCG else Role.PROVIDER), scheme_id, 1)
    return scheme_id


def _evidence(
    app: Corral, files: AttachmentStore, code: str, quarter: Quarter, numerator: int | None = None
) -> Evidence:
    """The provider's quarterly report, kept and recorded as its upload once, and its evidence."""
    figures = Figures(Decimal(numerator), Decimal(100)) if numerator is not None else None
    name = f"{code.lower()}-{quarter.value.lower()}-report.txt"
    provider = next(title for c, title, *_ in ORGANISATIONS if c == code)
    text = REPORT.format(provider=provider, quarter=quarter.value, year=f"{YEAR}/{(YEAR + 1) % 100:02d}")
    report = files.keep(io.BytesIO(text.encode()), name)
    if not app.exists(ids.upload_id(ids.organisation_id(code), report.sha256)):
        app.record_upload(staff(code), report)
    return Evidence(f"{quarter.value} report from {code}: actions taken and what changed.", figures, (report,))


def _play_q1(
    app: Corral, files: AttachmentStore, commissioner: Actor, scheme_id: UUID, lead: str, participants: tuple[str, ...]
) -> None:
    for provider in participants:
        submit_and_accept(
            app, staff(provider), staff(lead), scheme_id, "Q1", _evidence(app, files, provider, Quarter.Q1)
        )
    app.present_pack(staff(lead), scheme_id, Quarter.Q1)
    decisions = [
        (
            ids.organisation_id(p),
            "Q1",
            AssessmentStatus.PARTIALLY_MET if p == THIRD_SECTOR else AssessmentStatus.MET,
            "Action plan agreed." if p != THIRD_SECTOR else "Plan agreed late; baseline incomplete.",
        )
        for p in participants
    ]
    assess(app, commissioner, scheme_id, Quarter.Q1, decisions)
    app.close_quarter(commissioner, scheme_id, Quarter.Q1)


def _play_q2(app: Corral, files: AttachmentStore, commissioner: Actor, schemes: dict[str, UUID]) -> None:
    nutrition, self_harm, patient = schemes["NUTRITION"], schemes["SELF-HARM"], schemes["PATIENT-EXPERIENCE"]
    # Nutrition: everyone submits, one is returned and revised, the pack is presented and assessed in part.
    for provider, uptake in zip(EVERYONE, (92, 88, 81, 97, 85, 90)):
        submit_and_accept(
            app, staff(provider), staff(ACUTE), nutrition, "Q2", _evidence(app, files, provider, Quarter.Q2, uptake)
        )
    app.present_pack(staff(ACUTE), nutrition, Quarter.Q2)
    assess(
        app,
        commissioner,
        nutrition,
        Quarter.Q2,
        [
            (ids.organisation_id(MENTAL_HEALTH), "Q2", AssessmentStatus.MET, "97% screened within 24 hours."),
            (ids.organisation_id(ACUTE), "Q2", AssessmentStatus.PARTIALLY_MET, "92% screened: most of the way to 95%."),
        ],
    )
    # Self-harm: a neighbour's evidence is returned with comments; another is still missing; the lead nudges.
    lead = staff(MENTAL_HEALTH)
    submit_and_accept(app, staff(ACUTE), lead, self_harm, "Q2", _evidence(app, files, ACUTE, Quarter.Q2))
    returned = app.submit_evidence(staff(COMMUNITY), self_harm, "Q2", _evidence(app, files, COMMUNITY, Quarter.Q2))
    app.return_evidence(lead, returned.id, "Please attach the safety-plan audit for July to September.")
    app.submit_evidence(staff(AMBULANCE), self_harm, "Q2-TARGETED", _evidence(app, files, AMBULANCE, Quarter.Q2))
    app.nudge_provider(
        lead, self_harm, Quarter.Q2, ids.organisation_id(THIRD_SECTOR), "Your Q2 evidence is due by 30 October."
    )
    # Patient experience: presented, then queried back by the commissioner.
    for provider, recommend in zip(EVERYONE, (91, 89, 94, 87, 96, 98)):
        submit_and_accept(
            app, staff(provider), staff(PRIVATE), patient, "Q2", _evidence(app, files, provider, Quarter.Q2, recommend)
        )
    app.present_pack(staff(PRIVATE), patient, Quarter.Q2)
    app.query_pack(commissioner, patient, Quarter.Q2, "Which survey period do the Friends and Family figures cover?")
    # Incidents: Q1 closed with the third-sector provider's baseline incomplete; its missing pages turn up, restated.
    found = Correction(
        AssessmentStatus.MET,
        "Action plan agreed; the baseline was complete.",
        "The baseline's last pages were found misfiled: it was complete by the deadline.",
    )
    app.restate_assessment(
        commissioner, schemes["INCIDENTS"], Quarter.Q1, ids.organisation_id(THIRD_SECTOR), "Q1", found
    )
