"""Seed 000: one mental-health trust's local (CCG) and specialised (NHS England) CQUINs.

2017/18 is played through so that each indicator's Q1-Q4 statuses are exactly the seed's table.
2018/19 is drafted with the seed's numeric targets; its baselines are not in the seed, so those
schemes stay drafts until a baseline is agreed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from api.cli.demo.play import as_at, due, register, staff, submit_and_accept
from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.application import Corral
from domain.evidence import Evidence
from domain.milestones import Direction, MeasureUnit, Milestone, NumericMeasure, Quarter, ThresholdBasis
from domain.organisation import Sector
from domain.programme import ProviderTerms
from domain.scheme import Participant, SchemeTerms

MET, PART, NOT, NA = (
    AssessmentStatus.MET,
    AssessmentStatus.PARTIALLY_MET,
    AssessmentStatus.NOT_MET,
    AssessmentStatus.NOT_APPLICABLE,
)
TRUST, LOCAL, SPECIALISED = "MHT", "LOCAL-CCG", "NHSE-SPEC"
# Each programme's name says whose it is; the year follows it wherever it is shown.
HEALTH_ECONOMY = {LOCAL: "Local CCG CQUINs for the mental health trust", SPECIALISED: "NHS England Specialised CQUINs"}

# The seed's 2017/18 table, in its order and its exact words.
LOCAL_2017 = [
    ("Cardio Metabolic Assessment", (MET, NA, NA, PART)),
    ("Summaries of Care", (NA, MET, PART, MET)),
    ("Improvement of staff health and wellbeing", (NA, NA, NA, NOT)),
    ("Healthy food for NHS staff, visitors and patients", (NA, NA, NA, PART)),
    ("Improving the Uptake of Flu Vaccinations", (NA, NA, NA, PART)),
    ("Child and Young Person MH Transition", (MET, MET, NA, PART)),
    ("Improving Services for people who present at A&E with Mental Health needs", (MET, MET, MET, PART)),
    ("Preventing ill health by risky behaviour", (MET, MET, PART, PART)),
]
SPECIALISED_2017 = [
    ("Recovery Colleges for Medium and Low Secure Patients", (MET, MET, MET, MET)),
    ("Reducing Restrictive Practices within Adult Secure Services", (MET, MET, MET, MET)),
    ("CAMHS Transition Pathway", (MET, MET, MET, MET)),
    ("Improvement of Information flows across the justice pathway to improve patient outcomes", (MET, MET, MET, MET)),
    ("Non-secure - \u00a0Repatriation", (MET, MET, MET, MET)),
    ("Non-secure – Reducing Length of Stay", (MET, MET, MET, MET)),
    ("Secure Services – Reducing Length of Stay", (MET, MET, MET, MET)),
]


def load(app: Corral) -> None:
    """Create both commissioners' 2017/18 and 2018/19 programmes for the trust, once."""
    register(app, TRUST, "Mental health trust (seed 000)", Sector.MENTAL_HEALTH)
    register(app, LOCAL, "Local clinical commissioning group (seed 000)", Sector.ICB)
    register(app, SPECIALISED, "NHS England Specialised Commissioning", Sector.NHS_ENGLAND)
    for commissioner, contract_value, table, goals in (
        (LOCAL, Decimal("80000000"), LOCAL_2017, LOCAL_2018),
        (SPECIALISED, Decimal("45000000"), SPECIALISED_2017, SPECIALISED_2018),
    ):
        if not app.exists(programme_id(commissioner, 2017)):
            _play_2017(app, staff(commissioner, Role.COMMISSIONER), contract_value, table)
        if not app.exists(programme_id(commissioner, 2018)):
            _draft_2018(app, staff(commissioner, Role.COMMISSIONER), contract_value, goals)


def programme_id(commissioner: str, year: int) -> UUID:
    """The id of the trust's programme with a commissioner (LOCAL or SPECIALISED) in a contract year."""
    return ids.programme_id(ids.organisation_id(commissioner), HEALTH_ECONOMY[commissioner], year)


