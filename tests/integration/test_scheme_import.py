"""Import tests: a workbook of schemes is refused row by row, each fault named by sheet, row and column, and nothing
is recorded until the whole workbook is sound; a sound one, built from the downloaded template, drafts every scheme in
one save. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from api.http.imports.drafts import Checked, check
from api.http.imports.reading import from_workbook
from api.http.imports.template import template
from domain import ids
from domain.application import Corral
from domain.errors import AlreadyExistsError
from domain.milestones import MeasureUnit
from domain.scheme import SchemeStatus
from tests.builders import ACUTE_ID, COMMISSIONER, COMMUNITY_ID
from tests.integration.given import event_count, programme_set_up
from tests.workbooks import FLU, FLU_MEASURE, NUTRITION, PARTICIPANTS, PLAN, SELFHARM, filled, valid
from tests.workbooks import without_column

PROVIDERS = [("ACUTE", "Torbay Acute Trust"), ("COMMUNITY", "Devon Community Care Trust")]


@pytest.fixture
def programme_id(app: Corral) -> UUID:
    return programme_set_up(app, ACUTE_ID, COMMUNITY_ID)


def blank() -> bytes:
    return template("South Devon and Torbay", 2014, PROVIDERS)


def checked(app: Corral, programme_id: UUID, workbook: bytes) -> Checked:
    return check(app, COMMISSIONER, programme_id, from_workbook(workbook))


def faults(app: Corral, programme_id: UUID, workbook: bytes) -> list[str]:
    before = event_count(app)
    found = checked(app, programme_id, workbook)
    assert event_count(app) == before
    assert not found.valid and not found.drafts
    return [error.sentence(in_workbook=True) for error in found.errors]


def test_a_workbook_without_a_needed_column_is_refused_at_its_heading_row(app: Corral, programme_id: UUID) -> None:
    workbook = without_column(valid(blank()), "Milestones", "Due date")

    assert faults(app, programme_id, workbook) == [
        "Milestones, row 1, column Due date: is missing: every row needs it, as the template has it",
        "Milestones, row 2, column Due date: Field required",
        "Milestones, row 3, column Due date: Field required",
        "Milestones, row 4, column Due date: Field required",
    ]


def test_a_percentage_typed_where_a_fraction_belongs_is_refused_at_its_cell(app: Corral, programme_id: UUID) -> None:
    sixty = ("vaccinated", "frontline staff", 60, 0.8)
    workbook = filled(blank(), Schemes=[SELFHARM], Participants=PARTICIPANTS[:2], Milestones=[PLAN, FLU + sixty])

    assert faults(app, programme_id, workbook) == [
        "Milestones, row 3, column Minimum: must be a fraction from 0 to 1, not 60: to enter a percentage, give the"
        " unit as percent, or enter 0.6"
    ]


def test_a_percentage_given_as_one_is_taken_and_pays_as_its_fraction_would(app: Corral, programme_id: UUID) -> None:
    in_percent = (*FLU[:-1], "percent", "vaccinated", "frontline staff", 60, 80, "higher", "absolute")
    workbook = filled(blank(), Schemes=[SELFHARM], Participants=PARTICIPANTS[:2], Milestones=[PLAN, in_percent])

    found = checked(app, programme_id, workbook)

    assert found.valid, [e.sentence(in_workbook=True) for e in found.errors]
    measure = found.drafts[0].terms.milestone("FLU").measure
    assert (
        measure is not None and measure.unit is MeasureUnit.PERCENT and (measure.minimum, measure.maximum) == (60, 80)
    )


def test_a_provider_the_programme_does_not_have_is_refused_where_it_is_named(app: Corral, programme_id: UUID) -> None:
    workbook = filled(blank(), Schemes=[SELFHARM], Participants=[("SELFHARM", "St Elsewhere")], Milestones=[PLAN])

    assert faults(app, programme_id, workbook) == [
        "Participants, row 2, column Provider: no provider of this programme has the code or name St Elsewhere"
    ]


def test_a_due_date_outside_the_contract_year_is_refused_at_its_row(app: Corral, programme_id: UUID) -> None:
    late = (*PLAN[:5], date(2015, 4, 30))
    workbook = filled(blank(), Schemes=[SELFHARM], Participants=PARTICIPANTS[:2], Milestones=[late])

    assert faults(app, programme_id, workbook) == [
        "Milestones, row 2, column Due date: must fall in the contract year, from 1 April 2014 to 31 March 2015"
    ]


def test_a_milestone_code_used_twice_in_a_scheme_is_refused_at_the_second(app: Corral, programme_id: UUID) -> None:
    again = ("SELFHARM", "PLAN", "Another plan", "", "Q2", date(2014, 9, 30))
    workbook = filled(
        blank(), Schemes=[SELFHARM], Participants=PARTICIPANTS[:2], Milestones=[PLAN, FLU + FLU_MEASURE, again]
    )

    assert faults(app, programme_id, workbook) == ["Milestones, row 4: two milestones share a code"]


def test_every_row_with_a_fault_is_named_at_once(app: Corral, programme_id: UUID) -> None:
    wrong_quarter = ("NUTRITION", "SCREEN", "Screening audit", "", "Q5", date(2014, 10, 31))
    workbook = filled(
        blank(),
        Schemes=[SELFHARM, NUTRITION],
        Participants=[*PARTICIPANTS, ("NUTRITION", "Nobody")],
        Milestones=[PLAN, wrong_quarter, ("ELSEWHERE", "X1", "Lost", "", "Q1", date(2014, 6, 30))],
    )

    assert faults(app, programme_id, workbook) == [
        "Milestones, row 4, column Scheme code: ELSEWHERE is not a scheme code on the Schemes sheet",
        "Participants, row 6, column Provider: no provider of this programme has the code or name Nobody",
        "Milestones, row 3, column Quarter: Input should be 'Q1', 'Q2', 'Q3' or 'Q4'",
    ]


def test_a_file_that_is_not_a_workbook_is_refused_plainly(app: Corral, programme_id: UUID) -> None:
    assert faults(app, programme_id, b"%PDF-1.4\n%%EOF\n") == [
        "The file is not an Excel workbook (.xlsx): download the template and fill that in"
    ]


def test_a_sound_workbook_from_the_template_drafts_every_scheme_in_one_save(app: Corral, programme_id: UUID) -> None:
    found = checked(app, programme_id, valid(blank()))
    assert found.valid and [d.code for d in found.drafts] == ["SELFHARM", "NUTRITION"]
    before = event_count(app)

    recorded = app.draft_schemes(COMMISSIONER, programme_id, [(d.code, d.terms) for d in found.drafts], 3)

    assert recorded.id == programme_id and event_count(app) == before + 4  # two drafted, two added to the programme
    selfharm = app.scheme(ids.scheme_id(programme_id, "SELFHARM"))
    assert selfharm.status is SchemeStatus.DRAFT
    assert [(p.provider_id, p.weight) for p in selfharm.terms.participants] == [(ACUTE_ID, 1), (COMMUNITY_ID, 2)]
    flu = selfharm.terms.milestone("FLU")
    assert flu.provider_id == ACUTE_ID and flu.measure is not None and str(flu.measure.minimum) == "0.6"
    nutrition = app.scheme(ids.scheme_id(programme_id, "NUTRITION"))
    assert nutrition.terms.provider_ids == {COMMUNITY_ID} and [x.provider_id for x in nutrition.terms.exclusions] == [
        ACUTE_ID
    ]
    assert app.programme(programme_id).scheme_ids == [selfharm.id, nutrition.id]
    assert [e.sentence(True) for e in checked(app, programme_id, valid(blank())).errors] == [
        "Schemes, row 2: this programme already has a scheme with code SELFHARM",
        "Schemes, row 3: this programme already has a scheme with code NUTRITION",
    ]


def test_drafts_that_fail_midway_record_nothing(app: Corral, programme_id: UUID) -> None:
    found = checked(
        app, programme_id, filled(blank(), Schemes=[SELFHARM], Participants=PARTICIPANTS[:2], Milestones=[PLAN])
    )
    drafts = [(d.code, d.terms) for d in found.drafts]
    before = event_count(app)

    with pytest.raises(AlreadyExistsError):
        app.draft_schemes(COMMISSIONER, programme_id, drafts + drafts)  # the second is the first again

    assert event_count(app) == before
