"""Snapshots shorten long histories without changing what an aggregate loads as."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import project_aggregate
from eventsourcing.persistence import IntegrityError

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Role
from domain.application import Corral
from domain.milestones import Quarter
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY_ID, OPERATOR, narrative, narrative_milestone, terms
from tests.integration.given import agreed_scheme, organisations_registered, presented
from tests.integration.given import programme_set_up, provider_terms, signed_by_everyone

SNAPSHOT_INTERVAL = 50


def replayed(app: Corral, aggregate_id: UUID, version: int | None = None) -> Any:
    """The aggregate rebuilt from its events alone, ignoring snapshots."""
    return project_aggregate(None, app.events.get(aggregate_id, lte=version))


def snapshot_versions(app: Corral, aggregate_id: UUID) -> list[int]:
    """The versions at which the aggregate was snapshotted."""
    assert app.snapshots is not None
    return [s.originator_version for s in app.snapshots.get(aggregate_id)]


def test_a_programme_with_a_long_history_is_snapshotted_and_loads_as_its_events_replay(app: Corral) -> None:
    programme_id = programme_set_up(app)

    for n in range(1, 56):
        app.revise_provider_terms(
            COMMISSIONER, programme_id, provider_terms(ACUTE_ID, f"{100_000_000 + n}"), reason=f"Contract variation {n}"
        )

    assert snapshot_versions(app, programme_id) == [SNAPSHOT_INTERVAL]
    loaded: Any = app.repository.get(programme_id)
    assert loaded.version == 59
    assert loaded == replayed(app, programme_id)
    assert str(loaded.provider(ACUTE_ID).contract_value) == "100000055"


def test_a_second_snapshot_at_a_version_already_snapshotted_is_refused_and_the_first_is_kept(app: Corral) -> None:
    programme_id = programme_set_up(app)
    version = app.repository.get(programme_id).version
    app.take_snapshot(programme_id, version=version)

    with pytest.raises(IntegrityError):
        app.take_snapshot(programme_id, version=version)

    assert snapshot_versions(app, programme_id) == [version]
    assert app.repository.get(programme_id) == replayed(app, programme_id)


def test_a_submission_revised_and_withdrawn_many_times_loads_as_its_events_replay(app: Corral) -> None:
    agreed = agreed_scheme(app)
    submission_id = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative("Revision 1.")).id

    for n in range(2, 32):
        app.withdraw_evidence(ACUTE, submission_id, reason=f"Withdrawn before revision {n}")
        app.revise_evidence(ACUTE, submission_id, narrative(f"Revision {n}."), reason=f"Revision {n}")

    assert snapshot_versions(app, submission_id) == [SNAPSHOT_INTERVAL]
    loaded: Any = app.repository.get(submission_id)
    assert loaded.version == 61
    assert loaded == replayed(app, submission_id)
    assert loaded.revisions == [narrative(f"Revision {n}.") for n in range(1, 32)]
    assert app.submission(submission_id, version=49) == replayed(app, submission_id, version=49)


def test_a_scheme_varied_many_times_loads_as_its_events_replay(app: Corral) -> None:
    agreed = agreed_scheme(app)

    for n in range(2, 52):
        app.propose_variation(
            COMMISSIONER, agreed.scheme_id, terms(narrative_milestone(f"M{n}")), reason=f"Variation {n}"
        )
    signed_by_everyone(app, agreed.scheme_id)

    assert snapshot_versions(app, agreed.scheme_id) == [SNAPSHOT_INTERVAL]
    loaded: Any = app.repository.get(agreed.scheme_id)
    assert loaded == replayed(app, agreed.scheme_id)
    assert [v.terms_version for v in loaded.agreed_versions] == [1, 51]
    assert loaded.agreed_version(1).terms == terms()


def test_a_quarter_review_nudged_past_its_snapshot_loads_as_its_events_replay(app: Corral) -> None:
    agreed = agreed_scheme(app, participants=(ACUTE_ID, COMMUNITY_ID))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))
    for n in range(1, 50):
        app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, f"Reminder {n}")

    recorded = app.assess_milestone(
        COMMISSIONER, agreed.scheme_id, Quarter.Q1, ACUTE_ID, "M1", AssessmentStatus.MET, "Audit done"
    )

    assert snapshot_versions(app, recorded.id) == [SNAPSHOT_INTERVAL]
    loaded: Any = app.repository.get(recorded.id)
    assert loaded == replayed(app, recorded.id)
    assert loaded.assessment(ACUTE_ID, "M1").evidence_assessed == loaded.entry_for(ACUTE_ID, "M1")


def test_an_account_s_password_generation_survives_its_snapshot(app: Corral, settings: Settings) -> None:
    organisations_registered(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash-0")

    for n in range(1, 56):
        app.change_password(OPERATOR, "colin", f"hash-{n}")
    another_process = build_application(settings)
    try:
        loaded = another_process.user_account("colin")
    finally:
        another_process.close()

    assert snapshot_versions(app, ids.user_id("colin")) == [SNAPSHOT_INTERVAL]
    assert loaded.password_generation == replayed(app, ids.user_id("colin")).password_generation == 55