def _set_up(app: Corral, commissioner: Actor, year: int, contract_value: Decimal) -> UUID:
    code = LOCAL if commissioner.organisation_id == ids.organisation_id(LOCAL) else SPECIALISED
    programme_id = app.set_up_programme(commissioner, HEALTH_ECONOMY[code], year, schemes_per_lead=None).id
    terms = ProviderTerms(ids.organisation_id(TRUST), contract_value, Decimal("0.025"))
    app.join_programme(commissioner, programme_id, terms)
    return programme_id


def _play_2017(
    app: Corral, commissioner: Actor, contract_value: Decimal, table: Sequence[tuple[str, Sequence[AssessmentStatus]]]
) -> None:
    trust = staff(TRUST)
    programme_id = _set_up(app, commissioner, 2017, contract_value)
    scheme_ids = []
    for number, (title, _) in enumerate(table, start=1):
        milestones = tuple(Milestone(f"{q.value}", f"{title}: {q.value} milestone", q, due(q, 2017)) for q in Quarter)
        terms = SchemeTerms(title, (Participant(trust.organisation_id),), milestones)
        scheme_id = app.draft_scheme(commissioner, programme_id, f"{number:02d}", terms).id
        app.designate_lead(commissioner, scheme_id, trust.organisation_id)
        app.sign_scheme(trust, scheme_id, 1)
        app.sign_scheme(commissioner, scheme_id, 1)
        scheme_ids.append(scheme_id)
    for quarter in Quarter:
        for scheme_id, (title, statuses) in zip(scheme_ids, table):
            _play_quarter(app, commissioner, trust, scheme_id, title, quarter, statuses[quarter.index])


def _play_quarter(
    app: Corral,
    commissioner: Actor,
    trust: Actor,
    scheme_id: UUID,
    title: str,
    quarter: Quarter,
    status: AssessmentStatus,
) -> None:
    rationale = f"{status.value}, as the trust's 2017/18 CQUIN summary reports."
    if status is not NA:
        evidence = Evidence(f"{quarter.value} 2017/18 evidence for {title}.")
        due_date = app.scheme(scheme_id).agreed_terms.milestone(quarter.value).due
        with as_at(app, due_date - timedelta(days=5)):
            submit_and_accept(app, trust, trust, scheme_id, quarter.value, evidence)
            app.present_pack(trust, scheme_id, quarter)
    else:
        rationale = "No milestone was at stake this quarter."
    app.assess_milestone(commissioner, scheme_id, quarter, trust.organisation_id, quarter.value, status, rationale)
    app.close_quarter(commissioner, scheme_id, quarter)


def _rate(numerator: str, denominator: str | None, target: str, **kwargs: object) -> NumericMeasure:
    """A target as the seed gives it, in percent: 75% uptake, 5 percentage points, a 20% reduction."""
    return NumericMeasure(numerator, denominator, Decimal(target), Decimal(target), unit=MeasureUnit.PERCENT, **kwargs)  # type: ignore[arg-type]


