"""Racing revisions of one submission: each save lands or reports the conflict, and nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.application import Corral
from domain.errors import ConcurrentChangeError
from domain.evidence import Evidence
from tests.builders import ON_TIME, ACUTE, ACUTE_ID, narrative
from tests.integration.given import agreed_scheme, event_names

THREADS = 8
ROUNDS = 5
ATTEMPTS_PER_THREAD = 10


@dataclass
class Outcomes:
    """What the racing threads saw, gathered under a lock."""

    landed: list[tuple[int, Evidence]] = field(default_factory=list)
    conflicts: int = 0
    unexpected: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def land(self, version: int, evidence: Evidence) -> None:
        """A save landed at this version."""
        with self.lock:
            self.landed.append((version, evidence))

    def conflict(self) -> None:
        """A save lost the race and said so."""
        with self.lock:
            self.conflicts += 1

    def fail(self, error: BaseException) -> None:
        """Something other than a conflict went wrong."""
        with self.lock:
            self.unexpected.append(error)


def submitted(app: Corral) -> UUID:
    """An agreed scheme with the lead's first evidence for M1 submitted."""
    agreed = agreed_scheme(app)
    return app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative("Revision 1.")).id


def run_racers(racer: Callable[[int], None]) -> None:
    """Run the racer on every thread at once and wait for all of them."""
    threads = [threading.Thread(target=racer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)


def then_nothing_was_lost(app: Corral, submission_id: UUID, outcomes: Outcomes) -> None:
    """Only conflicts went wrong, and the history holds exactly the saves that landed, in version order."""
    assert outcomes.unexpected == []
    names = event_names(app, submission_id)
    assert names.count("EvidenceRevised") == len(outcomes.landed)
    versions = [e.originator_version for e in app.events.get(submission_id)]
    assert versions == list(range(1, len(outcomes.landed) + 2))
    assert sorted(version for version, _ in outcomes.landed) == versions[1:]
    submission = app.submission(submission_id)
    assert submission.revisions[1:] == [
        evidence for _, evidence in sorted(outcomes.landed, key=lambda landed: landed[0])
    ]


def test_saves_racing_on_the_same_version_land_once_a_round_and_conflict_otherwise(app: Corral) -> None:
    submission_id = submitted(app)
    milestone = app.scheme(app.submission(submission_id).scheme_id).milestone_for(ACUTE_ID, "M1")
    loaded = threading.Barrier(THREADS, timeout=30)
    saved = threading.Barrier(THREADS, timeout=30)
    outcomes = Outcomes()

    def racer(n: int) -> None:
        for round_ in range(ROUNDS):
            try:
                submission = app.submission(submission_id)
                evidence = narrative(f"Thread {n}, round {round_}.")
                submission.revise(ACUTE, milestone, evidence, reason=f"thread {n} round {round_}", today=ON_TIME)
                loaded.wait()
                try:
                    app.save(submission)
                except IntegrityError:
                    outcomes.conflict()
                else:
                    outcomes.land(submission.version, evidence)
            except BaseException as error:  # noqa: BLE001 - every other error is the failure under test
                outcomes.fail(error)
            saved.wait()

    run_racers(racer)

    assert len(outcomes.landed) == ROUNDS
    assert outcomes.conflicts == (THREADS - 1) * ROUNDS
    then_nothing_was_lost(app, submission_id, outcomes)


def test_revise_evidence_use_cases_racing_either_land_or_report_a_concurrent_change(app: Corral) -> None:
    submission_id = submitted(app)
    start = threading.Barrier(THREADS, timeout=30)
    outcomes = Outcomes()

    def racer(n: int) -> None:
        start.wait()
        for attempt in range(ATTEMPTS_PER_THREAD):
            evidence = narrative(f"Thread {n}, attempt {attempt}.")
            try:
                recorded = app.revise_evidence(ACUTE, submission_id, evidence, reason=f"thread {n} attempt {attempt}")
            except ConcurrentChangeError:
                outcomes.conflict()
            except BaseException as error:  # noqa: BLE001 - every other error is the failure under test
                outcomes.fail(error)
            else:
                outcomes.land(recorded.version, evidence)

    run_racers(racer)

    assert outcomes.landed
    assert len(outcomes.landed) + outcomes.conflicts + len(outcomes.unexpected) == THREADS * ATTEMPTS_PER_THREAD
    then_nothing_was_lost(app, submission_id, outcomes)
