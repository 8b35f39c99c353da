"""The next year: a programme continued into the next contract year, its schemes carried forward as drafts."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from api.storage.settings import Settings
from domain import ids
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.errors import AlreadyExistsError, NotPermittedError
from domain.evidence import Evidence, Figures
from domain.limits import InvalidInputError
from domain.milestones import Milestone, Quarter
from domain.carrying import NO_REASON_RECORDED
from domain.programme import Programme
from domain.programme_errors import ProgrammeAlreadyContinuedError
from domain.scheme import Scheme, SchemeStatus
from projections.audit import whole_trail
from projections.progress.queries import programme_payments
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID, PRIVATE_ID
from tests.builders import ae_reduction, figures, flu_milestone, narrative_milestone, terms
from tests.integration.given import CONTRACT_YEAR, HEALTH_ECONOMY, SCHEME_CODE, agreed_scheme, presented
from tests.integration.given import programme_set_up, provider_terms
from tests.integration.read_models import scheme_agreed, views_of

Q1, PART = Quarter.Q1, AssessmentStatus.PARTIALLY_MET
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def attendances(code: str = "AE", quarter: Quarter = Quarter.Q2) -> Milestone:
    """A&E attendances of a frequent-attender cohort, cut by up to 20% from last year's count."""
    return Milestone(code, "A&E attendances", quarter, date(2014, 10, 31), measure=ae_reduction(Decimal(400)))


def played_year(app: Corral) -> UUID:
    """2014/15: a flu scheme whose Q1 figures are assessed, and a second scheme whose Q2 count was only submitted."""
    flu = agreed_scheme(app, flu_milestone("FLU"), narrative_milestone("PLAN"))
    presented(app, flu.scheme_id, (ACUTE, "FLU", figures(70, 100)), (COMMUNITY, "FLU", figures(150, 200)))
    app.assess_milestone(COMMISSIONER, flu.scheme_id, Q1, ACUTE_ID, "FLU", PART, "Halfway to 80%.")
    app.assess_milestone(COMMISSIONER, flu.scheme_id, Q1, COMMUNITY_ID, "FLU", PART, "Three quarters.")
    ae_terms = terms(attendances(), participants=(COMMUNITY_ID,))
    ae = scheme_agreed(app, flu.programme_id, "AE", ae_terms, COMMUNITY_ID)
    app.submit_evidence(COMMUNITY, ae, "AE", Evidence("Cohort attendances.", Figures(Decimal(330))))
    return flu.programme_id


def test_continuing_carries_providers_schemes_participants_and_leads_as_linked_drafts(app: Corral) -> None:
    last_id = played_year(app)

    next_id = app.continue_programme(COMMISSIONER, last_id).id

    last, following = app.programme(last_id), app.programme(next_id)
    assert next_id == ids.programme_id(last.commissioner_id, HEALTH_ECONOMY, CONTRACT_YEAR + 1)
    assert (following.contract_year, following.continues, last.continued_by) == (2015, last_id, next_id)
    assert following.providers == last.providers
    assert [following.schemes[str(s)] for s in following.scheme_ids] == [SCHEME_CODE, "AE"]
    for carried_id, earlier_id in zip(following.scheme_ids, last.scheme_ids):
        carried, earlier = app.scheme(carried_id), app.scheme(earlier_id)
        assert carried.continues == earlier_id and carried.status is SchemeStatus.DRAFT
        assert carried.terms.participants == earlier.agreed_terms.participants
        assert following.lead_of(carried_id) == last.lead_of(earlier_id)
        earlier_dues = [m.due for m in earlier.agreed_terms.milestones]
        assert [m.due for m in carried.terms.milestones] == [d.replace(year=2015) for d in earlier_dues]


def test_baselines_are_last_years_reported_figures_pooled_across_the_providers(app: Corral) -> None:
    last_id = played_year(app)

    following = app.programme(app.continue_programme(COMMISSIONER, last_id).id)

    flu, ae = (app.scheme(s).terms for s in following.scheme_ids)
    assert baseline_of(flu.milestone("FLU")) == Decimal("0.733333")  # (70 + 150) / (100 + 200)
    assert flu.milestone("PLAN").measure is None
    assert baseline_of(ae.milestone("AE")) == Decimal(330)


def baseline_of(milestone: Milestone) -> Decimal | None:
    assert milestone.measure is not None
    return milestone.measure.baseline


def test_a_carried_draft_is_amended_and_agreed_like_any_other(app: Corral) -> None:
    following = app.programme(app.continue_programme(COMMISSIONER, played_year(app)).id)
    ae_id = following.scheme_ids[1]
    year_end = Milestone(
        "AE-YEAR", "A&E attendances", Quarter.Q4, date(2016, 3, 31), measure=ae_reduction(Decimal(330))
    )
    retired = terms(year_end, participants=(COMMUNITY_ID,))

    app.amend_draft(COMMISSIONER, ae_id, retired, "The cohort is measured at the year's end from 2015/16.")
    app.sign_scheme(COMMUNITY, ae_id, 2)
    app.sign_scheme(COMMISSIONER, ae_id, 2)

    assert app.scheme(ae_id).status is SchemeStatus.AGREED
    assert app.scheme(ae_id).continues == app.programme(following.continues).scheme_ids[1]  # type: ignore[arg-type]