YEAR_END = Quarter.Q4.last_day(2018)
LOCAL_2018: list[tuple[str, list[tuple[str, str, NumericMeasure | None]]]] = [
    (
        "Improvement of staff health and wellbeing",
        [
            (
                "WELLBEING",
                "A 5 percentage point improvement in two of the three NHS staff survey questions on health "
                "and wellbeing",
                _rate("staff answering positively", "staff responding", "5", basis=ThresholdBasis.POINTS_FROM_BASELINE),
            ),
        ],
    ),
    (
        "Healthy food for NHS staff, visitors and patients",
        [
            (
                "FOOD",
                "Evidence the Year 2 changes, maintain the 2016/17 changes and introduce three new changes "
                "to food and drink provision",
                None,
            ),
        ],
    ),
    (
        "Improving the Uptake of Flu Vaccinations",
        [
            (
                "FLU",
                "Uptake of flu vaccinations by frontline clinical staff of 75%",
                _rate("frontline clinical staff vaccinated", "frontline clinical staff", "75"),
            ),
        ],
    ),
    (
        "Cardio Metabolic Assessment",
        [
            (
                "CMA-INPATIENT",
                "Full cardio metabolic assessment: 90% of inpatients",
                _rate("patients fully assessed", "inpatients with psychoses", "90"),
            ),
            (
                "CMA-COMMUNITY",
                "Full cardio metabolic assessment: 75% in community services",
                _rate("patients fully assessed", "community patients with psychoses", "75"),
            ),
            (
                "CMA-EIP",
                "Full cardio metabolic assessment: 90% in early intervention",
                _rate("patients fully assessed", "early intervention patients", "90"),
            ),
            (
                "CMA-OUTCOMES",
                "Positive outcomes for BMI and smoking cessation for patients in early intervention in "
                "psychosis services",
                None,
            ),
        ],
    ),
    (
        "Summaries of Care",
        [
            (
                "CPA-SHARED",
                "90% of patients have an updated CPA care plan or a comprehensive discharge summary shared with the GP",
                _rate("patients with a summary shared", "patients", "90"),
            ),
            ("AUDIT", "A local audit of communications is completed", None),
        ],
    ),
    (
        "Improving Services for people who present at A&E with Mental Health needs",
        [
            (
                "AE-FREQUENT",
                "Reduce by 20% the A&E attendances of a selected cohort of frequent attenders",
                _rate(
                    "A&E attendances by the cohort",
                    None,
                    "-20",
                    direction=Direction.LOWER_IS_BETTER,
                    basis=ThresholdBasis.CHANGE_FROM_BASELINE,
                ),
            ),
        ],
    ),
    (
        "Child and Young Person MH Transition",
        [
            ("TRANSITION", "Improve the outcomes for young people who transition out of CYPMHS", None),
        ],
    ),
    (
        "Preventing ill health by risky behaviour",
        [
            ("RISKY", "Deliver on the objectives set out in the Five Year Forward View", None),
        ],
    ),
]
SPECIALISED_2018: list[tuple[str, list[tuple[str, str, NumericMeasure | None]]]] = [
    (
        "Recovery Colleges for Medium and Low Secure Patients",
        [("RECOVERY", "The establishment of co-developed and co-delivered programmes", None)],
    ),
    (
        "Reducing Restrictive Practices within Adult Secure Services",
        [("RESTRICTIVE", "Improving service user experience whilst maintaining safe services", None)],
    ),
    ("CAMHS Transition Pathway", [("CAMHS", "Plan for discharge/transition at the point of admission", None)]),
    (
        "Non-secure - \u00a0Repatriation",
        [("REPATRIATION", "Review the list and identify patients who can be repatriated back to London", None)],
    ),
    (
        "Non-secure – Reducing Length of Stay",
        [
            (
                "LOS-NONSECURE",
                "Reduce the current Average Length of Stay in non-secure specialist inpatient services",
                None,
            )
        ],
    ),
    (
        "Secure Services – Reducing Length of Stay",
        [("LOS-SECURE", "Reduce the current Average Length of Stay in secure specialist inpatient services", None)],
    ),
]


def _draft_2018(
    app: Corral,
    commissioner: Actor,
    contract_value: Decimal,
    goals: list[tuple[str, list[tuple[str, str, NumericMeasure | None]]]],
) -> None:
    trust_id = ids.organisation_id(TRUST)
    programme_id = _set_up(app, commissioner, 2018, contract_value)
    for number, (title, milestones) in enumerate(goals, start=1):
        terms = SchemeTerms(
            title,
            (Participant(trust_id),),
            tuple(Milestone(code, text, Quarter.Q4, YEAR_END, measure=measure) for code, text, measure in milestones),
        )
        scheme_id = app.draft_scheme(commissioner, programme_id, f"{number:02d}", terms).id
        app.designate_lead(commissioner, scheme_id, trust_id)
