"""Seed 000: one mental-health trust's local (CCG) and specialised (NHS England) CQUINs.

2017/18 is played through so that each indicator's Q1-Q4 statuses are exactly the seed's table. The
weights are illustrative, chosen so the year earns the seed's headline figures: 89% of the income
available for the local CQUINs and 100% for the specialised ones.
2018/19 is continued from it in `trust_next_year`.
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
from domain.milestones import Milestone, Quarter
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
CQUIN_RATE = Decimal("0.025")

# The seed's 2017/18 table, in its order and its exact words. Each local scheme's weight is illustrative (the three
# parts of the staff health indicator, wellbeing, food and flu, weigh one each), as are the quarters' milestone
# weights (QUARTER_WEIGHTS): with them the local year comes to 89% of the income available, as the seed says.
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
LOCAL_WEIGHTS = (3, 1, 1, 1, 1, 4, 4, 1)
QUARTER_WEIGHTS = (3, 3, 3, 1)
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
    """Create both commissioners' 2017/18 programmes for the trust, played through, once."""
    register(app, TRUST, "Mental health trust (seed 000)", Sector.MENTAL_HEALTH)
    register(app, LOCAL, "Local clinical commissioning group (seed 000)", Sector.ICB)
    register(app, SPECIALISED, "NHS England Specialised Commissioning", Sector.NHS_ENGLAND)
    for commissioner, contract_value, table, weights in (
        (LOCAL, Decimal("80000000"), LOCAL_2017, LOCAL_WEIGHTS),
        (SPECIALISED, Decimal("45000000"), SPECIALISED_2017, (1,) * len(SPECIALISED_2017)),
    ):
        if not app.exists(programme_id(commissioner, 2017)):
            _play_2017(app, commissioner, contract_value, table, weights)


def programme_id(commissioner: str, year: int) -> UUID:
    """The id of the trust's programme with a commissioner (LOCAL or SPECIALISED) in a contract year."""
    return ids.programme_id(ids.organisation_id(commissioner), HEALTH_ECONOMY[commissioner], year)


def _play_2017(
    app: Corral,
    code: str,
    contract_value: Decimal,
    table: Sequence[tuple[str, Sequence[AssessmentStatus]]],
    weights: Sequence[int],
) -> None:
    trust, commissioner = staff(TRUST), staff(code, Role.COMMISSIONER)
    programme_id = app.set_up_programme(commissioner, HEALTH_ECONOMY[code], 2017, schemes_per_lead=None).id
    app.join_programme(commissioner, programme_id, ProviderTerms(trust.organisation_id, contract_value, CQUIN_RATE))
    scheme_ids = []
    for number, ((title, _), weight) in enumerate(zip(table, weights, strict=True), start=1):
        milestones = tuple(
            Milestone(
                q.value, f"{title}: {q.value} milestone", q, due(q, 2017), weight=Decimal(QUARTER_WEIGHTS[q.index])
            )
            for q in Quarter
        )
        terms = SchemeTerms(title, (Participant(trust.organisation_id, Decimal(weight)),), milestones)
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