def test_the_earlier_years_payments_are_unchanged_by_continuing_it(app: Corral, settings: Settings) -> None:
    last_id = played_year(app)
    with views_of(settings) as views:
        before = programme_payments(views.caught_up(app).progress, str(last_id))

        app.continue_programme(COMMISSIONER, last_id)

        assert programme_payments(views.caught_up(app).progress, str(last_id)) == before


def test_a_programme_is_continued_once(app: Corral) -> None:
    last_id = played_year(app)
    app.continue_programme(COMMISSIONER, last_id)
    position = app.recorder.max_notification_id()

    with pytest.raises(ProgrammeAlreadyContinuedError, match="already been continued into 2015/16"):
        app.continue_programme(COMMISSIONER, last_id, health_economy="Torbay")

    assert app.recorder.max_notification_id() == position


def test_only_the_commissioner_continues_its_programme(app: Corral) -> None:
    last_id = played_year(app)
    position = app.recorder.max_notification_id()

    with pytest.raises(NotPermittedError):
        app.continue_programme(ACUTE, last_id)

    assert app.recorder.max_notification_id() == position and app.programme(last_id).continued_by is None


def test_a_next_year_already_set_up_is_not_overwritten_and_nothing_is_recorded(app: Corral) -> None:
    last_id = played_year(app)
    app.set_up_programme(COMMISSIONER, HEALTH_ECONOMY, CONTRACT_YEAR + 1)
    position = app.recorder.max_notification_id()

    with pytest.raises(AlreadyExistsError, match="already a South Devon and Torbay programme for 2015/16"):
        app.continue_programme(COMMISSIONER, last_id)

    assert app.recorder.max_notification_id() == position and app.programme(last_id).continued_by is None


def test_only_the_schemes_named_are_carried_and_an_unknown_code_is_refused_by_its_field(app: Corral) -> None:
    last_id = played_year(app)
    with pytest.raises(InvalidInputError) as refused:
        app.continue_programme(COMMISSIONER, last_id, scheme_codes=["AE", "NONE"])
    assert refused.value.field == "schemes.1"

    following = app.programme(app.continue_programme(COMMISSIONER, last_id, scheme_codes=["AE"]).id)

    assert list(following.schemes.values()) == ["AE"] and following.has_provider(PRIVATE_ID)


def test_the_audit_trail_tells_how_next_year_was_carried_forward_naming_both_years(
    app: Corral, settings: Settings
) -> None:
    last_id = played_year(app)
    next_id = app.continue_programme(COMMISSIONER, last_id).id

    with views_of(settings) as views:
        views.caught_up(app)
        earlier = [e.description for e in whole_trail(views.database, programme_id=last_id)]
        following = [e.description for e in whole_trail(views.database, programme_id=next_id)]

    assert earlier[-1] == (
        "South Devon and Torbay CCG continued the South Devon and Torbay 2014/15 programme into the South Devon"
        " and Torbay 2015/16 programme, its schemes carried forward as drafts"
    )
    assert "it continues the South Devon and Torbay 2014/15 programme" in following[0]
    assert "it continues 'Reduce self-harm and suicide' of last year" in following[4]
    assert "added 'Reduce self-harm and suicide' (code SELFHARM)" in following[5]
    assert not any(UUID_TEXT.search(text) for text in following)


def recorded_before_continuation_existed(app: Corral, *aggregates: Aggregate) -> None:
    """Record the aggregates' pending events as Corral did before it continued programmes: with no `continues`."""
    assert app.mapper.compressor is None and app.mapper.cipher is None
    stored = []
    for event in (e for aggregate in aggregates for e in aggregate.collect_events()):
        state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version", "continues")}
        topic = f"{type(event).__module__}:{type(event).__qualname__}"
        encoded = app.mapper.transcoder.encode(state)
        stored.append(StoredEvent(event.originator_id, event.originator_version, topic, encoded))
    app.recorder.insert_events(stored)


def test_a_programme_and_a_scheme_recorded_before_continuation_existed_are_read_and_continued(app: Corral) -> None:
    programme_set_up(app)
    older = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2014)
    older.join(COMMISSIONER, provider_terms(ACUTE_ID))
    only_acute = terms(participants=(ACUTE_ID,), programme=(ACUTE_ID,))
    scheme = Scheme.draft(COMMISSIONER, older.id, COMMISSIONER_ID, older.scope, "SH", only_acute)
    older.add_scheme(COMMISSIONER, scheme.id, "SH")
    older.join(COMMISSIONER, provider_terms(COMMUNITY_ID))  # after the draft: its terms say nothing of why it is out
    recorded_before_continuation_existed(app, scheme, older)

    following = app.programme(app.continue_programme(COMMISSIONER, older.id).id)

    assert (app.programme(older.id).continues, app.scheme(scheme.id).continues) == (None, None)
    carried = app.scheme(following.scheme_ids[0])
    assert carried.continues == scheme.id
    assert [(x.provider_id, x.reason) for x in carried.terms.exclusions] == [(COMMUNITY_ID, NO_REASON_RECORDED)]
