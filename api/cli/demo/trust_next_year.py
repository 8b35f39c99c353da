"""Seed 000's 2018/19: each commissioner's 2017/18 programme continued by the roll-forward, the schemes the seed
plans for carried, each carried draft amended to the seed's goals and numeric targets with illustrative baselines,
and signed by the trust and the commissioner."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from api.cli.demo.play import staff
from api.cli.demo.trust_year import LOCAL, SPECIALISED, TRUST, programme_id
from domain import ids
from domain.actors import Role
from domain.application import Corral
from domain.milestones import Direction, MeasureUnit, Milestone, NumericMeasure, Quarter, ThresholdBasis


def load(app: Corral) -> None:
    """Continue both commissioners' 2017/18 programmes into 2018/19, once."""
    for commissioner, goals in ((LOCAL, LOCAL_2018), (SPECIALISED, SPECIALISED_2018)):
        if not app.exists(programme_id(commissioner, 2018)):
            _continue_2018(app, commissioner, goals)


def _rate(numerator: str, denominator: str | None, target: str, **kwargs: object) -> NumericMeasure:
    """A target as the seed gives it, in percent: 75% uptake, 5 percentage points, a 20% reduction."""
    return NumericMeasure(numerator, denominator, Decimal(target), Decimal(target), unit=MeasureUnit.PERCENT, **kwargs)  # type: ignore[arg-type]


YEAR_END = Quarter.Q4.last_day(2018)
Goal = tuple[str, str, NumericMeasure | None]
# The baselines are illustrative: the seed gives 2018/19's targets, not 2017/18's year-end figures.
LOCAL_2018: list[tuple[str, list[Goal]]] = [
    (
        "Improvement of staff health and wellbeing",
        [
            (
                "WELLBEING",
                "A 5 percentage point improvement in two of the three NHS staff survey questions on health "
                "and wellbeing",
                _rate(
                    "staff answering positively",
                    "staff responding",
                    "5",
                    basis=ThresholdBasis.POINTS_FROM_BASELINE,
                    baseline=Decimal(41),
                ),
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
                _rate("frontline clinical staff vaccinated", "frontline clinical staff", "75", baseline=Decimal(68)),
            ),
        ],
    ),
    (
        "Cardio Metabolic Assessment",
        [
            (
                "CMA-INPATIENT",
                "Full cardio metabolic assessment: 90% of inpatients",
                _rate("patients fully assessed", "inpatients with psychoses", "90", baseline=Decimal(84)),
            ),
            (
                "CMA-COMMUNITY",
                "Full cardio metabolic assessment: 75% in community services",
                _rate("patients fully assessed", "community patients with psychoses", "75", baseline=Decimal(62)),
            ),
            (
                "CMA-EIP",
                "Full cardio metabolic assessment: 90% in early intervention",
                _rate("patients fully assessed", "early intervention patients", "90", baseline=Decimal(81)),
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
                _rate("patients with a summary shared", "patients", "90", baseline=Decimal(86)),
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
                    baseline=Decimal(412),
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
SPECIALISED_2018: list[tuple[str, list[Goal]]] = [
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


def _continue_2018(app: Corral, code: str, goals: list[tuple[str, list[Goal]]]) -> None:
    """Continue 2017/18 into 2018/19 with the schemes the seed plans for, each amended to the seed's goals and
    signed by the trust and the commissioner (the trust, carried forward as every scheme's lead, leads each)."""
    trust = staff(TRUST)
    commissioner = staff(code, Role.COMMISSIONER)
    last = app.programme(programme_id(code, 2017))
    code_of = {app.scheme(s).terms.title: last.schemes[str(s)] for s in last.scheme_ids}
    following = app.continue_programme(commissioner, last.id, scheme_codes=[code_of[title] for title, _ in goals]).id
    for title, milestones in goals:
        scheme_id = ids.scheme_id(following, code_of[title])
        goals_set = tuple(
            Milestone(code, text, Quarter.Q4, YEAR_END, measure=measure) for code, text, measure in milestones
        )
        terms = replace(app.scheme(scheme_id).terms, milestones=goals_set)
        app.amend_draft(commissioner, scheme_id, terms, "The 2018/19 goals, with baselines as at 2017/18's year end.")
        app.sign_scheme(trust, scheme_id, 2)
        app.sign_scheme(commissioner, scheme_id, 2)
